/**
 * The replay: after the learner's fix holds (and, with `resolveOn: submit`, after they submit), the
 * engine re-injects a failure for a short window to prove what the live checks cannot see, such as
 * "this failure now pages once". Steps run like the fault timeline; the replay's `broken` checks must
 * hold at least once in the window (the failure really came back, or the proof means nothing); the
 * resolutions' `replayChecks` are judged when the window closes; then every applied step is reverted,
 * last first.
 */
import type { Sandbox } from '../../../sandbox/runtime.js';
import type { EventLog } from '../events/event-log.js';
import { runFaultTimeline } from '../faults/timeline.js';
import { applyAction, describeAction, type ActionContext } from '../faults/apply-action.js';
import { toMs } from '../scenario/duration.js';
import type { FaultStep, Replay, Resolution } from '../scenario/schema.js';
import type { CheckMonitor } from './check-monitor.js';

export interface ReplayDeps {
  events: EventLog;
  checks: CheckMonitor;
  sandbox: Sandbox;
  action: Omit<ActionContext, 'sandbox'>;
  interval: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  signal: AbortSignal;
  /** Called on every poll in the window, so the run can mirror alerts and pages while it lasts. */
  onPoll?: () => Promise<void>;
}

export interface ReplayOutcome {
  /** Did every `broken` check of the replay hold together at least once? */
  showed: boolean;
  /** resolution id → did all its replayChecks pass when the window closed (false when it did not show). */
  passed: Map<string, boolean>;
}

export async function runReplay(
  replay: Replay,
  resolutions: readonly Resolution[],
  deps: ReplayDeps,
): Promise<ReplayOutcome> {
  const { events, checks, sandbox } = deps;
  const context: ActionContext = { sandbox, ...deps.action };
  const applied: FaultStep[] = [];
  const windowMs = toMs(replay.window);
  events.append({ type: 'replay.started', windowMs, resolutions: resolutions.map((r) => r.id) });
  const started = deps.now();
  let showed = replay.broken.length === 0;
  const passed = new Map<string, boolean>();
  try {
    // The steps and the watch run together: the window starts with the first step.
    const timeline = runFaultTimeline(replay.faults, {
      signal: deps.signal,
      sleep: deps.sleep,
      now: deps.now,
      apply: async (step) => {
        try {
          const detail = await applyAction(step.action, context);
          applied.push(step);
          events.append({
            type: 'fault.step',
            stepId: step.id,
            action: describeAction(step.action),
            status: 'applied',
            detail,
            replay: true,
          });
        } catch (error) {
          events.append({
            type: 'fault.step',
            stepId: step.id,
            action: describeAction(step.action),
            status: 'failed',
            detail: String(error),
            replay: true,
          });
          throw error;
        }
      },
    });
    let timelineError: unknown = null;
    const timelineDone = timeline.catch((error: unknown) => {
      timelineError = error;
    });
    while (deps.now() - started < windowMs) {
      deps.signal.throwIfAborted();
      if (timelineError) throw timelineError;
      if (replay.broken.length > 0 && (await checks.evaluate(sandbox, 'replay:broken', replay.broken)))
        showed = true;
      await deps.onPoll?.();
      const left = windowMs - (deps.now() - started);
      if (left > 0) await deps.sleep(Math.min(deps.interval, left), deps.signal);
    }
    await timelineDone;
    if (timelineError) throw timelineError;
    for (const resolution of resolutions) {
      const ok = await checks.evaluate(sandbox, `replay:${resolution.id}`, resolution.replayChecks);
      passed.set(resolution.id, showed && ok);
    }
  } finally {
    // Undo what was applied, last first, even when the window failed: the sandbox goes back to the fix.
    for (const step of [...applied].reverse()) {
      if (!step.revert) continue;
      try {
        const detail = await applyAction(step.revert, context);
        events.append({
          type: 'fault.step',
          stepId: step.id,
          action: describeAction(step.revert),
          status: 'reverted',
          detail,
          replay: true,
        });
      } catch (error) {
        events.append({
          type: 'fault.step',
          stepId: step.id,
          action: describeAction(step.revert),
          status: 'failed',
          detail: `revert: ${String(error)}`,
          replay: true,
        });
      }
    }
  }
  events.append({
    type: 'replay.finished',
    showed,
    results: [...passed].map(([resolutionId, pass]) => ({ resolutionId, pass })),
  });
  return { showed, passed };
}
