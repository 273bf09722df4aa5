/**
 * Reconnecting with backoff, for every socket of the UI (run events, terminals): quick at first, then
 * at most every 8 s, back to quick once a connection opens. Timers are injectable for tests.
 */
export const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000] as const;

export type Schedule = (fn: () => void, ms: number) => unknown;

export class Reconnect {
  private attempt = 0;
  private timer: unknown = null;

  constructor(
    private readonly schedule: Schedule = (fn, ms) => setTimeout(fn, ms),
    private readonly cancel: (handle: unknown) => void = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  ) {}

  /** True after a drop, until a connection opens again. */
  get retrying(): boolean {
    return this.attempt > 0;
  }

  /** A connection opened: the next drop retries quickly again. */
  succeeded(): void {
    this.attempt = 0;
  }

  /** Calls `connect` after the next delay; returns that delay. */
  retry(connect: () => void): number {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)]!;
    this.attempt += 1;
    this.stop();
    this.timer = this.schedule(() => {
      this.timer = null;
      connect();
    }, delay);
    return delay;
  }

  /** Drops a pending retry (the caller connects now, or gives up). */
  stop(): void {
    if (this.timer !== null) this.cancel(this.timer);
    this.timer = null;
  }

  /** Forgets the attempts: the next connection counts as a first one. */
  reset(): void {
    this.stop();
    this.attempt = 0;
  }
}
