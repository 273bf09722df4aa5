/** Pure helpers for the live view (tested without a DOM). */
import type { HintView, RunSnapshot } from '../../../shared/api/contract';

/** Milliseconds until a hint unlocks (0 when unlocked or due), or null before the page. */
export function hintRemainingMs(hint: HintView, pagedAt: string | null, now: number): number | null {
  if (hint.unlocked) return 0;
  if (!pagedAt) return null;
  return Math.max(0, Date.parse(pagedAt) + hint.unlockAfterMs - now);
}

/** Whether "Take a hint" can do something: an unlocked (or due) hint that has not been shown. */
export function canTakeHint(snapshot: RunSnapshot, now: number): boolean {
  return snapshot.hints.some((h) => !h.shown && hintRemainingMs(h, snapshot.pagedAt, now) === 0);
}

export function elapsedSincePage(snapshot: RunSnapshot, now: number): number | null {
  if (!snapshot.pagedAt) return null;
  // A game's facilitator may stop the clock: paused time does not count (as in the score's time to mitigate).
  const end = snapshot.pausedSince ? Date.parse(snapshot.pausedSince) : snapshot.endedAt && snapshot.phase !== 'live' ? Date.parse(snapshot.endedAt) : now;
  return Math.max(0, end - Date.parse(snapshot.pagedAt) - (snapshot.pausedMs ?? 0));
}

/** When the incident was mitigated, in ms after the page: the resolution event, else the end of the run. */
export function resolvedAfterMs(snapshot: RunSnapshot): number | null {
  const event = snapshot.timeline.find((t) => t.kind === 'resolution' && t.sincePageMs !== null);
  if (event) return event.sincePageMs;
  if (snapshot.pagedAt && snapshot.endedAt) return Date.parse(snapshot.endedAt) - Date.parse(snapshot.pagedAt);
  return null;
}

export const ACTIVE_PHASES = new Set(['preparing', 'baseline', 'injecting', 'live', 'replaying']);
