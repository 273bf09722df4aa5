/**
 * The comms criterion (game-day mode's incident channel), PURE: from a run's event log, which status updates
 * counted, how long after the page the first one came, the longest stretch without one (up to the
 * resolution or the end, or to now while the run is live), and which rule of the cadence the run was held to
 * (run.created's `comms`, from the game file) held or failed, with times. Like time to detect and mitigate,
 * the minutes the facilitator held the game clock are left out (engine/events/paused.ts): a pause costs no team its cadence.
 *
 * It adds no points: the report shows it as its own "Comms" line, met or not. What a learner types here is
 * read by nothing else (troubleshooting and postmortem scoring never look at `status.update` events), so
 * typing cannot raise any other score; here, only the timing of updates that say something counts.
 */
import type { CommsRequirement, CommsResult, CommsRule, StatusUpdateView } from '../../shared/api/comms.js';
import { formatDuration } from '../../shared/format/duration.js';
import type { RunEvent } from '../engine/events/types.js';
import { clockPauses, pausedSpans } from '../engine/events/paused.js';

/** An update must say at least this many words to count ("investigating" alone tells nobody anything). */
export const MIN_WORDS = 3;

/** Phases that close the channel's window: the incident is over, by a fix or otherwise. */
const CLOSING_PHASES = new Set(['resolved', 'abandoned', 'failed', 'teardown', 'ended']);

const wordsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Why an update does not count, or null when it does: it must not be empty, must say at least MIN_WORDS
 * words (two of them different), and must not repeat an earlier counted update (same words, whatever the
 * case or punctuation): repeating "still investigating" every 15 minutes is not a status.
 */
export function substanceProblem(message: string, earlier: readonly string[]): string | null {
  const words = wordsOf(message);
  if (words.length === 0) return 'empty';
  if (words.length < MIN_WORDS || new Set(words).size < 2) return `too short: say what is known, what is being done, and when the next update comes`;
  const normal = words.join(' ');
  if (earlier.some((text) => wordsOf(text).join(' ') === normal)) return 'repeats an earlier update';
  return null;
}

export interface CommsOptions {
  /** Now, in ms since the page, for a run that is still live (default: the last event's time). */
  nowSincePageMs?: number;
}

const clock = (ms: number): string => formatDuration(ms, 'clock', { rounding: 'nearest' });

export function evaluateComms(events: readonly RunEvent[], options: CommsOptions = {}): CommsResult {
  const created = events.find((e) => e.type === 'run.created');
  const requirement: CommsRequirement | null = created?.type === 'run.created' && created.comms ? created.comms : null;
  const paged = events.find((e) => e.type === 'phase.changed' && e.to === 'live');
  const since = (e: RunEvent): number | null => (paged ? e.mono - paged.mono : null);
  const closing = paged
    ? events.find(
        (e) =>
          e.mono >= paged.mono &&
          (e.type === 'resolution.reached' || e.type === 'run.ended' || (e.type === 'phase.changed' && CLOSING_PHASES.has(e.to))),
      )
    : undefined;
  const closedAtMs = closing ? since(closing) : null;

  const updates: StatusUpdateView[] = [];
  const countedTexts: string[] = [];
  const countedAt: number[] = [];
  for (const e of events) {
    if (e.type !== 'status.update') continue;
    // An imported bundle's log is untrusted: a message that is not text says nothing.
    const message = typeof e.message === 'string' ? e.message : '';
    const author = typeof e.author === 'string' ? e.author : null;
    const at = since(e);
    let why: string | null;
    if (at === null || at < 0) why = 'before the page';
    else if (closedAtMs !== null && at > closedAtMs) why = 'after the incident was over';
    else why = substanceProblem(message, countedTexts);
    if (why === null) {
      countedTexts.push(message);
      countedAt.push(at!);
    }
    updates.push({ id: e.id, time: e.time, sincePageMs: at, author, message, counted: why === null, ...(why ? { why } : {}) });
  }

  const lastEvent = events.at(-1);
  const nowMs = closedAtMs ?? options.nowSincePageMs ?? (lastEvent ? since(lastEvent) : null);
  const open = closedAtMs === null;

  // Playing time: ms since the page without the paused spans (a pause still open while live runs to now).
  const pageEpoch = paged ? Date.parse(paged.time) : 0;
  const { ended, openSince } = clockPauses(events);
  const held: [number, number][] = open ? [...ended, ...(openSince === null ? [] : [[openSince, Number.POSITIVE_INFINITY] as [number, number]])] : pausedSpans(events);
  const spans = held.map(([a, b]) => [a - pageEpoch, b - pageEpoch]);
  const playing = (at: number): number => at - spans.reduce((held, [a, b]) => held + Math.max(0, Math.min(b!, at) - Math.max(a!, 0)), 0);

  const firstAfterMs = countedAt[0] === undefined ? null : playing(countedAt[0]);

  // The stretches without an update: from the page (unless firstWithin judges that one) or each update, to the next one or the end.
  const anchors = requirement?.firstWithinMs != null && countedAt.length > 0 ? [...countedAt] : [0, ...countedAt];
  const gaps: { from: number; to: number; length: number }[] = [];
  if (paged && nowMs !== null) {
    anchors.forEach((from, i) => {
      const to = anchors[i + 1] ?? Math.max(from, nowMs);
      gaps.push({ from, to, length: playing(to) - playing(from) });
    });
  }
  const longest = gaps.reduce<(typeof gaps)[number] | null>((best, g) => (!best || g.length > best.length ? g : best), null);

  const rules: CommsRule[] = [];
  if (requirement && paged && nowMs !== null) {
    const { firstWithinMs: first, everyMs: every } = requirement;
    if (first !== null) {
      const title = `First update within ${clock(first)} of the page`;
      if (firstAfterMs !== null) {
        const held = countedAt[0]! - firstAfterMs;
        const detail = `first update ${clock(firstAfterMs)} after the page${held > 0 ? ` (${clock(held)} of paused clock left out)` : ''}`;
        rules.push({ id: 'firstWithin', title, state: firstAfterMs <= first ? 'met' : 'failed', detail });
      } else if (playing(nowMs) > first || !open) {
        rules.push({ id: 'firstWithin', title, state: 'failed', detail: `no update within ${clock(first)} of the page` });
      } else {
        rules.push({ id: 'firstWithin', title, state: 'pending', detail: 'no update yet' });
      }
    }
    if (every !== null) {
      const title = `An update at least every ${clock(every)}${open ? '' : ' until the end'}`;
      const tooLong = gaps.find((g) => g.length > every);
      const paused = (g: (typeof gaps)[number]) => (g.length < g.to - g.from ? `, ${clock(g.to - g.from - g.length)} of paused clock left out` : '');
      const where = (g: (typeof gaps)[number]) => `${clock(g.length)} without an update (${clock(g.from)} to ${clock(g.to)}${paused(g)})`;
      if (tooLong) rules.push({ id: 'every', title, state: 'failed', detail: where(tooLong) });
      else if (open) rules.push({ id: 'every', title, state: 'pending', detail: longest ? `longest gap so far ${clock(longest.length)}` : 'no update yet' });
      else rules.push({ id: 'every', title, state: 'met', detail: longest ? `longest gap ${clock(longest.length)}${paused(longest)}` : 'no gap' });
    }
  }

  let nextDueInMs: number | null = null;
  if (requirement && paged && open && nowMs !== null) {
    const last = countedAt.at(-1);
    const dueAt = last === undefined ? (requirement.firstWithinMs ?? requirement.everyMs) : requirement.everyMs !== null ? playing(last) + requirement.everyMs : null;
    if (dueAt !== null) nextDueInMs = dueAt - playing(nowMs);
  }

  return {
    requirement,
    updates,
    counted: countedAt.length,
    firstAfterMs,
    longestGapMs: longest ? longest.length : null,
    closedAtMs,
    rules,
    met: rules.length === 0 ? null : rules.some((r) => r.state === 'failed') ? false : rules.every((r) => r.state === 'met') ? true : null,
    nextDueInMs,
  };
}
