/**
 * `firedrill test <scenario>`: the scenario's own proof. Baseline must hold, the fault must show, the
 * reference solution must resolve it, and teardown must leave nothing labelled behind.
 */
import { parseArgs } from 'node:util';
import { createAppContext } from '../../app/context.js';
import type { Run } from '../../engine/run/run.js';
import type { Resolution } from '../../engine/scenario/schema.js';
import { toMs } from '../../engine/scenario/duration.js';
import type { RuntimeRegistry } from '../../../sandbox/registry.js';
import type { CliIO } from '../io.js';
import { runtimeOption, UsageError } from '../io.js';
import { progressPrinter } from '../progress-bar.js';

export interface PhaseResult {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
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
  const phases: PhaseResult[] = [];
  const stop = () => void run.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const phase = async (name: string, work: () => Promise<string | void>): Promise<boolean> => {
    const started = performance.now();
    try {
      const detail = (await work()) ?? '';
      phases.push({ name, ok: true, ms: performance.now() - started, detail });
      return true;
    } catch (error) {
      phases.push({ name, ok: false, ms: performance.now() - started, detail: error instanceof Error ? error.message : String(error) });
      return false;
    } finally {
      bar?.done();
    }
  };

  const holdMs = toMs(run.scenario.checks.hold);
  const ok =
    (await phase('prepare', async () => {
      await run.prepare();
      return `${Object.keys(run.scenario.environment.services).length} services up`;
    })) &&
    (await phase('baseline', async () => {
      await run.baseline();
      return `${run.scenario.checks.steadyState.length} steady-state checks hold`;
    })) &&
    (await phase('inject', async () => {
      await run.inject();
      return `${run.scenario.faults.length} fault step(s) applied`;
    })) &&
    (await phase('broken', async () => {
      await run.waitBroken();
      return `${run.scenario.checks.broken.length} broken check(s) hold: the fault is observable`;
    })) &&
    (await phase('solution', async () => {
      await run.runSolution();
      return `${run.scenario.solution.steps.length} step(s) ran`;
    })) &&
    (await phase('resolved', async () => {
      const timeoutMs = Number(values.timeout) * 1000 + holdMs;
      const resolution = run.scenario.checks.resolveOn === 'submit' ? await submitWhenHeld(run, timeoutMs) : await run.waitResolved(timeoutMs);
      if (resolution.id !== run.scenario.solution.resolution) {
        throw new Error(`reached resolution "${resolution.id}", but the solution targets "${run.scenario.solution.resolution}"`);
      }
      const replay = run.replay ? `; the replay ${run.replay.state} (${Math.round(run.replay.windowMs / 1000)}s window)` : '';
      return `resolution "${resolution.id}" held for ${run.scenario.checks.hold}${replay}`;
    }));
  await phase('teardown', async () => {
    await run.teardown(ok ? 'resolved' : 'failed');
  });
  await phase('leftovers', async () => leftovers(run, manager.runtimes));
  unsubscribe();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);

  // A failed phase stops the chain, so `ok` is false exactly when a phase before teardown failed.
  const passed = ok && phases.every((p) => p.ok);
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

/** `resolveOn: submit`: submit as the learner would, once a fix holds (the replay, if any, runs inside). */
async function submitWhenHeld(run: Run, timeoutMs: number): Promise<Resolution> {
  run.startMonitor();
  const deadline = Date.now() + timeoutMs;
  while (!run.canSubmit) {
    if (Date.now() > deadline) throw new Error(`no resolution held within ${Math.round(timeoutMs / 1000)}s`);
    if (run.over) throw new Error(`the run ended (${run.phase}) before a fix held`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const outcome = await run.submit();
  if (!outcome.resolved || !outcome.resolution) throw new Error(outcome.message);
  return outcome.resolution;
}

/** After teardown nothing of the run may remain; cleanup reports (and removes) whatever did. */
async function leftovers(run: Run, runtimes: RuntimeRegistry): Promise<string> {
  const left = (await runtimes.cleanup({ runId: run.id })).removed;
  if (left.length > 0) throw new Error(`teardown left ${left.length} labelled object(s): ${left.map((o) => `${o.kind} ${o.name}`).join(', ')}`);
  return 'no labelled object left';
}
