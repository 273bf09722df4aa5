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

  constructor(
    readonly path: string,
    size: { cols: number; rows: number },
    options: { env?: Record<string, string>; title?: string; clock?: Clock } = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.start = clock.monotonic();
    this.stream = createWriteStream(path, { flags: 'a' });
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
    if (this.closed || data === '') return;
    this.stream.write(`${JSON.stringify([this.seconds(), 'o', data])}\n`);
  }

  resize(cols: number, rows: number): void {
    if (this.closed) return;
    this.stream.write(`${JSON.stringify([this.seconds(), 'r', `${cols}x${rows}`])}\n`);
  }

  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => this.stream.end(() => resolve()));
    return this.closed;
  }
}
