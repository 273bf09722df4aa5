/**
 * Flow control for one client of a terminal: when the WebSocket's send buffer passes `high`, the client
 * holds the pty (node-pty stops reading, so `yes` or a huge `cat` block in the sandbox instead of
 * filling the server's memory and freezing the browser), and lets go once it has drained below `low`.
 */
export interface BackpressureOptions {
  buffered: () => number;
  hold: () => void;
  release: () => void;
  high?: number;
  low?: number;
  /** How often to look at the buffer while held. */
  intervalMs?: number;
}

export class Backpressure {
  private timer: NodeJS.Timeout | null = null;
  private readonly high: number;
  private readonly low: number;

  constructor(private readonly options: BackpressureOptions) {
    this.high = options.high ?? 1024 * 1024;
    this.low = options.low ?? 128 * 1024;
  }

  get held(): boolean {
    return this.timer !== null;
  }

  /** Call after each send. */
  afterSend(): void {
    if (this.timer || this.options.buffered() < this.high) return;
    this.options.hold();
    this.timer = setInterval(() => this.check(), this.options.intervalMs ?? 20);
  }

  /** Exposed for tests; runs on the interval while held. */
  check(): void {
    if (!this.timer || this.options.buffered() > this.low) return;
    this.stop();
  }

  /** Releases the hold (drained, or the client went away). */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.options.release();
  }
}
