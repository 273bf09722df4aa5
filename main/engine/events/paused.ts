/**
 * Time the game's facilitator held the clock (game-day mode: pause, then resume), read from the run's log.
 * A team is not timed while the room discusses: time to detect and to mitigate leave these spans out. Only
 * the server writes `facilitator.action` events, so nothing the learner typed can move them.
 */
import type { RunEvent } from './types.js';

/** The pauses that ended, as [from, to) in epoch ms, and when the one still running began (null: none). */
export function clockPauses(events: readonly RunEvent[]): { ended: [number, number][]; openSince: number | null } {
  const ended: [number, number][] = [];
  let from: number | null = null;
  for (const e of events) {
    if (e.type !== 'facilitator.action') continue;
    const at = Date.parse(e.time);
    if (e.action === 'pause' && from === null) from = at;
    else if (e.action === 'resume' && from !== null) {
      ended.push([from, Math.max(from, at)]);
      from = null;
    }
  }
  return { ended, openSince: from };
}

/** The paused spans, as [from, to) in epoch ms; an open pause runs to the last event. */
export function pausedSpans(events: readonly RunEvent[]): [number, number][] {
  const { ended, openSince } = clockPauses(events);
  if (openSince === null) return ended;
  const last = events.length > 0 ? Date.parse(events[events.length - 1]!.time) : openSince;
  return [...ended, [openSince, Math.max(openSince, last)]];
}

/** How much of [fromMs, toMs] the clock was paused. */
export function pausedBetween(events: readonly RunEvent[], fromMs: number, toMs: number): number {
  let total = 0;
  for (const [a, b] of pausedSpans(events)) total += Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs));
  return total;
}

/**
 * For a live clock (the team's "time since the page", the facilitator's board): the paused time after the
 * page in pauses that ended, and when the pause still running began (null when the clock runs).
 */
export function heldClock(events: readonly RunEvent[], pagedAtMs: number): { pausedMs: number; pausedSince: number | null } {
  const { ended, openSince } = clockPauses(events);
  const pausedMs = ended.reduce((sum, [a, b]) => sum + Math.max(0, b - Math.max(a, pagedAtMs)), 0);
  return { pausedMs, pausedSince: openSince === null ? null : Math.max(openSince, pagedAtMs) };
}
