/**
 * A game's clock: the time box the facilitator may pause (a discussion, a break) and extend. Pure: the
 * runner gives it the time. The dead man's switch's deadline follows it: the end of the (paused and
 * extended) time box plus the TTL. While paused the end is not known, so the deadline is "now + what was
 * left + the TTL", refreshed by the living facilitator process (see deadline-file.ts): if that process dies
 * during a pause, the refreshes stop and the deadline passes on its own.
 */
export interface ClockView {
  paused: boolean;
  /** Epoch ms the current pause began, or null. */
  pausedAt: number | null;
  /** Paused time so far, the current pause included. */
  pausedMs: number;
  /** What the facilitator added to the time box. */
  extendedMs: number;
  /** The time box with its extensions. */
  timeBoxMs: number;
  /** Playing time left (frozen while paused); 0 once the time box is over. */
  remainingMs: number;
  /** When the time box ends (epoch ms) if the clock keeps running. */
  endsAt: number;
}

export class GameClockError extends Error {}

/** Longest single extension: a typo of "600" for "60" minutes must not keep sandboxes for ten hours. */
export const MAX_EXTENSION_MS = 4 * 60 * 60_000;

export class GameClock {
  private pausedAt: number | null = null;
  private pausedTotal = 0;
  private extended = 0;

  constructor(
    private readonly startedAt: number,
    private readonly timeBoxMs: number,
    private readonly ttlMs: number,
  ) {}

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  pause(now: number): void {
    if (this.pausedAt !== null) throw new GameClockError('the clock is already paused');
    if (this.remaining(now) <= 0) throw new GameClockError('the time box is over: extend it instead');
    this.pausedAt = now;
  }

  /** Returns how long the pause lasted. */
  resume(now: number): number {
    if (this.pausedAt === null) throw new GameClockError('the clock is not paused');
    const lasted = Math.max(0, now - this.pausedAt);
    this.pausedTotal += lasted;
    this.pausedAt = null;
    return lasted;
  }

  extend(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) throw new GameClockError('an extension must be a positive duration');
    if (ms > MAX_EXTENSION_MS) throw new GameClockError(`an extension is at most ${MAX_EXTENSION_MS / 60_000} minutes at a time`);
    this.extended += ms;
  }

  private pausedSoFar(now: number): number {
    return this.pausedTotal + (this.pausedAt !== null ? Math.max(0, now - this.pausedAt) : 0);
  }

  /** When the time box ends if the clock runs from now on. */
  endsAt(now: number): number {
    return this.startedAt + this.timeBoxMs + this.extended + this.pausedSoFar(now);
  }

  remaining(now: number): number {
    const at = this.pausedAt ?? now;
    return Math.max(0, this.startedAt + this.timeBoxMs + this.extended + this.pausedTotal - at);
  }

  /** The dead man's switch's deadline as of now (epoch ms). */
  deadline(now: number): number {
    return this.endsAt(now) + this.ttlMs;
  }

  view(now: number): ClockView {
    return {
      paused: this.pausedAt !== null,
      pausedAt: this.pausedAt,
      pausedMs: this.pausedSoFar(now),
      extendedMs: this.extended,
      timeBoxMs: this.timeBoxMs + this.extended,
      remainingMs: this.remaining(now),
      endsAt: this.endsAt(now),
    };
  }
}
