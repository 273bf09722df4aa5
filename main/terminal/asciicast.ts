/**
 * Writes asciicast v2 recordings (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one
 * JSON array per event: `[seconds, "o", data]` for output, `[seconds, "r", "COLSxROWS"]` for a resize.
 * We record what the learner saw (shell-integration marks already stripped). Reading them back is
 * shared/report/cast.ts, the one parser.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { systemClock, type Clock } from '../engine/events/event-log.js';

interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  env: Record<string, string>;
  title?: string;
}

export class AsciicastWriter {
  private readonly stream: WriteStream;
  private readonly start: number;
  private closed: Promise<void> | null = null;
  private readonly clock: Clock;
  /** Why the recording stopped early (the disk is full), or null. The terminal goes on either way. */
  error: Error | null = null;

  constructor(
    readonly path: string,
    size: { cols: number; rows: number },
    options: { env?: Record<string, string>; title?: string; clock?: Clock } = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.start = clock.monotonic();
    this.stream = createWriteStream(path, { flags: 'a' });
    // Without a listener a failed write (ENOSPC) would be an uncaught exception that ends the process.
    this.stream.on('error', (error) => (this.error ??= error));
    const header: AsciicastHeader = {
      version: 2,
      width: size.cols,
      height: size.rows,
      timestamp: Math.floor(clock.now().getTime() / 1000),
      env: options.env ?? { TERM: 'xterm-256color', SHELL: '/bin/bash' },
      ...(options.title ? { title: options.title } : {}),
    };
    this.stream.write(`${JSON.stringify(header)}\n`);
  }

  private seconds(): number {
    return Math.round((this.clock.monotonic() - this.start) * 1000) / 1e6;
  }

  output(data: string): void {
    if (this.closed || this.error || data === '') return;
    this.stream.write(`${JSON.stringify([this.seconds(), 'o', data])}\n`);
  }

  resize(cols: number, rows: number): void {
    if (this.closed || this.error) return;
    this.stream.write(`${JSON.stringify([this.seconds(), 'r', `${cols}x${rows}`])}\n`);
  }

  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.end();
    });
    return this.closed;
  }
}
