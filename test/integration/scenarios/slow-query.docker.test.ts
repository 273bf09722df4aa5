import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

interface TestReport {
  ok: boolean;
  resolution: string;
  session: string;
  phases: { name: string; ok: boolean; detail: string }[];
}

const PHASES = ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'];

async function firedrillTest(args: string[]): Promise<{ code: number | null; report: unknown }> {
  const home = mkdtempSync(join(tmpdir(), 'fd-slowquery-'));
  const result = await runCli(['test', 'scenarios/slow-query', '--json', ...args], { FIREDRILL_HOME: home }, 2_400_000);
  try {
    return { code: result.code, report: JSON.parse(result.stdout) as unknown };
  } catch {
    throw new Error(`firedrill test printed no report (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
  }
}

/** One resolution's proof, and the numbers behind its verdicts from the session log. */
function expectProven(report: TestReport, resolution: string, points: number): void {
  expect(report.resolution).toBe(resolution);
  expect(report.phases.map((p) => `${p.name}:${p.ok ? 'ok' : p.detail}`)).toEqual(PHASES.map((p) => `${p}:ok`));
  expect(report.phases.find((p) => p.name === 'resolved')?.detail).toContain(`resolution "${resolution}" (${points} points)`);
  // p95 was really over 500 ms, then really back, and the run reached this resolution with its points.
  const { events } = readEvents(join(report.session, 'events.jsonl'));
  const observed = (group: string, pass: boolean) =>
    events.filter((e) => e.type === 'check.changed' && e.group === group && e.pass === pass).map((e) => (e as { observed?: string }).observed);
  const brokenP95 = observed('broken', true).map((o) => Number(/=([\d.]+)/.exec(o ?? '')?.[1]));
  expect(brokenP95.some((ms) => ms > 500)).toBe(true);
  expect(events.some((e) => e.type === 'resolution.reached' && e.resolutionId === resolution && e.points === points)).toBe(true);
}

/** The scenario's own proof on a real PostgreSQL: healthy, really slow after v2, really fixed by the index. */
async function proveVariant(variant: string): Promise<void> {
  const { code, report } = await firedrillTest(['--variant', variant]);
  expectProven(report as TestReport, 'fixed', 100);
  expect(code).toBe(0);
}

describeDocker('slow-query on real Docker and a real PostgreSQL', () => {
  it('proves every resolution with --all-resolutions: the index (fixed, 100) and the rollback to v1 (rolled-back, 60)', async () => {
    const { code, report } = await firedrillTest(['--variant', 'default', '--all-resolutions']);
    const all = report as { ok: boolean; results: TestReport[]; unprovable: unknown[] };
    expect(all.unprovable).toEqual([]);
    expect(all.results.map((r) => r.resolution)).toEqual(['fixed', 'rolled-back']);
    expectProven(all.results[0]!, 'fixed', 100);
    expectProven(all.results[1]!, 'rolled-back', 60);
    expect(all.ok).toBe(true);
    expect(code).toBe(0);
  }, 2_500_000);

  it('passes firedrill test in its failed-migration variant (an INVALID index left behind)', async () => {
    await proveVariant('failed-migration');
  }, 1_600_000);
});
