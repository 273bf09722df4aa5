import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventPayload, RunEvent } from './types.js';

export interface Clock {
  /** Wall clock, for humans and for matching postmortem times. */
  now(): Date;
  /** Monotonic milliseconds, for durations that must not jump when the wall clock does. */
  monotonic(): number;
}

export const systemClock: Clock = { now: () => new Date(), monotonic: () => performance.now() };

type Listener = (event: RunEvent) => void;

/**
 * Append-only JSONL writer. Each event is one `write` of a whole line followed by `fsync`, so a crash
 * (even SIGKILL) loses at most the line being written and never corrupts earlier ones.
 */
export class EventLog {
  private fd: number | null;
  private seq: number;
  private readonly origin: number;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly path: string,
    private readonly clock: Clock = systemClock,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    // Reopening an existing log continues its numbering instead of starting over.
    const existing = existsSync(path) ? readEvents(path).events : [];
    this.seq = existing.length > 0 ? existing[existing.length - 1]!.seq : 0;
    this.origin = clock.monotonic() - (existing.length > 0 ? existing[existing.length - 1]!.mono : 0);
    this.fd = openSync(path, 'a');
  }

  append<P extends EventPayload>(payload: P): RunEvent & P {
    if (this.fd === null) throw new Error(`event log ${this.path} is closed`);
    this.seq += 1;
    const event = {
      seq: this.seq,
      id: `e${this.seq}`,
      time: this.clock.now().toISOString(),
      mono: Math.round(this.clock.monotonic() - this.origin),
      ...payload,
    } as RunEvent & P;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    fsyncSync(this.fd);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Milliseconds since the log was created (monotonic). */
  elapsed(): number {
    return this.clock.monotonic() - this.origin;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export interface ReadResult {
  events: RunEvent[];
  /** Lines that could not be parsed: only ever the last one, cut short by a crash. */
  damaged: { line: number; text: string }[];
}

/** Reads a log, tolerating a torn final line from a crash. */
export function readEvents(path: string): ReadResult {
  const text = readFileSync(path, 'utf8');
  const events: RunEvent[] = [];
  const damaged: ReadResult['damaged'] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      damaged.push({ line: index + 1, text: line });
    }
  });
  return { events, damaged };
}
