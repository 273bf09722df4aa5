/** Pure helpers for the alerts panel (tested without a DOM). */
import type { AlertView } from '../../../shared/api/contract';

/** What an alert does to the on-call now. */
export type AlertStatus = 'firing' | 'inhibited' | 'silenced' | 'pending' | 'resolved';

export function alertStatus(alert: AlertView): AlertStatus {
  if (alert.state === 'resolved') return 'resolved';
  if (alert.silencedBy.length > 0) return 'silenced';
  if (alert.inhibitedBy.length > 0 || alert.state === 'suppressed') return 'inhibited';
  if (alert.state === 'unprocessed') return 'pending';
  return 'firing';
}

export type AlertCounts = Record<AlertStatus, number>;

export function countAlerts(alerts: readonly AlertView[]): AlertCounts {
  const counts: AlertCounts = { firing: 0, inhibited: 0, silenced: 0, pending: 0, resolved: 0 };
  for (const alert of alerts) counts[alertStatus(alert)] += 1;
  return counts;
}

/** Oldest first: the first alert of a storm is usually nearest its cause. Ties by name. */
export function byStart(alerts: readonly AlertView[]): AlertView[] {
  return [...alerts].sort(
    (a, b) => a.startsAt.localeCompare(b.startsAt) || a.alertname.localeCompare(b.alertname),
  );
}

/** The alertnames of the alerts that inhibit this one (Alertmanager gives fingerprints). */
export function inhibitedByNames(alert: AlertView, all: readonly AlertView[]): string[] {
  const byFingerprint = new Map(all.map((a) => [a.fingerprint, a.alertname]));
  return [...new Set(alert.inhibitedBy.map((fp) => byFingerprint.get(fp) ?? fp.slice(0, 8)))];
}

export interface NotificationGroup {
  /** The group's labels as Alertmanager keys it (`alertname="X", service="y"`), or the alertname. */
  key: string;
  alerts: AlertView[];
  /** Alerts of the group that would page now. */
  firing: number;
  /** The earliest start in the group. */
  startsAt: string;
}

/**
 * Alerts by the notification group Alertmanager puts them in (its route's group_by): one group is one
 * notification, so the number of groups with a firing alert is roughly the number of pages. Groups with
 * something firing first, then by their first start.
 */
export function notificationGroups(alerts: readonly AlertView[]): NotificationGroup[] {
  const groups = new Map<string, AlertView[]>();
  for (const alert of alerts) {
    const key = alert.group || `alertname="${alert.alertname}"`;
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      const sorted = byStart(list);
      return {
        key,
        alerts: sorted,
        firing: list.filter((a) => alertStatus(a) === 'firing').length,
        startsAt: sorted[0]!.startsAt,
      };
    })
    .sort(
      (a, b) =>
        Number(b.firing > 0) - Number(a.firing > 0) ||
        a.startsAt.localeCompare(b.startsAt) ||
        a.key.localeCompare(b.key),
    );
}

/** Labels worth showing on a line (not the ones the line already says). */
export function labelText(alert: AlertView): string {
  return Object.entries(alert.labels)
    .filter(([key]) => key !== 'alertname' && key !== 'severity')
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
