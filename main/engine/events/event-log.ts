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

/** The fields every logged event gets: its place in the log and when it was written. */
type Stamped<P> = { seq: number; id: string; time: string; mono: number } & P;

/** An event could not be written (the disk is full, an I/O error): whoever logs must stop cleanly. */
export class EventLogWriteError extends Error {
  override name = 'EventLogWriteError';
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`cannot write the session log ${path}: ${code === 'ENOSPC' ? 'no space left on the disk' : detail}`);
  }
}

/** write(2) may write part of a line (a nearly full disk): keep going until all of it is out, or it fails. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Append-only JSONL writer. Each event is one `write` of a whole line followed by `fsync`, so a crash
 * (even SIGKILL) loses at most the line being written and never corrupts earlier ones. The run's log holds
 * `EventPayload`s; other append-only logs of a session (a reviewer's overrides) name their own payload type.
 * A failed write throws EventLogWriteError; the next line starts on a fresh line, so a fragment the
 * failure left stays one damaged line that readers skip.
 */
export class EventLog<Payload extends { type: string } = EventPayload> {
  private fd: number | null;
  private seq: number;
  /** The last write failed and may have left part of a line. */
  private torn = false;
  private readonly origin: number;
  private readonly listeners = new Set<(event: Stamped<Payload>) => void>();

  constructor(
    readonly path: string,
    private readonly clock: Clock = systemClock,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    // Reopening an existing log continues its numbering instead of starting over.
    const existing = existsSync(path) ? readEvents<Stamped<Payload>>(path).events : [];
    this.seq = existing.length > 0 ? existing[existing.length - 1]!.seq : 0;
    this.origin = clock.monotonic() - (existing.length > 0 ? existing[existing.length - 1]!.mono : 0);
    this.fd = openSync(path, 'a');
  }

  append<P extends Payload>(payload: P): Stamped<P> & (Payload extends EventPayload ? RunEvent : unknown) {
    if (this.fd === null) throw new Error(`event log ${this.path} is closed`);
    this.seq += 1;
    const event = {
      seq: this.seq,
      id: `e${this.seq}`,
      time: this.clock.now().toISOString(),
      mono: Math.round(this.clock.monotonic() - this.origin),
      ...payload,
    } as Stamped<P> & (Payload extends EventPayload ? RunEvent : unknown);
    try {
      writeAll(this.fd, `${this.torn ? '\n' : ''}${JSON.stringify(event)}\n`);
      fsyncSync(this.fd);
      this.torn = false;
    } catch (error) {
      this.torn = true;
      this.seq -= 1;
      const err = error as NodeJS.ErrnoException;
      throw new EventLogWriteError(this.path, err.code, err.message);
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** true once close() ran: nothing more can be appended. */
  get closed(): boolean {
    return this.fd === null;
  }

  /** Milliseconds since the log was created (monotonic). */
  elapsed(): number {
    return this.clock.monotonic() - this.origin;
  }

  subscribe(listener: (event: Stamped<Payload>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // close can report a deferred write error (a full disk): the lines that failed already threw.
      }
    }
  }
}

export interface ReadResult<E = RunEvent> {
  events: E[];
  /** Lines that could not be parsed: only ever the last one, cut short by a crash. */
  damaged: { line: number; text: string }[];
}

/** Reads a log, tolerating a torn final line from a crash. */
export function readEvents<E = RunEvent>(path: string): ReadResult<E> {
  const text = readFileSync(path, 'utf8');
  const events: E[] = [];
  const damaged: ReadResult['damaged'] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line) as E);
    } catch {
      damaged.push({ line: index + 1, text: line });
    }
  });
  return { events, damaged };
}
