import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import type { CheckRunner } from './types.js';

type AlertmanagerCheck = Extract<Check, { kind: 'alertmanager' }>;

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

/** Alertmanager's v2 API: only active, unsilenced, uninhibited alerts count as paging someone. */
export const runAlertmanagerCheck: CheckRunner<AlertmanagerCheck> = async (check, context) => {
  const { host, port } = context.sandbox.endpoint(check.service, check.port);
  const url = `http://${host}:${port}/api/v2/alerts?active=true&silenced=false&inhibited=false`;
  const response = await context.fetch(url, { signal: AbortSignal.timeout(toMs(check.timeout)) });
  if (!response.ok) return { pass: false, observed: `HTTP ${response.status}` };
  const alerts = (await response.json()) as AmAlert[];
  const matching = alerts.filter(
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
