/**
 * One run of a scenario: the phase machine
 *   preparing → baseline → injecting → live (→ replaying) → resolved | abandoned → teardown → ended
 * (or `failed` from anywhere) and the learner's actions on it. The checks live in check-monitor.ts, the
 * alerts in alert-mirror.ts, the pager in pager-mirror.ts, the replay in replay.ts, the hints in hints.ts; the API's view of a run is built outside the engine
 * (main/api/views/run-snapshot.ts). Each phase is also a public step, so `firedrill test` drives the same
 * machine with the solution.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Progress, Sandbox, SandboxRuntime, SandboxSpec, ServiceFile } from '../../../sandbox/runtime.js';
import type { CheckGroup, EventPayload, RunEvent, RunPhase } from '../events/types.js';
import { EventLog, EventLogWriteError, systemClock, type Clock } from '../events/event-log.js';
import { abortableSleep, runFaultTimeline } from '../faults/timeline.js';
import { actionName, applyAction, describeAction, type ActionContext } from '../faults/apply-action.js';
import { FaultLedger, type RevertOutcome } from '../faults/revert.js';
import { toMs } from '../scenario/duration.js';
import type { LoadedScenario } from '../scenario/load.js';
import { cadenceMs, type Check, type FaultStep, type Resolution, type Scenario } from '../scenario/schema.js';
import { AlertMirror, type MirroredAlert } from './alert-mirror.js';
import { CheckMonitor, type CheckState } from './check-monitor.js';
import { Hints, type HintState } from './hints.js';
import { fetchPage, queryPrometheus, type PromAnswer } from './observability.js';
import { PagerMirror, type PagerView } from './pager-mirror.js';
import { runReplay } from './replay.js';
import { solutionFor } from './solutions.js';
import { imageSpecs, imageTagResolver, sandboxSpec } from './spec.js';
import { applyVariant, newSeed } from './variants.js';

export interface RunDeps {
  /** The runtime this run's sandbox lives on (the run manager picks it from the registry). */
  runtime: SandboxRuntime;
  /** The data directory; the session folder is `<home>/sessions/<runId>`. */
  home: string;
  clock?: Clock;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Firedrill's shell integration and `lab` helper, copied into every bastion. */
  bastionFiles?: () => ServiceFile[];
}

export interface RunOptions {
  variant?: string;
  seed?: number;
  runId?: string;
  /** Added to every object of the sandbox: a game's id and its dead man's switch deadline. */
  labels?: SandboxSpec['labels'];
  /** The status-update cadence a game holds the run to (replaces the pack's), recorded in run.created. */
  comms?: { firstWithinMs: number | null; everyMs: number | null };
}

export class RunFailure extends Error {}

export interface FixCheck {
  allPass: boolean;
  results: { title: string; pass: boolean }[];
  message: string;
}

/** What `submit` did: resolved (after the replay, if any), or why the run is still live. */
export interface SubmitOutcome {
  resolved: boolean;
  message: string;
  resolution: Resolution | null;
}

/** The replay as views show it. */
export interface ReplayState {
  state: 'running' | 'passed' | 'failed';
  startedAt: string;
  windowMs: number;
  /** The replay's broken checks held at least once (the failure came back). */
  showed?: boolean;
  results?: { resolutionId: string; pass: boolean }[];
}

export const TERMINAL_PHASES: readonly RunPhase[] = ['resolved', 'abandoned', 'failed', 'teardown', 'ended'];

export class Run {
  readonly id: string;
  readonly scenario: Scenario;
  readonly variant: string | null;
  readonly seed: number;
  readonly dir: string;
  readonly events: EventLog;
  readonly startedAt: Date;
  phase: RunPhase = 'preparing';
  progress: Progress | null = null;
  sandbox: Sandbox | null = null;
  error: string | null = null;
  pagedAt: Date | null = null;
  endedAt: Date | null = null;
  resolution: Resolution | null = null;
  readonly terminals: number[] = [];
  private readonly labels: SandboxSpec['labels'];

  private readonly clock: Clock;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly abort = new AbortController();
  private readonly checks: CheckMonitor;
  private readonly alertMirror: AlertMirror;
  private readonly pagerMirror: PagerMirror;
  private readonly hints: Hints;
  /** The last replay, for views; resolutions whose replay failed wait until they stop holding before another one. */
  replay: ReplayState | null = null;
  private readonly replayFailed = new Set<string>();
  private settling: Promise<SubmitOutcome> | null = null;
  private readonly listeners = new Set<() => void>();
  private pagedMono: number | null = null;
  private monitor: Promise<void> | null = null;
  private holding: { resolution: Resolution; since: number } | null = null;
  private resolvedWaiters: (() => void)[] = [];
  private teardownPromise: Promise<void> | null = null;
  private readonly eventsCache: RunEvent[] = [];
  /** The fault steps applied so far; their `revert`s run on every teardown (revert.ts). */
  private readonly faults: FaultLedger;
  /** Why the run ends, for the revert events (`the learner gave up`, `kill switch`, ...). */
  private endReason: string | null = null;

  constructor(
    readonly loaded: LoadedScenario,
    private readonly deps: RunDeps,
    options: RunOptions = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.sleep = deps.sleep ?? abortableSleep;
    this.seed = options.seed ?? newSeed();
    this.labels = options.labels;
    const chosen = applyVariant(loaded.scenario, { seed: this.seed, ...(options.variant ? { variant: options.variant } : {}) });
    this.scenario = chosen.scenario;
    this.variant = chosen.variant;
    this.startedAt = this.clock.now();
    this.id = options.runId ?? newRunId(this.scenario.metadata.name, this.startedAt);
    this.dir = join(deps.home, 'sessions', this.id);
    mkdirSync(this.dir, { recursive: true });
    // Who owns the run: the app reaps sessions and containers whose owner is gone.
    writeFileSync(join(this.dir, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname() }));
    this.events = new EventLog(join(this.dir, 'events.jsonl'), this.clock);
    // An in-memory copy of the log for views; the file stays the source of truth.
    this.events.subscribe((event) => this.eventsCache.push(event));
    this.checks = new CheckMonitor({ events: this.events, fetch: deps.fetch ?? fetch, now: () => this.clock.monotonic() });
    this.alertMirror = new AlertMirror(this.scenario.observability, this.events, deps.fetch ?? fetch, () => this.clock.now());
    this.pagerMirror = new PagerMirror(this.scenario.observability, this.events, deps.fetch ?? fetch);
    this.hints = new Hints(this.scenario.hints, this.events, () => this.sincePageMs());
    this.faults = new FaultLedger({ log: (payload) => this.tryLog(payload) });
    // A game's cadence replaces the pack's (scoring.comms); the log keeps the one the run is held to.
    const comms = options.comms ?? (this.scenario.scoring.comms ? cadenceMs(this.scenario.scoring.comms) : undefined);
    this.events.append({
      type: 'run.created',
      runId: this.id,
      scenario: this.scenario.metadata.name,
      scenarioDir: loaded.dir,
      scenarioTitle: this.scenario.metadata.title,
      // null is the base scenario: history re-scores with exactly this (see main/api/handlers.ts).
      variant: this.variant,
      seed: this.seed,
      runtime: deps.runtime.kind,
      parMinutes: this.scenario.metadata.parMinutes,
      packHash: loaded.hash,
      ...(comms ? { comms } : {}),
    });
    this.events.append({ type: 'phase.changed', from: null, to: 'preparing' });
  }

  private get imageNames(): string[] {
    return this.scenario.environment.images.map((image) => image.name);
  }

  get bastion(): string {
    return this.scenario.environment.bastion;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Has the run reached a phase it cannot leave except towards `ended`? */
  get over(): boolean {
    return TERMINAL_PHASES.includes(this.phase);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private setPhase(to: RunPhase, reason?: string): void {
    if (this.phase === to) return;
    this.tryLog({ type: 'phase.changed', from: this.phase, to, ...(reason ? { reason } : {}) });
    this.phase = to;
    this.changed();
  }

  private report(progress: Progress): void {
    this.progress = progress;
    this.changed();
  }

  // ---------------------------------------------------------------- phases

  /** Builds images and brings the sandbox up. */
  async prepare(): Promise<void> {
    const images = imageSpecs(this.scenario, this.loaded.dir);
    const present = await this.deps.runtime.imagesPresent(images.map((i) => i.tag));
    const missing = images.filter((i) => !present[i.tag]);
    if (missing.length > 0) {
      this.report({ current: 0, max: missing.length, description: `Building ${missing.length} image(s)` });
      await this.deps.runtime.buildImages(missing, (p) => this.report(p), this.signal);
    }
    const spec = sandboxSpec({
      runId: this.id,
      scenario: this.scenario,
      packDir: this.loaded.dir,
      images,
      bastionFiles: this.deps.bastionFiles?.() ?? [],
    });
    if (this.labels) spec.labels = this.labels;
    this.sandbox = await this.deps.runtime.up(spec, (p) => this.report(p), this.signal);
    this.events.append({ type: 'progress', current: 1, max: 1, description: 'Sandbox is up' });
  }

  /** Steady state must hold before we break anything, or the fault proves nothing. */
  async baseline(): Promise<void> {
    this.setPhase('baseline');
    const steady = this.scenario.checks.steadyState;
    this.report({ current: 0, max: steady.length, description: 'Waiting for the steady state' });
    await this.pollUntil('steadyState', steady, toMs(this.scenario.checks.baselineTimeout), 'the steady state never held');
  }

  /** Runs the fault timeline. */
  async inject(): Promise<void> {
    this.setPhase('injecting');
    const sandbox = this.requireSandbox();
    const context = this.actionContext(sandbox);
    let applied = 0;
    const total = this.scenario.faults.length;
    this.report({ current: 0, max: total, description: 'Injecting the fault' });
    await runFaultTimeline(this.scenario.faults, {
      signal: this.signal,
      sleep: this.sleep,
      now: () => this.clock.monotonic(),
      apply: async (step) => {
        try {
          const detail = await this.faults.track(step, () => applyAction(step.action, context));
          this.events.append({ type: 'fault.step', stepId: step.id, action: describeAction(step.action), status: 'applied', detail });
        } catch (error) {
          this.events.append({ type: 'fault.step', stepId: step.id, action: describeAction(step.action), status: 'failed', detail: String(error) });
          throw new RunFailure(`fault step ${step.id} (${actionName(step.action)}) failed: ${(error as Error).message}`);
        }
        applied += 1;
        this.report({ current: applied, max: total, description: `Fault step ${step.id} applied` });
      },
    });
  }

  /**
   * Applies one of the scenario's fault steps now, outside the timeline (a game facilitator's "inject now").
   * It is recorded like a timeline step, so its `revert` runs at teardown.
   */
  async injectStep(stepId: string): Promise<string> {
    const step = this.injectableSteps.find((s) => s.id === stepId);
    if (!step) {
      throw new RunFailure(`unknown fault step "${stepId}" (available: ${this.injectableSteps.map((s) => s.id).join(', ')})`);
    }
    if (this.over) throw new RunFailure(`the run is ${this.phase}: nothing can be injected`);
    const sandbox = this.requireSandbox();
    try {
      const detail = await this.faults.track(step, () => applyAction(step.action, this.actionContext(sandbox)));
      this.events.append({ type: 'fault.step', stepId: step.id, action: describeAction(step.action), status: 'applied', detail });
      this.changed();
      return detail;
    } catch (error) {
      this.tryLog({ type: 'fault.step', stepId: step.id, action: describeAction(step.action), status: 'failed', detail: String(error) });
      throw new RunFailure(`fault step ${step.id} (${actionName(step.action)}) failed: ${(error as Error).message}`);
    }
  }

  /** The fault steps a facilitator may inject: this run's own, then those of the pack's other variants. */
  get injectableSteps(): FaultStep[] {
    const steps = [...this.scenario.faults];
    for (const variant of this.loaded.scenario.variants) {
      for (const step of variant.faults ?? []) if (!steps.some((s) => s.id === step.id)) steps.push(step);
    }
    for (const step of this.loaded.scenario.faults) if (!steps.some((s) => s.id === step.id)) steps.push(step);
    return steps;
  }

  /** Undoes every applied fault step now (last first); teardown does this too. Never throws. */
  revertFaults(reason: string): Promise<RevertOutcome[]> {
    if (!this.sandbox) return Promise.resolve([]);
    return this.faults.revertAll(this.actionContext(this.sandbox), reason);
  }

  private actionContext(sandbox: Sandbox): ActionContext {
    return { sandbox, packDir: this.loaded.dir, imageTag: imageTagResolver(imageSpecs(this.scenario, this.loaded.dir)), images: this.imageNames };
  }

  /** The symptom must become observable: that moment is the page, and the incident is live. */
  async waitBroken(): Promise<void> {
    await this.pollUntil('broken', this.scenario.checks.broken, toMs(this.scenario.checks.brokenTimeout), 'the fault never became observable');
    this.pagedAt = this.clock.now();
    this.pagedMono = this.events.elapsed();
    this.progress = null;
    this.setPhase('live', 'paged');
  }

  /** The learner's path: everything up to the page, then checks keep polling in the background. */
  async startLive(): Promise<void> {
    try {
      await this.prepare();
      await this.baseline();
      await this.inject();
      await this.waitBroken();
      this.startMonitor();
    } catch (error) {
      await this.fail(error);
      throw error;
    }
  }

  /**
   * Polls the resolutions (and steady state). With `resolveOn: hold`, the run is resolved once one holds for
   * `hold` (after its replay, when it has replayChecks); with `submit`, it stays live until the learner submits.
   */
  startMonitor(): void {
    if (this.monitor) return;
    const interval = toMs(this.scenario.checks.interval);
    this.monitor = (async () => {
      while (!this.over && !this.signal.aborted) {
        if (!this.settling) await this.monitorOnce();
        if (this.over) break;
        await this.sleep(interval, this.signal).catch(() => undefined);
      }
    })().catch((error: unknown) => this.fail(error));
  }

  private async monitorOnce(): Promise<void> {
    const sandbox = this.requireSandbox();
    const holdingNow = await this.checks.holdingResolution(sandbox, this.scenario.checks.steadyState, this.scenario.checks.resolutions);
    await this.mirror(sandbox);
    this.hints.logUnlocked();
    const now = this.events.elapsed();
    if (!holdingNow) {
      this.holding = null;
    } else if (!this.holding || this.holding.resolution.id !== holdingNow.id) {
      this.holding = { resolution: holdingNow, since: now };
      this.events.append({ type: 'resolution.holding', resolutionId: holdingNow.id });
    }
    // A resolution whose replay failed may be tried again once the learner has changed something.
    for (const id of this.replayFailed) {
      const checks = this.resolutionOf(id)?.checks ?? [];
      if (this.checks.passing(`resolution:${id}`, checks) < checks.length) this.replayFailed.delete(id);
    }
    if (this.scenario.checks.resolveOn === 'hold' && this.held() && !this.replayFailed.has(this.holding!.resolution.id)) {
      void this.settle().catch((error: unknown) => this.fail(error));
    }
    this.changed();
  }

  /** Has the holding resolution held for `hold`? */
  private held(): boolean {
    return this.holding !== null && this.events.elapsed() - this.holding.since >= toMs(this.scenario.checks.hold);
  }

  private resolutionOf(id: string): Resolution | undefined {
    return this.scenario.checks.resolutions.find((r) => r.id === id);
  }

  /** Mirrors Alertmanager and the pager into the run (alerts panel, page count, log). */
  private async mirror(sandbox: Sandbox): Promise<void> {
    await this.alertMirror.poll(sandbox);
    await this.pagerMirror.poll(sandbox);
  }

  /**
   * The learner is done (`lab submit`, the UI's Submit). With `resolveOn: submit` this is what resolves the
   * run: the best resolution that holds (for `hold`; a fresh one is given the rest of it) is taken, after
   * the replay when it has replayChecks. Nothing holding leaves the run live, with the reason.
   */
  async submit(): Promise<SubmitOutcome> {
    if (this.phase === 'resolved' && this.resolution) return { resolved: true, message: `Resolved: ${this.resolution.title}.`, resolution: this.resolution };
    if (this.settling) return this.settling;
    if (this.phase !== 'live') throw new RunFailure(`the run is ${this.phase}, not live: there is nothing to submit`);
    this.startMonitor();
    if (this.scenario.checks.resolveOn === 'hold') {
      const fix = await this.checkFix();
      return { resolved: false, message: `Submitted without a held resolution (${fix.message})`, resolution: null };
    }
    // Give a fix that holds now the rest of its `hold` (a learner submits right after the change); when a
    // better resolution starts holding meanwhile, it gets its own `hold`. Flapping fixes get a bounded wait.
    const hold = toMs(this.scenario.checks.hold);
    const interval = toMs(this.scenario.checks.interval);
    const start = this.events.elapsed();
    while (!this.held() && !this.signal.aborted) {
      const now = this.events.elapsed();
      if (!this.holding && now - start > 2 * interval) break;
      if (now - start > 3 * hold + 10 * interval) break;
      await this.sleep(Math.min(interval, 1000), this.signal);
    }
    this.events.append({ type: 'run.submitted', holding: this.held() ? this.holding!.resolution.id : null });
    if (!this.held()) {
      const fix = await this.checkFix();
      return { resolved: false, message: `Not resolved yet: ${fix.message} The run stays live; fix it and submit again, or give up.`, resolution: null };
    }
    return this.settle();
  }

  /**
   * Takes the best resolution that holds now: when it (or a better one) has replayChecks, the replay runs
   * first and decides. Runs once at a time; the monitor pauses meanwhile.
   */
  private settle(): Promise<SubmitOutcome> {
    this.settling ??= (async () => {
      try {
        const sandbox = this.requireSandbox();
        const steady = await this.checks.evaluate(sandbox, 'steadyState', this.scenario.checks.steadyState);
        const holding: Resolution[] = [];
        for (const resolution of [...this.scenario.checks.resolutions].sort((a, b) => b.points - a.points)) {
          if (steady && (await this.checks.evaluate(sandbox, `resolution:${resolution.id}`, resolution.checks))) holding.push(resolution);
        }
        if (holding.length === 0) return { resolved: false, message: 'The fix stopped holding before it could be verified.', resolution: null };
        let chosen: Resolution | undefined = holding[0];
        let note = '';
        const replay = this.scenario.checks.replay;
        if (replay && holding[0]!.replayChecks.length > 0) {
          const proved = holding.filter((r) => r.replayChecks.length > 0);
          const outcome = await this.runReplay(proved);
          chosen = holding.find((r) => r.replayChecks.length === 0 || outcome.passed.get(r.id));
          for (const r of proved) if (!outcome.passed.get(r.id)) this.replayFailed.add(r.id);
          note = !outcome.showed
            ? ' The replay could not bring the failure back, so it proved nothing.'
            : chosen && chosen.replayChecks.length > 0
              ? ' The replay confirmed it.'
              : ` The replay did not confirm "${holding[0]!.title}".`;
        }
        if (!chosen) {
          this.setPhase('live', 'the replay did not confirm the fix');
          return { resolved: false, message: `Not resolved:${note} Change the fix and submit again.`, resolution: null };
        }
        this.resolve(chosen);
        return { resolved: true, message: `Resolved: ${chosen.title}.${note}`, resolution: chosen };
      } finally {
        this.settling = null;
      }
    })();
    return this.settling;
  }

  private async runReplay(resolutions: Resolution[]) {
    const sandbox = this.requireSandbox();
    const replay = this.scenario.checks.replay!;
    this.setPhase('replaying', `replaying the failure for ${replay.window} to prove the fix`);
    this.replay = { state: 'running', startedAt: this.clock.now().toISOString(), windowMs: toMs(replay.window) };
    this.changed();
    const outcome = await runReplay(replay, resolutions, {
      events: this.events,
      checks: this.checks,
      sandbox,
      action: { packDir: this.loaded.dir, imageTag: imageTagResolver(imageSpecs(this.scenario, this.loaded.dir)), images: this.imageNames },
      interval: toMs(this.scenario.checks.interval),
      sleep: this.sleep,
      now: () => this.clock.monotonic(),
      signal: this.signal,
      onPoll: async () => {
        await this.mirror(sandbox);
        this.changed();
      },
    });
    const results = [...outcome.passed].map(([resolutionId, pass]) => ({ resolutionId, pass }));
    this.replay = { ...this.replay!, state: results.some((r) => r.pass) ? 'passed' : 'failed', showed: outcome.showed, results };
    this.changed();
    return outcome;
  }

  private resolve(resolution: Resolution): void {
    const now = this.events.elapsed();
    this.resolution = resolution;
    const heldMs = this.holding ? Math.round(now - this.holding.since) : 0;
    this.events.append({ type: 'resolution.reached', resolutionId: resolution.id, points: resolution.points, heldMs });
    this.endedAt = this.clock.now();
    this.setPhase('resolved');
    for (const resolve of this.resolvedWaiters.splice(0)) resolve();
  }

  /** Resolves when the run reaches `resolved`; rejects on timeout. Used by `firedrill test`. */
  async waitResolved(timeoutMs: number): Promise<Resolution> {
    this.startMonitor();
    if (this.phase !== 'resolved') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new RunFailure(`not resolved within ${Math.round(timeoutMs / 1000)}s: ${this.checks.failingSummary()}`)), timeoutMs);
        this.resolvedWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.resolution!;
  }

  /**
   * Applies the steps that reach a resolution (the self-test): by default the scenario's reference `solution`,
   * else the named resolution's own solution (solutions.ts).
   */
  async runSolution(resolutionId?: string): Promise<void> {
    const sandbox = this.requireSandbox();
    const { steps } = solutionFor(this.scenario, resolutionId);
    for (const [index, step] of steps.entries()) {
      if ('op' in step) {
        await this.runOperation(step.op).catch((error: unknown) => {
          throw new RunFailure(`solution step ${index + 1} (op ${step.op}) failed: ${(error as Error).message}`);
        });
        continue;
      }
      const service = step.service ?? this.bastion;
      const result = await sandbox.exec(service, ['bash', '-lc', step.run], { timeoutMs: toMs(step.timeout) });
      if (result.exitCode !== 0) {
        throw new RunFailure(
          `solution step ${index + 1} in ${service} exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(-400)}`,
        );
      }
    }
  }

  // ---------------------------------------------------------------- learner actions

  /** "Check my fix": says which checks hold, without the check details that would give the answer. */
  async checkFix(): Promise<FixCheck> {
    const sandbox = this.requireSandbox();
    type Row = { group: CheckGroup; checkId: string; title: string; pass: boolean };
    const rowsOf = async (group: CheckGroup, checks: readonly Check[]): Promise<Row[]> => {
      const passes = await this.checks.probe(sandbox, checks);
      return checks.map((check, i) => ({ group, checkId: check.id, title: check.title, pass: passes[i]! }));
    };
    const results = await rowsOf('steadyState', this.scenario.checks.steadyState);
    let anyResolution = false;
    let holdingRows: Row[] | null = null;
    const allRows: Row[] = [];
    for (const resolution of this.scenario.checks.resolutions) {
      const rows = await rowsOf(`resolution:${resolution.id}`, resolution.checks);
      if (rows.every((r) => r.pass)) {
        anyResolution = true;
        holdingRows ??= rows;
      }
      allRows.push(...rows);
    }
    this.events.append({ type: 'fix.checked', results: [...results, ...allRows].map(({ group, checkId, pass }) => ({ group, checkId, pass })) });
    // Once one accepted fix holds, the other resolutions' checks are noise (and would hint at alternatives).
    results.push(...(holdingRows ?? allRows));
    const steadyOk = results.filter((r) => r.group === 'steadyState').every((r) => r.pass);
    const allPass = steadyOk && anyResolution;
    const hold = this.scenario.checks.hold;
    const message = allPass
      ? `Looks fixed. It must keep holding for ${hold} to count as resolved.`
      : steadyOk
        ? 'Service health is back, but the fix is not complete yet.'
        : 'Not fixed yet: service health is still failing.';
    // Titles are shown, ids and check internals are not; a resolution's checks are merged by title.
    const seen = new Map<string, boolean>();
    for (const r of results) seen.set(r.title, (seen.get(r.title) ?? false) || r.pass);
    return { allPass, results: [...seen].map(([title, pass]) => ({ title, pass })), message };
  }

  hintStates(): HintState[] {
    return this.hints.states();
  }

  get hintCount(): number {
    return this.hints.count;
  }

  /** Shows the next unlocked hint (each costs points), or says when the next one unlocks. */
  takeHint(): HintState {
    const hint = this.hints.take();
    this.changed();
    return hint;
  }

  /** Runs a scenario operation the learner asked for from the bastion (`lab op <id>`), e.g. a rollback. */
  async runOperation(id: string): Promise<string> {
    const operation = this.scenario.operations.find((o) => o.id === id);
    if (!operation) {
      const known = this.scenario.operations.map((o) => o.id).join(', ') || 'none';
      throw new RunFailure(`unknown operation "${id}" (available: ${known})`);
    }
    const sandbox = this.requireSandbox();
    const tagOf = imageTagResolver(imageSpecs(this.scenario, this.loaded.dir));
    const details: string[] = [];
    for (const action of operation.actions) {
      details.push(await applyAction(action, { sandbox, packDir: this.loaded.dir, imageTag: tagOf, images: this.imageNames }));
    }
    // Descriptions are sentences ("Roll back."); the answer goes on after them.
    return `${operation.description.replace(/\.$/, '')}: done (${details.filter(Boolean).join('; ')})`;
  }

  async abandon(reason = 'the learner gave up'): Promise<void> {
    if (this.over) return;
    this.endReason ??= reason;
    this.endedAt = this.clock.now();
    this.setPhase('abandoned', reason);
    this.abort.abort(new RunFailure('abandoned'));
    await this.teardown('abandoned');
  }

  /** Stops a run that is still coming up. */
  async cancel(): Promise<void> {
    if (this.over) return;
    this.abort.abort(new RunFailure('cancelled'));
    this.endReason ??= 'cancelled';
    this.endedAt = this.clock.now();
    this.setPhase('abandoned', 'cancelled');
    await this.teardown('cancelled');
  }

  /**
   * Never throws: it runs in the catch of pollers and background phases, where a throw would be an
   * unhandled rejection that ends the process and orphans the sandbox.
   */
  async fail(error: unknown): Promise<void> {
    if (this.over && this.phase !== 'resolved') return;
    const message = error instanceof Error ? error.message : String(error);
    if (this.signal.aborted) return;
    if (error instanceof EventLogWriteError) this.logError ??= error;
    this.error = message;
    this.tryLog({ type: 'run.error', message });
    if (this.logError && this.logError.message !== message) this.error = `${message}; ${this.logError.message}`;
    this.endedAt = this.clock.now();
    this.setPhase('failed', message);
    // A run whose log cannot be written can be neither scored nor resumed: free the machine now.
    if (this.logError) void this.teardown('failed').catch(() => undefined);
  }

  /** The log write that failed (a full disk), if one did. */
  private logError: EventLogWriteError | null = null;

  /** Appends, or remembers why it could not: for the paths that must go on (failing, tearing down). */
  private tryLog(payload: EventPayload): void {
    if (this.events.closed) return;
    try {
      this.events.append(payload);
    } catch (error) {
      if (!(error instanceof EventLogWriteError)) throw error;
      this.logError ??= error;
    }
  }

  /** Removes every object of the run. Idempotent; the event log stays. */
  teardown(outcome?: 'resolved' | 'abandoned' | 'failed' | 'cancelled', reason?: string): Promise<void> {
    if (reason) this.endReason ??= reason;
    this.teardownPromise ??= (async () => {
      const ending = outcome ?? (this.phase === 'resolved' ? 'resolved' : this.phase === 'failed' ? 'failed' : 'abandoned');
      this.abort.abort(new RunFailure('teardown'));
      await this.monitor?.catch(() => undefined);
      this.setPhase('teardown');
      try {
        // Undo the faults before removing the sandbox: a shared or long-lived target is left as it was found.
        await this.revertFaults(this.endReason ?? ending);
        if (this.sandbox) await this.sandbox.teardown((p) => this.report(p));
        else await this.deps.runtime.cleanup({ runId: this.id });
      } finally {
        this.progress = null;
        this.setPhase('ended');
        this.tryLog({ type: 'run.ended', outcome: ending });
        this.events.close();
      }
    })();
    return this.teardownPromise;
  }

  // ---------------------------------------------------------------- what views read

  sincePageMs(): number | null {
    return this.pagedMono === null ? null : this.events.elapsed() - this.pagedMono;
  }

  /** The events written so far, in order. */
  readEvents(): RunEvent[] {
    return this.eventsCache;
  }

  /** The last result of a check, if it ran. */
  checkState(group: CheckGroup, checkId: string): CheckState | undefined {
    return this.checks.state(group, checkId);
  }

  get alerts(): MirroredAlert[] {
    return this.alertMirror.alerts;
  }

  /** A Prometheus query through one of the run's observability entries (the UI's query box and graphs). */
  async queryObservability(sourceId: string, query: string, rangeSeconds?: number): Promise<PromAnswer> {
    const entry = this.scenario.observability.find((o) => o.id === sourceId);
    if (!entry) throw new RunFailure(`no observability entry "${sourceId}"`);
    return queryPrometheus(this.requireSandbox(), entry, this.deps.fetch ?? fetch, query, {
      nowSeconds: Math.floor(this.clock.now().getTime() / 1000),
      ...(rangeSeconds ? { rangeSeconds } : {}),
    });
  }

  /** The page an observability entry points at (the UI's HTTP/JSON panel). */
  async fetchObservability(sourceId: string) {
    const entry = this.scenario.observability.find((o) => o.id === sourceId);
    if (!entry) throw new RunFailure(`no observability entry "${sourceId}"`);
    return fetchPage(this.requireSandbox(), entry, this.deps.fetch ?? fetch);
  }

  /** Does a fix hold now (the run may be submitted)? */
  get canSubmit(): boolean {
    return this.phase === 'live' && this.holding !== null;
  }

  /** The pager's count and recent pages (observability kind `pager`), or null. */
  get pager(): (PagerView & { source: string }) | null {
    return this.pagerMirror.view && this.pagerMirror.source ? { source: this.pagerMirror.source.id, ...this.pagerMirror.view } : null;
  }

  /** The id of the observability entry the alerts come from, or null. */
  get alertsSource(): string | null {
    return this.alertMirror.source?.id ?? null;
  }

  // ---------------------------------------------------------------- internals

  private requireSandbox(): Sandbox {
    if (!this.sandbox) throw new RunFailure('the sandbox is not up yet');
    return this.sandbox;
  }

  private async pollUntil(group: CheckGroup, checks: Check[], timeoutMs: number, failure: string): Promise<void> {
    const sandbox = this.requireSandbox();
    const deadline = this.events.elapsed() + timeoutMs;
    const interval = toMs(this.scenario.checks.interval);
    for (;;) {
      this.signal.throwIfAborted();
      const holds = await this.checks.evaluate(sandbox, group, checks);
      // Alerts and pages that arrive before the page belong to the story too (the report's timeline).
      if (group === 'broken') await this.mirror(sandbox);
      if (holds) return;
      const passing = this.checks.passing(group, checks);
      this.report({ current: passing, max: checks.length, description: `${group === 'broken' ? 'Waiting for the fault to show' : 'Waiting for the steady state'}: ${passing}/${checks.length} checks hold` });
      if (this.events.elapsed() > deadline) {
        throw new RunFailure(`${failure} within ${Math.round(timeoutMs / 1000)}s: ${this.checks.failingSummary(group)}`);
      }
      await this.sleep(interval, this.signal);
    }
  }
}

export function newRunId(scenario: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${scenario}-${stamp}-${randomBytes(2).toString('hex')}`;
}
