import type { RunEvent } from '../../engine/events/types.js';
import { stemsOf } from '../text.js';

/** A time written in the postmortem. */
export type WrittenTime =
  | { kind: 'clock'; seconds: number; hasSeconds: boolean; text: string }
  | { kind: 'iso'; epochMs: number; text: string }
  | { kind: 'relative'; candidatesMs: number[]; text: string };

export interface TimelineEntry {
  text: string;
  time: WrittenTime;
}

const ISO = /\b(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/;
const CLOCK = /(?<![\d:.T+])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])/;
const RELATIVE =
  /\bT\s*\+\s*(?:(\d+)\s*h\s*)?(?:(\d+)\s*m(?:in)?\s*)?(?:(\d+)\s*s)?(?![\w:])|\bT\s*\+\s*(\d{1,3}):(\d{2})(?::(\d{2}))?/i;

/** The first time written in a line of text, if any. */
export function parseWrittenTime(text: string): WrittenTime | null {
  const iso = ISO.exec(text);
  if (iso) {
    const [, date, hh, mm, ss, zone] = iso;
    const z = zone
      ? zone === 'Z'
        ? 'Z'
        : zone.length === 5
          ? `${zone.slice(0, 3)}:${zone.slice(3)}`
          : zone
      : 'Z';
    const epochMs = Date.parse(`${date}T${hh}:${mm}:${ss ?? '00'}${z}`);
    if (!Number.isNaN(epochMs)) return { kind: 'iso', epochMs, text: iso[0] };
  }
  const rel = RELATIVE.exec(text);
  if (rel && rel[0].replace(/\s/g, '').length > 2) {
    if (rel[4] !== undefined) {
      const a = Number(rel[4]);
      const b = Number(rel[5]);
      const c = rel[6] !== undefined ? Number(rel[6]) : null;
      // T+00:12 is ambiguous: hours:minutes or minutes:seconds. Keep both; T+h:mm:ss is not.
      const candidatesMs =
        c !== null ? [((a * 60 + b) * 60 + c) * 1000] : [(a * 60 + b) * 60_000, (a * 60 + b) * 1000];
      return { kind: 'relative', candidatesMs, text: rel[0] };
    }
    const h = Number(rel[1] ?? 0);
    const m = Number(rel[2] ?? 0);
    const s = Number(rel[3] ?? 0);
    if (rel[1] !== undefined || rel[2] !== undefined || rel[3] !== undefined)
      return { kind: 'relative', candidatesMs: [((h * 60 + m) * 60 + s) * 1000], text: rel[0] };
  }
  const clock = CLOCK.exec(text);
  if (clock) {
    const seconds = Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
    return { kind: 'clock', seconds, hasSeconds: clock[3] !== undefined, text: clock[0] };
  }
  return null;
}

/** Lines of the timeline that carry a time. */
export function timelineEntries(text: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const line of text.split('\n')) {
    const time = parseWrittenTime(line);
    if (time) entries.push({ text: line.trim(), time });
  }
  return entries;
}

/** Seconds into the (UTC or local) day of an instant. */
function secondsOfDay(epochMs: number, timeZone: string | undefined): number {
  if (timeZone === 'UTC') {
    const d = new Date(epochMs);
    return d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds();
  }
  const parts = formatter(timeZone).formatToParts(new Date(epochMs));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 3600 + get('minute') * 60 + get('second');
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}

function circularDiff(a: number, b: number): number {
  const d = Math.abs(a - b) % 86_400;
  return Math.min(d, 86_400 - d);
}

/**
 * Distance in seconds between a written time and an event instant. Clock times are compared with both
 * UTC and the local zone; a time written without seconds covers its whole minute.
 */
export function distanceSeconds(
  written: WrittenTime,
  eventMs: number,
  pageMs: number | null,
  timeZone: string | undefined,
): number {
  switch (written.kind) {
    case 'iso':
      return Math.abs(written.epochMs - eventMs) / 1000;
    case 'relative': {
      if (pageMs === null) return Infinity;
      return Math.min(...written.candidatesMs.map((ms) => Math.abs(pageMs + ms - eventMs) / 1000));
    }
    case 'clock': {
      const zones = [...new Set(['UTC', timeZone])];
      return Math.min(
        ...zones.map((zone) => {
          const actual = secondsOfDay(eventMs, zone);
          if (written.hasSeconds) return circularDiff(written.seconds, actual);
          // 14:03 means any second of that minute.
          const floored = actual - (actual % 60);
          return circularDiff(written.seconds, floored);
        }),
      );
    }
  }
}

export type MomentId = 'fault' | 'alert' | 'investigation' | 'mitigation' | 'resolution';

export interface Moment {
  id: MomentId;
  title: string;
  eventId: string;
  time: string;
  keywords: string[];
}

const KEYWORDS: Record<MomentId, string[]> = {
  fault:
    'deploy release v2 rollout roll out ship shipped inject fault start began begin migration version upgrade change'.split(
      ' ',
    ),
  alert:
    'alert page paged fire fired pagerduty oncall on-call notified notification alarm checkoutlatencyhigh triggered'.split(
      ' ',
    ),
  investigation:
    'investigate investigation look looked check checked query queried ran run acknowledge acked ack log login logged psql explain dashboard inspect began started examine'.split(
      ' ',
    ),
  mitigation:
    'mitigate mitigated mitigation index create created rollback rolled revert reverted fix fixed apply applied recover recovering drop dropped improve improved'.split(
      ' ',
    ),
  resolution:
    'resolve resolved resolution close closed stable normal recovered clear cleared confirm confirmed back healthy end ended green'.split(
      ' ',
    ),
};

/** The key moments of a run, from its event log. */
export function momentsOf(events: readonly RunEvent[]): Moment[] {
  const moments: Moment[] = [];
  const first = <T extends RunEvent>(pred: (e: RunEvent) => e is T): T | undefined => events.find(pred);
  const fault = first(
    (e): e is Extract<RunEvent, { type: 'fault.step' }> => e.type === 'fault.step' && e.status === 'applied',
  );
  if (fault)
    moments.push({
      id: 'fault',
      title: 'fault injected',
      eventId: fault.id,
      time: fault.time,
      keywords: KEYWORDS.fault,
    });
  const page = pageEvent(events);
  const alert = events.find((e) => e.type === 'alert.fired') as
    (RunEvent & { alertname: string }) | undefined;
  const alertOrPage = [alert, page]
    .filter((e): e is RunEvent => e !== undefined)
    .sort((a, b) => a.seq - b.seq)[0];
  if (alertOrPage)
    moments.push({
      id: 'alert',
      title: alert ? `first alert (${alert.alertname})` : 'the page',
      eventId: alertOrPage.id,
      time: alertOrPage.time,
      keywords: alert ? [...KEYWORDS.alert, alert.alertname.toLowerCase()] : KEYWORDS.alert,
    });
  const command = first((e): e is Extract<RunEvent, { type: 'command' }> => e.type === 'command');
  if (command)
    moments.push({
      id: 'investigation',
      title: 'first investigative command',
      eventId: command.id,
      time: command.startedAt || command.time,
      keywords: KEYWORDS.investigation,
    });
  const holding = first(
    (e): e is Extract<RunEvent, { type: 'resolution.holding' }> => e.type === 'resolution.holding',
  );
  const reached = first(
    (e): e is Extract<RunEvent, { type: 'resolution.reached' }> => e.type === 'resolution.reached',
  );
  const mitigation = holding ?? reached;
  if (mitigation)
    moments.push({
      id: 'mitigation',
      title: 'mitigation',
      eventId: mitigation.id,
      time: mitigation.time,
      keywords: KEYWORDS.mitigation,
    });
  if (reached)
    moments.push({
      id: 'resolution',
      title: 'resolution',
      eventId: reached.id,
      time: reached.time,
      keywords: KEYWORDS.resolution,
    });
  return moments;
}

/** The page: the run going live (the broken checks hold and the learner is called in). */
export function pageEvent(events: readonly RunEvent[]): RunEvent | undefined {
  return events.find((e) => e.type === 'phase.changed' && e.to === 'live');
}

export interface MomentMatch {
  moment: Moment;
  entry: TimelineEntry | null;
  distanceSeconds: number | null;
}

/**
 * Pairs each moment with the timeline entry that names it (keywords) at the right time (within
 * toleranceSeconds, plus the minute a time without seconds covers). Each entry serves one moment.
 */
export function matchMoments(
  entries: TimelineEntry[],
  events: readonly RunEvent[],
  options: { toleranceSeconds?: number; timeZone?: string | undefined } = {},
): MomentMatch[] {
  const tolerance = options.toleranceSeconds ?? 120;
  const page = pageEvent(events);
  const pageMs = page ? Date.parse(page.time) : null;
  const moments = momentsOf(events);
  const entryStems = entries.map((e) => stemsOf(e.text));
  const used = new Set<number>();
  const candidates: { m: number; e: number; d: number }[] = [];
  moments.forEach((moment, m) => {
    const keywordStems = [...new Set(moment.keywords.flatMap((k) => [...stemsOf(k)]))];
    const eventMs = Date.parse(moment.time);
    entries.forEach((entry, e) => {
      if (!keywordStems.some((k) => entryStems[e]!.has(k))) return;
      const d = distanceSeconds(entry.time, eventMs, pageMs, options.timeZone);
      if (d <= tolerance) candidates.push({ m, e, d });
    });
  });
  candidates.sort((a, b) => a.d - b.d || a.m - b.m || a.e - b.e);
  const assigned = new Map<number, { e: number; d: number }>();
  for (const c of candidates) {
    if (assigned.has(c.m) || used.has(c.e)) continue;
    assigned.set(c.m, { e: c.e, d: c.d });
    used.add(c.e);
  }
  return moments.map((moment, m) => {
    const a = assigned.get(m);
    return { moment, entry: a ? entries[a.e]! : null, distanceSeconds: a ? a.d : null };
  });
}

/** Fraction of consecutive entries that do not go back in time (for written clock/relative times). */
export function chronologicalFraction(entries: TimelineEntry[]): {
  fraction: number;
  outOfOrder: TimelineEntry[];
} {
  const key = (t: WrittenTime): number =>
    t.kind === 'clock' ? t.seconds : t.kind === 'iso' ? t.epochMs / 1000 : Math.min(...t.candidatesMs) / 1000;
  const outOfOrder: TimelineEntry[] = [];
  let pairs = 0;
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1]!.time;
    const b = entries[i]!.time;
    if (a.kind !== b.kind && !(a.kind !== 'relative' && b.kind !== 'relative')) continue;
    pairs += 1;
    let delta = key(b) - key(a);
    // Clock times may cross midnight.
    if (a.kind === 'clock' && b.kind === 'clock' && delta < -12 * 3600) delta += 86_400;
    if (delta < 0) outOfOrder.push(entries[i]!);
  }
  return { fraction: pairs === 0 ? 1 : (pairs - outOfOrder.length) / pairs, outOfOrder };
}
