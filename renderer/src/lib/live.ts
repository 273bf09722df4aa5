/** Pure helpers for the live view (tested without a DOM). */
import type { AlertView, HintView, RunSnapshot } from '../../../shared/api/contract';

export interface AlertGroup {
  alertname: string;
  alerts: AlertView[];
  /** Active, neither inhibited nor silenced: what would page someone. */
  firing: number;
  severity: string | undefined;
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, error: 1, warning: 2, info: 3 };

export function isMuted(alert: AlertView): boolean {
  return alert.inhibitedBy.length > 0 || alert.silencedBy.length > 0 || alert.state === 'suppressed';
}

/** Groups alerts by alertname; loudest groups (firing, most severe) first. */
export function groupAlerts(alerts: readonly AlertView[]): AlertGroup[] {
  const groups = new Map<string, AlertView[]>();
  for (const alert of alerts) {
    const list = groups.get(alert.alertname) ?? [];
    list.push(alert);
    groups.set(alert.alertname, list);
  }
  const rank = (s: string | undefined) => SEVERITY_RANK[s ?? ''] ?? 9;
  return [...groups.entries()]
    .map(([alertname, list]) => {
      const sorted = [...list].sort((a, b) => Number(isMuted(a)) - Number(isMuted(b)) || a.startsAt.localeCompare(b.startsAt));
      const severity = [...list].map((a) => a.severity).sort((a, b) => rank(a) - rank(b))[0];
      return { alertname, alerts: sorted, firing: list.filter((a) => !isMuted(a) && a.state !== 'resolved').length, severity };
    })
    .sort((a, b) => Number(b.firing > 0) - Number(a.firing > 0) || rank(a.severity) - rank(b.severity) || a.alertname.localeCompare(b.alertname));
}

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
  const end = snapshot.endedAt && snapshot.phase !== 'live' ? Date.parse(snapshot.endedAt) : now;
  return end - Date.parse(snapshot.pagedAt);
}

/** When the incident was mitigated, in ms after the page: the resolution event, else the end of the run. */
export function resolvedAfterMs(snapshot: RunSnapshot): number | null {
  const event = snapshot.timeline.find((t) => t.kind === 'resolution' && t.sincePageMs !== null);
  if (event) return event.sincePageMs;
  if (snapshot.pagedAt && snapshot.endedAt) return Date.parse(snapshot.endedAt) - Date.parse(snapshot.pagedAt);
  return null;
}

export const ACTIVE_PHASES = new Set(['preparing', 'baseline', 'injecting', 'live']);
