/**
 * Game-day mode: one game at a time per process. Starting a game starts one run per team (on the runtime the
 * team's scenario names; each run is its own namespace: its own networks and containers, labelled with the
 * game and the dead man's switch deadline), gives every team an access token, and keeps a board the
 * facilitator watches. The facilitator injects fault steps or operations into one team or all, broadcasts
 * messages (logged in every team's run), and ends the game or pulls the kill switch: every run's faults are
 * reverted, every sandbox torn down, and a sweep by the game label leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELS } from '../../sandbox/runtime.js';
import type { RunEvent } from '../engine/events/types.js';
import type { RunManager } from '../engine/run/run-manager.js';
import type { Run } from '../engine/run/run.js';
import { toMs } from '../engine/scenario/duration.js';
import { cadenceMs } from '../engine/scenario/schema.js';
import type { CommsBoard, CommsResult } from '../../shared/api/comms.js';
import { heldClock } from '../engine/events/paused.js';
import { GameClock, GameClockError, type ClockView } from './clock.js';
import { writeGameDeadline } from './deadline-file.js';
import { hasEngaged } from './engaged.js';
import { loadGame } from './load.js';
import { subnetClash } from './subnets.js';
import type { GameFile, TeamPlan } from './schema.js';

export interface GameDeps {
  manager: RunManager;
  /** The troubleshooting score so far, 0-100 (the app wires main/scoring); null when it cannot be computed yet. */
  score?: (run: Run) => number | null;
  /** The run's incident channel as of now (the app wires main/scoring/comms.ts); the board shows nothing without it. */
  comms?: (run: Run) => CommsResult;
  /** Starts the dead man's switch's watchdog for a game; returns how to stop it. */
  startWatchdog?: (watch: { gameId: string; ttlMs: number; deadline: number; endedMarker: string }) => { stop(): void };
  now?: () => number;
  newToken?: () => string;
  /** Calls `tick` every `ms` until stopped (default setInterval, unref'd): refreshes a paused game's deadline. */
  every?: (ms: number, tick: () => void) => { stop(): void };
}

/** While the clock is paused, the living process pushes the deadline forward this often (deadline-file.ts). */
export const PAUSED_REFRESH_MS = 30_000;

export interface TeamEntry {
  plan: TeamPlan;
  token: string;
  run: Run;
}

/** `stopping`: the kill switch or the end is reverting and tearing down; the debrief waits for `ended`/`killed`. */
export type GameState = 'running' | 'stopping' | 'ended' | 'killed';

export interface TeamBoard {
  id: string;
  name: string;
  members: string[];
  roles: TeamPlan['roles'];
  runId: string;
  scenario: string;
  variant: string | null;
  phase: string;
  progress: string | null;
  error: string | null;
  sincePageMs: number | null;
  /** From the page to the team's first command. */
  timeToEngageMs: number | null;
  /** From the page to the resolution. */
  timeToMitigateMs: number | null;
  hintsTaken: number;
  checks: { passing: number; total: number };
  lastCommands: string[];
  score: number | null;
  faultsApplied: string[];
  injectable: { steps: string[]; operations: string[] };
  /** The incident channel: counted updates, the last one, when the next is due (negative: overdue); null when not wired. */
  comms: CommsBoard | null;
}

export interface GameBoard {
  id: string;
  name: string;
  title: string;
  file: string;
  state: GameState;
  startedAt: string;
  timeBoxMs: number;
  /** The dead man's switch's current deadline (epoch ms); it moves with the clock. */
  deadline: number;
  clock: ClockView;
  ttlMs: number;
  hintsAllowed: boolean;
  broadcasts: { at: string; message: string }[];
  teams: TeamBoard[];
}

export interface KillReport {
  elapsedMs: number;
  reverted: number;
  revertFailures: number;
  removed: number;
  /** Labelled objects of the game still there after the sweep (0 when the switch worked). */
  leftover: number;
}

export class GameRunError extends Error {}

export class Game {
  readonly teams: TeamEntry[] = [];
  readonly broadcasts: { at: string; message: string }[] = [];
  state: GameState = 'running';
  readonly startedAt: Date;
  readonly clock: GameClock;
  private killed: Promise<KillReport> | null = null;
  private watchdog: { stop(): void } | null = null;
  /** Refreshes the deadline while paused. */
  private refresher: { stop(): void } | null = null;

  constructor(
    readonly id: string,
    readonly file: string,
    readonly plan: GameFile,
    /** The deadline the objects' labels carry (set at start). */
    readonly labelDeadline: number,
    readonly dir: string,
    now: number,
  ) {
    this.startedAt = new Date(now);
    this.clock = new GameClock(now, toMs(plan.timeBox), toMs(plan.deadMansSwitch.ttl));
  }

  /** Writes the clock's deadline where the dead man's switch reads it. */
  saveDeadline(now: number): void {
    try {
      writeGameDeadline(this.dir, this.clock.deadline(now));
    } catch {
      // The label's deadline still holds: the sandboxes go at the original time at the latest.
    }
  }

  setRefresher(refresher: { stop(): void } | null): void {
    this.refresher?.stop();
    this.refresher = refresher;
  }

  get ttlMs(): number {
    return toMs(this.plan.deadMansSwitch.ttl);
  }

  get endedMarker(): string {
    return join(this.dir, 'ended');
  }

  team(id: string): TeamEntry | undefined {
    return this.teams.find((t) => t.plan.id === id);
  }

  setWatchdog(watchdog: { stop(): void } | null): void {
    this.watchdog = watchdog;
  }

  /** Logs a facilitator action in the runs it concerns. */
  log(
    entries: TeamEntry[],
    action: Extract<RunEvent, { type: 'facilitator.action' }>['action'],
    extra: { target?: string; message?: string; extendMs?: number } = {},
  ): void {
    for (const { run } of entries) {
      if (run.events.closed) continue;
      try {
        run.events.append({ type: 'facilitator.action', action, game: this.id, ...extra });
      } catch {
        // A full disk must not stop the facilitator; the run itself reports its log failure.
      }
    }
  }

  /** Stops every team's run (reverting its faults), then sweeps by label. Idempotent. */
  stop(reason: 'kill switch' | 'game ended', sweep: (gameId: string) => Promise<{ removed: number; leftover: number }>, now: () => number): Promise<KillReport> {
    this.killed ??= (async () => {
      const started = now();
      this.state = 'stopping';
      this.setRefresher(null);
      this.log(this.teams, reason === 'kill switch' ? 'kill-switch' : 'end');
      await Promise.allSettled(
        this.teams.map(async ({ run }) => {
          if (!run.over) await run.abandon(reason);
          else await run.teardown(undefined, reason);
        }),
      );
      const swept = await sweep(this.id).finally(() => {
        this.state = reason === 'kill switch' ? 'killed' : 'ended';
      });
      // The watchdog has nothing left to guard.
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.endedMarker, `${reason}\n`);
      this.watchdog?.stop();
      let reverted = 0;
      let revertFailures = 0;
      for (const { run } of this.teams) {
        for (const e of run.readEvents()) {
          if (e.type !== 'fault.step' || e.replay) continue;
          if (e.status === 'reverted') reverted += 1;
          else if (e.status === 'failed' && e.detail?.startsWith('revert')) revertFailures += 1;
        }
      }
      return { elapsedMs: now() - started, reverted, revertFailures, removed: swept.removed, leftover: swept.leftover };
    })();
    return this.killed;
  }
}

export class GameRunner {
  private game: Game | null = null;
  private readonly now: () => number;
  private readonly newToken: () => string;

  constructor(private readonly deps: GameDeps) {
    this.now = deps.now ?? Date.now;
    this.newToken = deps.newToken ?? (() => randomBytes(24).toString('base64url'));
  }

  get current(): Game | null {
    return this.game;
  }

  /** Starts a game from its file: one run per team, in parallel, each coming up in the background. */
  async start(path: string): Promise<Game> {
    if (this.game && (this.game.state === 'running' || this.game.state === 'stopping')) throw new GameRunError(`game ${this.game.id} is still running: end it (or pull the kill switch) first`);
    const { file, game: plan } = await loadGame(path);
    const { manager } = this.deps;
    // Every pack is loaded before any sandbox starts: a typo in one team's scenario starts nothing.
    const packs = new Map<string, Awaited<ReturnType<RunManager['resolvePack']>>>();
    for (const team of plan.teams) {
      const name = team.scenario ?? plan.scenario!;
      if (!packs.has(name)) packs.set(name, await manager.resolvePack(name));
    }
    const clash = subnetClash(
      plan.teams.map((team) => {
        const loaded = packs.get(team.scenario ?? plan.scenario!)!;
        return {
          team: team.id,
          scenario: loaded.scenario.metadata.name,
          runtime: manager.runtimeFor(loaded)?.kind ?? 'none',
          subnets: loaded.scenario.environment.networks.flatMap((n) => (n.subnet ? [{ network: n.name, cidr: n.subnet }] : [])),
        };
      }),
    );
    if (clash) throw new GameRunError(`${path}: ${clash}`);
    const now = this.now();
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `${plan.metadata.name}-${stamp}-${randomBytes(2).toString('hex')}`;
    const ttlMs = toMs(plan.deadMansSwitch.ttl);
    const deadline = now + toMs(plan.timeBox) + ttlMs;
    const dir = join(manager.home, 'games', id);
    mkdirSync(dir, { recursive: true });
    const game = new Game(id, file, plan, deadline, dir, now);
    this.game = game;
    game.saveDeadline(now);
    // The watchdog first: a crash while the sandboxes come up must not leave them behind.
    game.setWatchdog(this.deps.startWatchdog?.({ gameId: id, ttlMs, deadline, endedMarker: game.endedMarker }) ?? null);
    const comms = plan.comms ? cadenceMs(plan.comms) : undefined;
    for (const team of plan.teams) {
      const loaded = packs.get(team.scenario ?? plan.scenario!)!;
      const run = manager.start(loaded, {
        runId: `${id}-${team.id}`,
        ...(team.variant ? { variant: team.variant } : {}),
        ...(team.seed !== undefined ? { seed: team.seed } : {}),
        labels: { [LABELS.game]: id, [LABELS.deadline]: String(deadline) },
        ...(comms ? { comms } : {}),
      });
      game.teams.push({ plan: team, token: this.newToken(), run });
    }
    writeFileSync(
      join(dir, 'game.json'),
      JSON.stringify({ id, file, startedAt: game.startedAt.toISOString(), deadline, teams: game.teams.map((t) => ({ id: t.plan.id, runId: t.run.id })) }, null, 2),
    );
    return game;
  }

  private require(): Game {
    if (!this.game) throw new GameRunError('no game has been started');
    return this.game;
  }

  private targets(team: string): TeamEntry[] {
    const game = this.require();
    if (team === 'all') return game.teams;
    const entry = game.team(team);
    if (!entry) throw new GameRunError(`no team "${team}" in game ${game.id} (teams: ${game.teams.map((t) => t.plan.id).join(', ')})`);
    return [entry];
  }

  /** "Inject now": a fault step (or, with kind `operation`, an operation) of the scenario, for one team or all. */
  async inject(team: string, target: string, kind: 'step' | 'operation' = 'step'): Promise<{ team: string; ok: boolean; detail: string }[]> {
    const game = this.require();
    if (game.state !== 'running') throw new GameRunError(`game ${game.id} is ${game.state}`);
    const entries = this.targets(team);
    return Promise.all(
      entries.map(async (entry) => {
        game.log([entry], kind === 'step' ? 'inject' : 'operation', { target });
        try {
          const detail = kind === 'step' ? await entry.run.injectStep(target) : await entry.run.runOperation(target);
          return { team: entry.plan.id, ok: true, detail };
        } catch (error) {
          return { team: entry.plan.id, ok: false, detail: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
  }

  /** A message for every team's live view (and their timelines). */
  broadcast(message: string): void {
    const game = this.require();
    const text = message.trim();
    if (!text) throw new GameRunError('a broadcast needs a message');
    game.broadcasts.push({ at: new Date(this.now()).toISOString(), message: text });
    game.log(game.teams, 'broadcast', { message: text });
  }

  /** Pauses the game clock (a discussion, a break): the time box stops running; teams are told. */
  pause(): void {
    const game = this.running();
    this.clocked(() => game.clock.pause(this.now()));
    game.log(game.teams, 'pause');
    game.saveDeadline(this.now());
    // While paused the end is unknown: keep the deadline ahead of the clock for as long as this process lives.
    game.setRefresher(this.every(PAUSED_REFRESH_MS, () => game.saveDeadline(this.now())));
  }

  resume(): void {
    const game = this.running();
    const lasted = this.clocked(() => game.clock.resume(this.now()));
    game.setRefresher(null);
    game.log(game.teams, 'resume', { message: `paused for ${Math.round(lasted / 1000)}s` });
    game.saveDeadline(this.now());
  }

  /** Adds time to the time box (and so to the dead man's switch's deadline). */
  extend(ms: number): void {
    const game = this.running();
    this.clocked(() => game.clock.extend(ms));
    game.log(game.teams, 'extend', { extendMs: ms });
    game.saveDeadline(this.now());
  }

  private running(): Game {
    const game = this.require();
    if (game.state !== 'running') throw new GameRunError(`game ${game.id} is ${game.state}`);
    return game;
  }

  private clocked<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof GameClockError) throw new GameRunError(error.message);
      throw error;
    }
  }

  private every(ms: number, tick: () => void): { stop(): void } {
    if (this.deps.every) return this.deps.every(ms, tick);
    const timer = setInterval(tick, ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  kill(): Promise<KillReport> {
    return this.require().stop('kill switch', (id) => this.sweep(id), this.now);
  }

  end(): Promise<KillReport> {
    return this.require().stop('game ended', (id) => this.sweep(id), this.now);
  }

  private async sweep(gameId: string): Promise<{ removed: number; leftover: number }> {
    const { runtimes } = this.deps.manager;
    const removed = (await runtimes.cleanup({ gameId })).removed.length;
    // A second pass finds what the first could not remove (there should be nothing).
    const leftover = (await runtimes.cleanup({ gameId })).removed.length;
    return { removed, leftover };
  }

  board(): GameBoard | null {
    const game = this.game;
    if (!game) return null;
    return {
      id: game.id,
      name: game.plan.metadata.name,
      title: game.plan.metadata.title,
      file: game.file,
      state: game.state,
      startedAt: game.startedAt.toISOString(),
      timeBoxMs: toMs(game.plan.timeBox),
      deadline: game.clock.deadline(this.now()),
      clock: game.clock.view(this.now()),
      ttlMs: game.ttlMs,
      hintsAllowed: game.plan.hints.allowed,
      broadcasts: [...game.broadcasts],
      teams: game.teams.map((entry) => this.teamBoard(entry)),
    };
  }

  private teamBoard({ plan, run }: TeamEntry): TeamBoard {
    const events = run.readEvents();
    const paged = events.find((e) => e.type === 'phase.changed' && e.to === 'live');
    const sincePage = (e: RunEvent | undefined) => (paged && e ? Math.max(0, e.mono - paged.mono) : null);
    const commands = events.filter((e): e is Extract<RunEvent, { type: 'command' }> => e.type === 'command');
    const steady = run.scenario.checks.steadyState;
    let passing = 0;
    for (const check of steady) if (run.checkState('steadyState', check.id)?.pass) passing += 1;
    for (const resolution of run.scenario.checks.resolutions) {
      for (const check of resolution.checks) if (run.checkState(`resolution:${resolution.id}`, check.id)?.pass) passing += 1;
    }
    const total = steady.length + run.scenario.checks.resolutions.reduce((n, r) => n + r.checks.length, 0);
    const firstCommand = commands.find((c) => !paged || c.mono >= paged.mono);
    const resolved = events.find((e) => e.type === 'resolution.reached');
    // A team that has done nothing yet has no score "so far": the board says "not started" (engaged.ts).
    const score = hasEngaged(events) ? this.scoreOf(run) : null;
    const comms = this.deps.comms?.(run) ?? null;
    return {
      id: plan.id,
      name: plan.name,
      members: plan.members,
      roles: plan.roles,
      runId: run.id,
      scenario: run.scenario.metadata.name,
      variant: run.variant,
      phase: run.phase,
      progress: run.progress?.description ?? null,
      error: run.error,
      sincePageMs: this.playedSincePage(run, events),
      timeToEngageMs: sincePage(firstCommand),
      timeToMitigateMs: sincePage(resolved),
      hintsTaken: events.filter((e) => e.type === 'hint.shown').length,
      checks: { passing, total },
      lastCommands: commands.slice(-3).map((c) => (c.by ? `${c.by}: ${c.command}` : c.command)),
      score,
      faultsApplied: events.flatMap((e) => (e.type === 'fault.step' && e.status === 'applied' && !e.replay ? [e.stepId] : [])),
      injectable: { steps: run.injectableSteps.map((s) => s.id), operations: run.scenario.operations.map((o) => o.id) },
      comms: comms && {
        updates: comms.counted,
        lastUpdateMs: comms.updates.filter((u) => u.counted).at(-1)?.sincePageMs ?? null,
        nextDueInMs: comms.nextDueInMs,
        met: comms.met,
      },
    };
  }

  /** Time since the page on the clock the team sees: the facilitator's pauses left out. */
  private playedSincePage(run: Run, events: readonly RunEvent[]): number | null {
    const since = run.sincePageMs();
    if (since === null || !run.pagedAt) return since;
    const held = heldClock(events, run.pagedAt.getTime());
    const open = held.pausedSince === null ? 0 : Math.max(0, this.now() - held.pausedSince);
    return Math.max(0, since - held.pausedMs - open);
  }

  /** The score estimate, or null when scoring cannot say yet (it must never break the board). */
  private scoreOf(run: Run): number | null {
    try {
      return this.deps.score?.(run) ?? null;
    } catch {
      return null;
    }
  }

  /** The team a token belongs to, in the current game. */
  teamByToken(token: string): TeamEntry | undefined {
    return this.game?.teams.find((t) => t.token === token);
  }

  /** Has the current game ended normally (marker written)? For the watchdog's callers and tests. */
  get endedMarkerWritten(): boolean {
    return this.game ? existsSync(this.game.endedMarker) : false;
  }
}
