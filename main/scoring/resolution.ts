import type { RunEvent } from '../engine/events/types.js';

/** The best resolution the run reached (highest points), or null. */
export function reachedResolution(
  events: readonly RunEvent[],
): { id: string; points: number; eventId: string } | null {
  let best: { id: string; points: number; eventId: string } | null = null;
  for (const event of events) {
    if (event.type !== 'resolution.reached') continue;
    if (!best || event.points > best.points)
      best = { id: event.resolutionId, points: event.points, eventId: event.id };
  }
  return best;
}
