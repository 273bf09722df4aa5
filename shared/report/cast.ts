/**
 * Reading asciicast v2 recordings (https://docs.asciinema.org/manual/asciicast/v2/) for replay and
 * transcripts: the one parser. PURE (no Node, no DOM): the renderer's player, the HTML report and the
 * tests use it; main/terminal/asciicast.ts writes them. Tolerant: lines it cannot read (a torn last line
 * after a crash) are skipped and counted.
 */
import stripAnsi from 'strip-ansi';

export interface CastHeader {
  width: number;
  height: number;
  title?: string;
  timestamp?: number;
}

/** Output (`o`) and resize (`r`) events in time order; seconds since the recording started. */
export type CastEvent = { time: number; kind: 'o'; data: string } | { time: number; kind: 'r'; cols: number; rows: number };

export interface ParsedCast {
  header: CastHeader;
  events: CastEvent[];
  duration: number;
  /** Lines that could not be read (at most a torn last line in a healthy recording). */
  skipped: number;
}

export class CastError extends Error {
  override name = 'CastError';
}

export function parseCast(text: string): ParsedCast {
  const lines = text.split('\n');
  const first = lines.shift()?.trim();
  if (!first) throw new CastError('the recording is empty');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(first) as Record<string, unknown>;
  } catch {
    throw new CastError('the recording does not start with an asciicast header');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CastError('the asciicast header is not a JSON object');
  if (header.version !== 2) throw new CastError(`unsupported asciicast version ${JSON.stringify(header.version) ?? 'none'} (expected 2)`);
  const width = typeof header.width === 'number' ? header.width : Number.NaN;
  const height = typeof header.height === 'number' ? header.height : Number.NaN;
  if (!(width > 0) || !(height > 0)) throw new CastError('the asciicast header has no width/height');

  const events: CastEvent[] = [];
  let skipped = 0;
  let last = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      skipped += 1;
      continue;
    }
    if (!Array.isArray(entry) || typeof entry[0] !== 'number' || typeof entry[2] !== 'string') {
      skipped += 1;
      continue;
    }
    const time = Math.max(entry[0], last);
    last = time;
    if (entry[1] === 'o') events.push({ time, kind: 'o', data: entry[2] });
    else if (entry[1] === 'r') {
      const match = /^(\d+)x(\d+)$/.exec(entry[2]);
      if (match) events.push({ time, kind: 'r', cols: Number(match[1]), rows: Number(match[2]) });
    }
  }
  return {
    header: {
      width,
      height,
      ...(typeof header.title === 'string' ? { title: header.title } : {}),
      ...(typeof header.timestamp === 'number' ? { timestamp: header.timestamp } : {}),
    },
    events,
    duration: Math.max(typeof header.duration === 'number' ? header.duration : 0, last),
    skipped,
  };
}

/** Index of the first event after `time` (binary search): events [0, index) have been played by then. */
export function eventsUntil(events: readonly CastEvent[], time: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Everything the recording showed, concatenated, escape sequences and all. */
export function castOutput(cast: ParsedCast): string {
  let raw = '';
  for (const event of cast.events) if (event.kind === 'o') raw += event.data;
  return raw;
}

/** What a reader sees: output with escape sequences removed and carriage returns/backspaces applied. */
export function castTranscript(cast: ParsedCast, maxChars = 200_000): string {
  return plainText(castOutput(cast)).slice(-maxChars);
}

/**
 * Terminal output as plain text: strip-ansi removes the escape sequences, then CR and BS are applied as a
 * screen would. Linear in the input: a line is a buffer with a cursor (a bare CR returns it to column 0 and
 * what follows overwrites), not a string rebuilt per segment, and trailing blanks go with `trimEnd`.
 */
export function plainText(raw: string): string {
  const text = stripAnsi(raw).replace(/\r\n/g, '\n');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const screen: string[] = [];
    let column = 0;
    for (let i = 0; i < line.length; i += 1) {
      const unit = line[i]!;
      if (unit === '\r') column = 0;
      else screen[column++] = unit;
    }
    const result: string[] = [];
    for (const ch of screen.join('')) {
      if (ch === '\b') result.pop();
      // eslint-disable-next-line no-control-regex
      else if (!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(ch)) result.push(ch);
    }
    out.push(result.join('').trimEnd());
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
