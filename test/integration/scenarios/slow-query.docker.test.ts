import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

interface TestReport {
  ok: boolean;
  session: string;
  phases: { name: string; ok: boolean; detail: string }[];
}

/** The scenario's own proof on a real PostgreSQL: healthy, really slow after v2, really fixed by the index. */
async function proveVariant(variant: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'fd-slowquery-'));
  const result = await runCli(['test', 'scenarios/slow-query', '--json', '--variant', variant], { FIREDRILL_HOME: home }, 1_500_000);
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

  // The numbers behind the verdicts, from the log: p95 was really over 500 ms, then really back.
  const { events } = readEvents(join(report.session, 'events.jsonl'));
  const observed = (group: string, pass: boolean) =>
    events.filter((e) => e.type === 'check.changed' && e.group === group && e.pass === pass).map((e) => (e as { observed?: string }).observed);
  const brokenP95 = observed('broken', true).map((o) => Number(/=([\d.]+)/.exec(o ?? '')?.[1]));
  expect(brokenP95.some((ms) => ms > 500)).toBe(true);
  expect(events.some((e) => e.type === 'resolution.reached' && e.resolutionId === 'fixed')).toBe(true);
}

describeDocker('slow-query on real Docker and a real PostgreSQL', () => {
  it('passes firedrill test: baseline healthy, p95 over 500 ms after the v2 deploy, the index brings it back', async () => {
    await proveVariant('default');
  }, 1_600_000);

  it('passes firedrill test in its failed-migration variant (an INVALID index left behind)', async () => {
    await proveVariant('failed-migration');
  }, 1_600_000);
});
