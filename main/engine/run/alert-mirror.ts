/**
 * Mirrors the scenario's Alertmanager (its first `observability` entry of kind `alertmanager`) into the
 * run: the alerts as they stand, for the alerts panel, and `alert.fired` / `alert.resolved` in the log.
 */
import type { Sandbox } from '../../../sandbox/runtime.js';
import { fetchAlerts } from '../checks/alertmanager-check.js';
import type { EventLog } from '../events/event-log.js';
import type { Scenario } from '../scenario/schema.js';

export interface MirroredAlert {
  fingerprint: string;
  alertname: string;
  severity?: string;
  state: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  inhibitedBy: string[];
  silencedBy: string[];
}

const TIMEOUT_MS = 5000;

export class AlertMirror {
  /** The observability entry read, or null when the scenario has no Alertmanager. */
  readonly source: Scenario['observability'][number] | null;
  alerts: MirroredAlert[] = [];

  constructor(
    observability: Scenario['observability'],
    private readonly events: EventLog,
    private readonly fetchFn: typeof fetch,
  ) {
    this.source = observability.find((o) => o.kind === 'alertmanager') ?? null;
  }

  /** One poll. An Alertmanager that does not answer leaves the mirror as it was (no flapping events). */
  async poll(sandbox: Sandbox): Promise<void> {
    if (!this.source) return;
    let answer;
    try {
      answer = await fetchAlerts({ sandbox, fetch: this.fetchFn }, this.source, { timeoutMs: TIMEOUT_MS });
    } catch {
      return;
    }
    if (!answer.ok) return;
    const before = new Map(this.alerts.map((a) => [a.fingerprint, a]));
    this.alerts = answer.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      alertname: alert.labels.alertname ?? '(unnamed)',
      ...(alert.labels.severity ? { severity: alert.labels.severity } : {}),
      state: alert.status.state,
      labels: alert.labels,
      annotations: alert.annotations ?? {},
      startsAt: alert.startsAt,
      inhibitedBy: alert.status.inhibitedBy ?? [],
      silencedBy: alert.status.silencedBy ?? [],
    }));
    const now = new Set(this.alerts.map((a) => a.fingerprint));
    for (const alert of this.alerts) {
      if (!before.has(alert.fingerprint) && alert.state === 'active') {
        this.events.append({
          type: 'alert.fired',
          alertname: alert.alertname,
          ...(alert.severity ? { severity: alert.severity } : {}),
          fingerprint: alert.fingerprint,
          labels: alert.labels,
          startsAt: alert.startsAt,
        });
      }
    }
    for (const alert of before.values()) {
      if (!now.has(alert.fingerprint)) {
        this.events.append({ type: 'alert.resolved', alertname: alert.alertname, fingerprint: alert.fingerprint, labels: alert.labels });
      }
    }
  }
}
