/**
 * The scenario's own proof, shared by `firedrill test` and the Studio's "Test this pack": the baseline must
 * hold, the fault must show, the reference solution must resolve it, and teardown must leave nothing labelled
 * behind. Each phase is reported as it ends, so a caller can stream the table.
 */
import type { RuntimeRegistry } from '../../../sandbox/registry.js';
import type { Resolution } from '../scenario/schema.js';
import { toMs } from '../scenario/duration.js';
import type { Run } from './run.js';
import { solutionFor } from './solutions.js';

export interface PhaseResult {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export const SELF_TEST_PHASES = ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'] as const;

export interface SelfTestOptions {
  /** How long the solution may take to reach its resolution, in ms (plus the scenario's hold). */
  timeoutMs: number;
  runtimes: RuntimeRegistry;
  /** Called when a phase starts and when it ends (with its result). */
  onPhase?: (name: string, result: PhaseResult | null) => void;
  /** The resolution to prove (its steps run); default the solution's. */
  resolution?: string;
}

export async function selfTest(run: Run, options: SelfTestOptions): Promise<{ passed: boolean; phases: PhaseResult[]; resolution: string }> {
  const { resolution: wanted, steps } = solutionFor(run.scenario, options.resolution ?? run.scenario.solution.resolution);
  const phases: PhaseResult[] = [];
  const phase = async (name: string, work: () => Promise<string | void>): Promise<boolean> => {
    const started = performance.now();
    options.onPhase?.(name, null);
    let result: PhaseResult;
    try {
      const detail = (await work()) ?? '';
      result = { name, ok: true, ms: performance.now() - started, detail };
    } catch (error) {
      result = { name, ok: false, ms: performance.now() - started, detail: error instanceof Error ? error.message : String(error) };
    }
    phases.push(result);
    options.onPhase?.(name, result);
    return result.ok;
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
      await run.runSolution(wanted.id);
      return `${steps.length} step(s) for resolution "${wanted.id}" ran`;
    })) &&
    (await phase('resolved', async () => {
      const timeoutMs = options.timeoutMs + holdMs;
      const resolution = run.scenario.checks.resolveOn === 'submit' ? await submitWhenHeld(run, timeoutMs) : await run.waitResolved(timeoutMs);
      if (resolution.id !== wanted.id) {
        throw new Error(`reached resolution "${resolution.id}" (${resolution.points} points), but these steps target "${wanted.id}"`);
      }
      const replay = run.replay ? `; the replay ${run.replay.state} (${Math.round(run.replay.windowMs / 1000)}s window)` : '';
      return `resolution "${resolution.id}" (${resolution.points} points) held for ${run.scenario.checks.hold}${replay}`;
    }));
  await phase('teardown', async () => {
    await run.teardown(ok ? 'resolved' : 'failed');
  });
  await phase('leftovers', async () => leftovers(run, options.runtimes));
  // A failed phase stops the chain, so `ok` is false exactly when a phase before teardown failed.
  return { passed: ok && phases.every((p) => p.ok), phases, resolution: wanted.id };
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
