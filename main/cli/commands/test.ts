/**
 * `firedrill test <scenario>`: the scenario's own proof. Baseline must hold, the fault must show, the
 * reference solution must resolve it, and teardown must leave nothing labelled behind.
 */
import { parseArgs } from 'node:util';
import { createAppContext } from '../../app/context.js';
import { selfTest } from '../../engine/run/self-test.js';
import type { CliIO } from '../io.js';
import { runtimeOption, UsageError } from '../io.js';
import { progressPrinter } from '../progress-bar.js';

export type { PhaseResult } from '../../engine/run/self-test.js';

export async function runTest(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      runtime: { type: 'string' },
      variant: { type: 'string' },
      seed: { type: 'string' },
      timeout: { type: 'string', default: '300' },
    },
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('test takes exactly one scenario (a name or a pack folder)');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed takes a whole number');

  const { manager } = createAppContext();
  const loaded = await manager.resolvePack(positionals[0]!);
  const runtime = runtimeOption(values.runtime);
  const run = manager.create(loaded, {
    ...(values.variant ? { variant: values.variant } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(runtime ? { runtime } : {}),
  });
  const bar = values.json ? null : progressPrinter();
  const unsubscribe = run.onChange(() => run.progress && bar?.update(run.progress));
  const stop = () => void run.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const { passed, phases } = await selfTest(run, {
    timeoutMs: Number(values.timeout) * 1000,
    runtimes: manager.runtimes,
    onPhase: (_name, result) => result && bar?.done(),
  });
  unsubscribe();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);

  if (values.json) {
    io.stdout(JSON.stringify({ ok: passed, scenario: run.scenario.metadata.name, runId: run.id, variant: run.variant, seed: run.seed, session: run.dir, phases }, null, 2));
  } else {
    io.stdout(`firedrill test ${run.scenario.metadata.name}${run.variant ? ` (variant ${run.variant})` : ''} seed ${run.seed}\n`);
    io.stdout(`${'phase'.padEnd(10)} ${'result'.padEnd(6)} ${'time'.padStart(8)}  detail`);
    for (const p of phases) {
      io.stdout(`${p.name.padEnd(10)} ${(p.ok ? 'ok' : 'FAIL').padEnd(6)} ${`${(p.ms / 1000).toFixed(1)}s`.padStart(8)}  ${p.detail}`);
    }
    io.stdout(`\n${passed ? '✓ the scenario breaks as described and its solution fixes it' : '✗ the scenario failed its self-test'}  (session: ${run.dir})`);
  }
  return passed ? 0 : 1;
}
