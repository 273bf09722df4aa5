/**
 * Has a team engaged with its incident? (PURE) Anything it did after the page: a command, a status update, a hint
 * taken, a submitted fix, a resolution reached. A team that did none of it is "not started" on the board and in
 * the debrief: the safety and hint points it has not lost are not an achievement.
 */
import type { RunEvent } from '../engine/events/types.js';

const ENGAGING: ReadonlySet<RunEvent['type']> = new Set(['command', 'status.update', 'hint.shown', 'run.submitted', 'resolution.reached']);

export function hasEngaged(events: readonly RunEvent[]): boolean {
  const page = events.find((e) => e.type === 'phase.changed' && e.to === 'live');
  return page !== undefined && events.some((e) => e.mono >= page.mono && ENGAGING.has(e.type));
}
