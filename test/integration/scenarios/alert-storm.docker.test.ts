import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

interface TestReport {
  ok: boolean;
  session: string;
  phases: { name: string; ok: boolean; detail: string }[];
}

async function firedrillTest(variant: string): Promise<RunEvent[]> {
  const home = mkdtempSync(join(tmpdir(), 'fd-alertstorm-'));
  const result = await runCli(['test', 'scenarios/alert-storm', '--json', '--variant', variant, '--timeout', '600'], { FIREDRILL_HOME: home }, 2_400_000);
  let report: TestReport;
  try {
    report = JSON.parse(result.stdout) as TestReport;
  } catch {
    throw new Error(`firedrill test printed no report (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
  }
  expect(report.phases.map((p) => `${p.name}:${p.ok ? 'ok' : p.detail}`)).toEqual(
    ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'].map((p) => `${p}:ok`),
  );
  expect(result.code).toBe(0);
  return readEvents(join(report.session, 'events.jsonl')).events;
}

/** The numbers a check observed when it changed to passing (`9`, `pages=11` → 9, 11). */
const observed = (events: RunEvent[], group: string, checkId: string): number[] =>
  events
    .filter((e) => e.type === 'check.changed' && e.group === group && e.checkId === checkId && e.pass)
    .map((e) => Number(/(-?[\d.]+)\s*$/.exec((e as { observed?: string }).observed ?? '')?.[1]));

const at = (events: RunEvent[], type: RunEvent['type']) => events.find((e) => e.type === type)?.mono ?? Number.NaN;

describeDocker('alert-storm on real Docker (PostgreSQL, Prometheus, Alertmanager, the pager)', () => {
  it('default: ≥ 8 alerts and ≥ 5 pages before the fix; the replay after it pages at most twice, inhibited', async () => {
    const events = await firedrillTest('default');
    // Before the fix: the broken checks held with the storm's own numbers.
    expect(Math.max(...observed(events, 'broken', 'alerts-storm'))).toBeGreaterThanOrEqual(8);
    expect(Math.max(...observed(events, 'broken', 'pages-storm'))).toBeGreaterThanOrEqual(5);
    const live = events.find((e) => e.type === 'phase.changed' && e.to === 'live')!.mono;
    const pagedBeforeFix = events.filter((e) => e.type === 'pager.paged' && e.mono <= live);
    expect(pagedBeforeFix.length).toBeGreaterThanOrEqual(5);
    // The replay: the failure came back, and the pager got at most two pages in its window.
    const started = at(events, 'replay.started');
    const finished = events.find((e) => e.type === 'replay.finished');
    expect(finished).toMatchObject({ showed: true });
    expect((finished as { results: { resolutionId: string; pass: boolean }[] }).results).toContainEqual({ resolutionId: 'fixed', pass: true });
    const replayPages = events.filter((e) => e.type === 'pager.paged' && e.mono >= started && e.mono <= finished!.mono);
    expect(replayPages.length).toBeLessThanOrEqual(2);
    expect(Math.max(...observed(events, 'replay:fixed', 'fixed-replay-few-pages'))).toBeLessThanOrEqual(2);
    expect(events.some((e) => e.type === 'resolution.reached' && e.resolutionId === 'fixed')).toBe(true);
  }, 2_500_000);

  it('false-alarm: the page is about noise; the fixed rule stays quiet and still pages on a real failure', async () => {
    const events = await firedrillTest('false-alarm');
    expect(events.some((e) => e.type === 'check.changed' && e.checkId === 'noisy-alert-paged' && e.pass)).toBe(true);
    expect(events.some((e) => e.type === 'check.changed' && e.checkId === 'checkout-actually-fine' && e.pass)).toBe(true);
    const finished = events.find((e) => e.type === 'replay.finished');
    expect((finished as { results: { resolutionId: string; pass: boolean }[] }).results).toContainEqual({ resolutionId: 'fixed-rule', pass: true });
    expect(events.some((e) => e.type === 'resolution.reached' && e.resolutionId === 'fixed-rule')).toBe(true);
  }, 2_500_000);
});
