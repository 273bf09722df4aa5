/**
 * Time the game's facilitator held the clock (game-day mode: pause, then resume), read from the run's log.
 * A team is not timed while the room discusses: time to detect and to mitigate leave these spans out. Only
 * the server writes `facilitator.action` events, so nothing the learner typed can move them.
 */
import type { RunEvent } from '../engine/events/types.js';

/** The paused spans, as [from, to) in epoch ms; an open pause runs to the last event. */
export function pausedSpans(events: readonly RunEvent[]): [number, number][] {
  const spans: [number, number][] = [];
  let from: number | null = null;
  for (const e of events) {
    if (e.type !== 'facilitator.action') continue;
    const at = Date.parse(e.time);
    if (e.action === 'pause' && from === null) from = at;
    else if (e.action === 'resume' && from !== null) {
      spans.push([from, Math.max(from, at)]);
      from = null;
    }
  }
  if (from !== null) {
    const last = events.length > 0 ? Date.parse(events[events.length - 1]!.time) : from;
    spans.push([from, Math.max(from, last)]);
  }
  return spans;
}

/** How much of [fromMs, toMs] the clock was paused. */
export function pausedBetween(events: readonly RunEvent[], fromMs: number, toMs: number): number {
  let total = 0;
  for (const [a, b] of pausedSpans(events)) total += Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs));
  return total;
}
