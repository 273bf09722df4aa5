/**
 * `firedrill test <scenario>`: the scenario's own proof. Baseline must hold, the fault must show, the
 * reference solution must resolve it, and teardown must leave nothing labelled behind. `--resolution <id>` runs
 * that resolution's own steps instead and expects exactly it to hold; `--all-resolutions` proves each resolution
 * in turn on a fresh sandbox of the same variant.
 */
import { parseArgs } from 'node:util';
import { createAppContext } from '../../app/context.js';
import type { Run } from '../../engine/run/run.js';
import type { Scenario } from '../../engine/scenario/schema.js';
import { applyVariant, newSeed } from '../../engine/run/variants.js';
import { provableResolutions, solutionFor } from '../../engine/run/solutions.js';
import type { RuntimeRegistry } from '../../../sandbox/registry.js';
import type { CliIO } from '../io.js';
import { runtimeOption, UsageError } from '../io.js';
import { progressPrinter } from '../progress-bar.js';
import { selfTest, type PhaseResult } from '../../engine/run/self-test.js';

export type { PhaseResult } from '../../engine/run/self-test.js';

export interface TestReport {
  ok: boolean;
  scenario: string;
  runId: string;
  variant: string | null;
  seed: number;
  /** The resolution this run set out to reach (its solution's steps ran). */
  resolution: string;
  session: string;
  phases: PhaseResult[];
}

export async function runTest(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      runtime: { type: 'string' },
      variant: { type: 'string' },
      seed: { type: 'string' },
      resolution: { type: 'string' },
      'all-resolutions': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '300' },
    },
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('test takes exactly one scenario (a name or a pack folder)');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed takes a whole number');
  if (values.resolution !== undefined && values['all-resolutions']) throw new UsageError('--resolution and --all-resolutions exclude each other');

  const { manager } = createAppContext();
  const loaded = await manager.resolvePack(positionals[0]!);
  const runtime = runtimeOption(values.runtime);
  // The seed is chosen here, so the variant (and so the resolutions) is known before any run exists.
  const runSeed = seed ?? newSeed();
  const played = applyVariant(loaded.scenario, { seed: runSeed, ...(values.variant ? { variant: values.variant } : {}) });
  const options = () => ({ variant: played.variant ?? 'default', seed: runSeed, ...(runtime ? { runtime } : {}) });
  const timeoutS = Number(values.timeout);

  if (!values['all-resolutions']) {
    const resolution = values.resolution ?? played.scenario.solution.resolution;
    // An unknown resolution, or one without steps, is the author's mistake: say so before building anything.
    const known = checkProvable(played.scenario, resolution);
    if (known) throw new UsageError(known);
    const run = manager.create(loaded, options());
    const report = await proveResolution(run, resolution, timeoutS, manager.runtimes, !values.json);
    if (values.json) io.stdout(JSON.stringify(report, null, 2));
    else printReport(report, io);
    return report.ok ? 0 : 1;
  }

  // Every resolution, each on a fresh sandbox from the same variant: baseline → inject → broken → its steps → it holds.
  const resolutions = provableResolutions(played.scenario);
  const reports: TestReport[] = [];
  const missing: { resolution: string; detail: string }[] = [];
  for (const { id, provable } of resolutions) {
    if (!provable) {
      missing.push({ resolution: id, detail: checkProvable(played.scenario, id) ?? 'no solution' });
      continue;
    }
    const report = await proveResolution(manager.create(loaded, options()), id, timeoutS, manager.runtimes, !values.json);
    reports.push(report);
    if (!values.json) printReport(report, io);
  }
  const ok = missing.length === 0 && reports.every((r) => r.ok);
  if (values.json) {
    io.stdout(JSON.stringify({ ok, scenario: played.scenario.metadata.name, variant: played.variant, seed: runSeed, results: reports, unprovable: missing }, null, 2));
  } else {
    for (const m of missing) io.stdout(`✗ resolution "${m.resolution}": ${m.detail}`);
    io.stdout(`\n${ok ? '✓' : '✗'} ${reports.filter((r) => r.ok).length} of ${resolutions.length} resolution(s) proven: ${resolutions.map((r) => `${r.id} ${reports.find((x) => x.resolution === r.id)?.ok ? 'ok' : 'FAIL'}`).join(', ')}`);
  }
  return ok ? 0 : 1;
}

/** Why `resolution` cannot be proven in this run's scenario, or undefined when its steps exist. */
function checkProvable(scenario: Scenario, resolution: string): string | undefined {
  try {
    solutionFor(scenario, resolution);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** One run: prepare, baseline, inject, broken, the steps that reach `resolution`, it holds with its points, teardown, leftovers. */
async function proveResolution(run: Run, target: string, timeoutS: number, runtimes: RuntimeRegistry, progress: boolean): Promise<TestReport> {
  const { resolution: wanted } = solutionFor(run.scenario, target);
  const bar = progress ? progressPrinter() : null;
  const unsubscribe = run.onChange(() => run.progress && bar?.update(run.progress));
  const stop = () => void run.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const { passed, phases } = await selfTest(run, { timeoutMs: timeoutS * 1000, runtimes, resolution: wanted.id, onPhase: (_name, result) => result && bar?.done() });
  unsubscribe();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);

  return { ok: passed, scenario: run.scenario.metadata.name, runId: run.id, variant: run.variant, seed: run.seed, resolution: wanted.id, session: run.dir, phases };
}

function printReport(report: TestReport, io: CliIO): void {
  io.stdout(`firedrill test ${report.scenario}${report.variant ? ` (variant ${report.variant})` : ''} resolution ${report.resolution} seed ${report.seed}\n`);
  io.stdout(`${'phase'.padEnd(10)} ${'result'.padEnd(6)} ${'time'.padStart(8)}  detail`);
  for (const p of report.phases) {
    io.stdout(`${p.name.padEnd(10)} ${(p.ok ? 'ok' : 'FAIL').padEnd(6)} ${`${(p.ms / 1000).toFixed(1)}s`.padStart(8)}  ${p.detail}`);
  }
  io.stdout(
    `\n${report.ok ? `✓ the scenario breaks as described and reaches "${report.resolution}"` : `✗ the scenario failed its self-test for "${report.resolution}"`}  (session: ${report.session})`,
  );
}
