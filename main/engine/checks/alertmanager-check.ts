/**
 * Alertmanager, the one client: the `alertmanager` check kind and the run's alert mirror both read
 * alerts through `fetchAlerts`.
 */
import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import type { CheckContext, CheckRunner } from './types.js';

type AlertmanagerCheck = Extract<Check, { kind: 'alertmanager' }>;

/** An alert as Alertmanager's v2 API returns it (the fields we read). */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
  receivers?: { name: string }[];
}

/** A notification group as `GET /api/v2/alerts/groups` returns it (the fields we read). */
export interface AmGroup {
  labels: Record<string, string>;
  receiver?: { name: string };
  alerts: { fingerprint: string }[];
}

/** `GET /api/v2/alerts/groups`: which group (group_by labels) each alert is notified in. */
export async function fetchAlertGroups(
  context: Pick<CheckContext, 'sandbox' | 'fetch'>,
  target: { service: string; port: number },
  options: { timeoutMs: number },
): Promise<AmGroup[] | null> {
  const { host, port } = await context.sandbox.endpoint(target.service, target.port);
  const response = await context.fetch(`http://${host}:${port}/api/v2/alerts/groups`, { signal: AbortSignal.timeout(options.timeoutMs) });
  if (!response.ok) return null;
  return (await response.json()) as AmGroup[];
}

export type AlertsAnswer = { ok: true; alerts: AmAlert[] } | { ok: false; status: number };

/**
 * `GET /api/v2/alerts` on a service's published port. `paging` keeps only what would page someone:
 * active, unsilenced, uninhibited alerts.
 */
export async function fetchAlerts(
  context: Pick<CheckContext, 'sandbox' | 'fetch'>,
  target: { service: string; port: number },
  options: { paging?: boolean; timeoutMs: number },
): Promise<AlertsAnswer> {
  const { host, port } = await context.sandbox.endpoint(target.service, target.port);
  const query = options.paging ? '?active=true&silenced=false&inhibited=false' : '';
  const response = await context.fetch(`http://${host}:${port}/api/v2/alerts${query}`, { signal: AbortSignal.timeout(options.timeoutMs) });
  if (!response.ok) return { ok: false, status: response.status };
  return { ok: true, alerts: (await response.json()) as AmAlert[] };
}

/** Only active, unsilenced, uninhibited alerts count as paging someone. */
export const runAlertmanagerCheck: CheckRunner<AlertmanagerCheck> = async (check, context) => {
  const answer = await fetchAlerts(context, check, { paging: true, timeoutMs: toMs(check.timeout) });
  if (!answer.ok) return { pass: false, observed: `HTTP ${answer.status}` };
  const matching = answer.alerts.filter(
    (alert) =>
      alert.labels.alertname === check.alertname &&
      Object.entries(check.labels).every(([key, value]) => alert.labels[key] === value),
  );
  const firing = matching.length > 0;
  return {
    pass: check.state === 'firing' ? firing : !firing,
    observed: firing ? `${check.alertname} firing` : `${check.alertname} not firing`,
  };
};
