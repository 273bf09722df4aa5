/**
 * asciicast v2 recordings (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one
 * JSON array per event: `[seconds, "o", data]` for output, `[seconds, "r", "COLSxROWS"]` for a resize.
 * We record what the learner saw (shell-integration marks already stripped).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { z } from 'zod';
import { systemClock, type Clock } from '../engine/events/event-log.js';

export const asciicastHeaderSchema = z.object({
  version: z.literal(2),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  timestamp: z.number().int().optional(),
  duration: z.number().optional(),
  title: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});

export type AsciicastHeader = z.infer<typeof asciicastHeaderSchema>;
export type AsciicastEvent = [time: number, code: 'o' | 'i' | 'r' | 'm', data: string];

const eventSchema = z.tuple([z.number().nonnegative(), z.enum(['o', 'i', 'r', 'm']), z.string()]);

export interface Asciicast {
  header: AsciicastHeader;
  events: AsciicastEvent[];
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

/** Parses a recording; a torn last line (crash while writing) is dropped, anything else wrong throws. */
export function parseAsciicast(text: string): Asciicast {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new Error('asciicast: empty recording');
  let header: AsciicastHeader;
  try {
    header = asciicastHeaderSchema.parse(JSON.parse(lines[0]!));
  } catch (error) {
    throw new Error(`asciicast line 1: not a v2 header (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  const events: AsciicastEvent[] = [];
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) break; // torn final line
      throw new Error(`asciicast line ${i + 1}: not JSON`);
    }
    const result = eventSchema.safeParse(parsed);
    if (!result.success) throw new Error(`asciicast line ${i + 1}: not an event [time, code, data]`);
    events.push(result.data as AsciicastEvent);
  }
  return { header, events };
}

/** Everything the recording showed, concatenated. */
export function castOutput(cast: Asciicast): string {
  return cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
}
