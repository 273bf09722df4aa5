/**
 * The checks of a run: runs a group (steady state, broken, a resolution) against the sandbox, keeps the
 * last result of every check, and logs only changes (a check polled every 2 s would otherwise drown the
 * log). The phase machine (run.ts) asks it whether a group holds; views read its states.
 */
import type { Sandbox } from '../../../sandbox/runtime.js';
import { runCheck } from '../checks/run-check.js';
import type { CheckContext, CheckResult } from '../checks/types.js';
import type { EventLog } from '../events/event-log.js';
import type { CheckGroup } from '../events/types.js';
import type { Check, Resolution } from '../scenario/schema.js';

export interface CheckState {
  group: CheckGroup;
  checkId: string;
  title: string;
  pass: boolean;
  observed: string;
  message?: string;
}

export interface CheckMonitorDeps {
  events: EventLog;
  fetch: typeof fetch;
  /** Monotonic milliseconds, for latency windows. */
  now: () => number;
}

export class CheckMonitor {
  private readonly states = new Map<string, CheckState>();
  /** Latency samples that live across polls, per check. */
  private readonly windows = new Map<string, { at: number; ms: number }[]>();

  constructor(private readonly deps: CheckMonitorDeps) {}

  context(sandbox: Sandbox): CheckContext {
    return { sandbox, fetch: this.deps.fetch, now: this.deps.now, windows: this.windows };
  }

  /** The last result of a check in a group, if it ran. */
  state(group: CheckGroup, checkId: string): CheckState | undefined {
    return this.states.get(`${group}/${checkId}`);
  }

  /** Runs a group once and records it; true when every check in it passed. */
  async evaluate(sandbox: Sandbox, group: CheckGroup, checks: readonly Check[]): Promise<boolean> {
    const context = this.context(sandbox);
    let all = true;
    for (const check of checks) {
      const result = await runCheck(check, context);
      this.record(group, check, result);
      all &&= result.pass;
    }
    return all;
  }

  /** Runs the checks once without recording them ("check my fix" must not change the run's state). */
  async probe(sandbox: Sandbox, checks: readonly Check[]): Promise<boolean[]> {
    const context = this.context(sandbox);
    const results: boolean[] = [];
    for (const check of checks) results.push((await runCheck(check, context)).pass);
    return results;
  }

  /** The best resolution (most points) whose checks all pass now, with the steady state; every group is recorded. */
  async holdingResolution(sandbox: Sandbox, steadyState: readonly Check[], resolutions: readonly Resolution[]): Promise<Resolution | null> {
    const steady = await this.evaluate(sandbox, 'steadyState', steadyState);
    let holding: Resolution | null = null;
    for (const resolution of [...resolutions].sort((a, b) => b.points - a.points)) {
      const passes = await this.evaluate(sandbox, `resolution:${resolution.id}`, resolution.checks);
      if (!holding && steady && passes) holding = resolution;
    }
    return holding;
  }

  passing(group: CheckGroup, checks: readonly Check[]): number {
    return checks.filter((c) => this.state(group, c.id)?.pass).length;
  }

  /** "Title (observed: message); ..." for the failing checks of a group (or of every group). */
  failingSummary(group?: CheckGroup): string {
    const failing = [...this.states.values()].filter((c) => (group ? c.group === group : true) && !c.pass);
    return failing.map((c) => `${c.title} (${[c.observed, c.message].filter(Boolean).join(': ') || 'failing'})`).join('; ') || 'no check failed';
  }

  private record(group: CheckGroup, check: Check, result: CheckResult): void {
    const key = `${group}/${check.id}`;
    const previous = this.states.get(key);
    const state: CheckState = {
      group,
      checkId: check.id,
      title: check.title,
      pass: result.pass,
      observed: result.observed,
      ...(result.message ? { message: result.message } : {}),
    };
    this.states.set(key, state);
    if (previous?.pass !== result.pass) this.deps.events.append({ type: 'check.changed', ...state });
  }
}
