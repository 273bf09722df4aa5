/**
 * The incident's applied fault steps and their undoing. Every step the run applies (from the timeline or
 * injected by a game facilitator) is recorded here; on abort, give-up, teardown and a game's kill switch the
 * steps that have a `revert` action are undone, last applied first, each logged as a `fault.step` event
 * (`reverted`, or `failed` with the reason: a revert that fails is never dropped silently). A step that is
 * still being applied when the reverts start is waited for (bounded), so it cannot land after its undo.
 * The replay's own steps (checks.replay) revert themselves in replay.ts and never come here.
 */
import type { EventPayload } from '../events/types.js';
import type { FaultStep } from '../scenario/schema.js';
import { applyAction, describeAction, type ActionContext } from './apply-action.js';

export interface RevertOutcome {
  stepId: string;
  action: string;
  status: 'reverted' | 'failed';
  detail: string;
}

export interface FaultLedgerDeps {
  /** Appends a `fault.step` event; must not throw (the run's tryLog). */
  log: (payload: EventPayload) => void;
  /** Applies an action (applyAction in production; a recorder in unit tests). */
  apply?: (action: FaultStep['action'], context: ActionContext) => Promise<string>;
  /** How long to wait for a step still being applied before reverting the others anyway. */
  inFlightTimeoutMs?: number;
}

export class FaultLedger {
  private readonly applied: FaultStep[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private reverting: Promise<RevertOutcome[]> | null = null;
  private readonly apply: NonNullable<FaultLedgerDeps['apply']>;

  constructor(private readonly deps: FaultLedgerDeps) {
    this.apply = deps.apply ?? applyAction;
  }

  /** The steps applied so far, in the order they were applied. */
  get steps(): readonly FaultStep[] {
    return this.applied;
  }

  /** Have the reverts started (no step may be applied after that)? */
  get closed(): boolean {
    return this.reverting !== null;
  }

  /**
   * Applies a step through `run` and records it once it succeeded. Refused once the reverts have started:
   * a fault that lands after its undo would outlive the run.
   */
  async track<T>(step: FaultStep, run: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error(`fault step ${step.id} not applied: the run's faults are being reverted`);
    const promise = run();
    this.inFlight.add(promise);
    try {
      const result = await promise;
      this.applied.push(step);
      return result;
    } finally {
      this.inFlight.delete(promise);
    }
  }

  /**
   * Runs the `revert` of every applied step, last applied first. Idempotent: a second call returns the
   * first call's outcome. Never throws; each failure is logged and returned.
   */
  revertAll(context: ActionContext, reason: string): Promise<RevertOutcome[]> {
    this.reverting ??= (async () => {
      if (this.inFlight.size > 0) {
        const timeout = this.deps.inFlightTimeoutMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...this.inFlight]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, timeout);
          }),
        ]);
        clearTimeout(timer);
      }
      const outcomes: RevertOutcome[] = [];
      for (const step of [...this.applied].reverse()) {
        if (!step.revert) continue;
        const action = describeAction(step.revert);
        let outcome: RevertOutcome;
        try {
          const detail = await this.apply(step.revert, context);
          outcome = { stepId: step.id, action, status: 'reverted', detail: `${reason}: ${detail}` };
        } catch (error) {
          outcome = { stepId: step.id, action, status: 'failed', detail: `revert (${reason}): ${error instanceof Error ? error.message : String(error)}` };
        }
        outcomes.push(outcome);
        this.deps.log({ type: 'fault.step', ...outcome });
      }
      return outcomes;
    })();
    return this.reverting;
  }
}
