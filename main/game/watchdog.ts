/**
 * The dead man's switch's watchdog: a small process started with a game (`firedrill game watchdog`, detached)
 * that needs nothing of the facilitator's process. It watches the owner's pid; once the owner is gone it
 * waits the game's TTL and removes every object labelled with the game. It also removes them at the
 * game's hard deadline (its labels carry it), and exits quietly when the game ended normally (the marker
 * file the runner writes). Side effects are injected so a unit test drives it with a fake clock.
 */
export interface WatchdogDeps {
  ownerPid: number;
  gameId: string;
  ttlMs: number;
  /** Epoch ms: the labels' deadline. */
  deadline: number;
  /** The deadline as the clock moved it (paused, extended: deadline-file.ts), or null to keep the label's. */
  movedDeadline?: () => number | null;
  alive: (pid: number) => boolean;
  /** Has the game ended normally (the runner's marker file)? */
  ended: () => boolean;
  cleanup: (gameId: string) => Promise<number>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
  log?: (line: string) => void;
}

export type WatchdogOutcome = { reason: 'ended' } | { reason: 'owner-died' | 'deadline'; removed: number; at: number };

export async function runWatchdog(deps: WatchdogDeps): Promise<WatchdogOutcome> {
  const poll = deps.pollMs ?? 500;
  let diedAt: number | null = null;
  for (;;) {
    if (deps.ended()) return { reason: 'ended' };
    const now = deps.now();
    const deadline = deps.movedDeadline?.() ?? deps.deadline;
    if (now >= deadline) return fire('deadline');
    if (diedAt === null && !deps.alive(deps.ownerPid)) {
      diedAt = now;
      deps.log?.(`owner ${deps.ownerPid} is gone; tearing game ${deps.gameId} down in ${Math.round(deps.ttlMs / 1000)}s`);
    }
    if (diedAt !== null && now - diedAt >= deps.ttlMs) return fire('owner-died');
    const until = diedAt !== null ? Math.min(diedAt + deps.ttlMs, deadline) : deadline;
    await deps.sleep(Math.max(1, Math.min(poll, until - now)));
  }

  async function fire(reason: 'owner-died' | 'deadline'): Promise<WatchdogOutcome> {
    const removed = await deps.cleanup(deps.gameId);
    deps.log?.(`game ${deps.gameId}: removed ${removed} object(s) (${reason})`);
    return { reason, removed, at: deps.now() };
  }
}
