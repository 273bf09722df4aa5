/**
 * Mirrors the scenario's Alertmanager (its first `observability` entry of kind `alertmanager`) into the
 * run: the alerts as they stand, with their notification group, plus the ones that resolved (kept, marked
 * `resolved`), for the alerts panel; and `alert.fired` / `alert.resolved` in the log.
 */
import type { Sandbox } from '../../../sandbox/runtime.js';
import { fetchAlertGroups, fetchAlerts } from '../checks/alertmanager-check.js';
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
  endsAt?: string;
  group?: string;
  receivers?: string[];
}

const TIMEOUT_MS = 5000;
/** Resolved alerts kept for the panel (the newest). */
const KEEP_RESOLVED = 100;

/** `alertname="X", service="y"`: a group's labels as Alertmanager prints a group key. */
function groupText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
}

export class AlertMirror {
  /** The observability entry read, or null when the scenario has no Alertmanager. */
  readonly source: Scenario['observability'][number] | null;
  alerts: MirroredAlert[] = [];

  constructor(
    observability: Scenario['observability'],
    private readonly events: EventLog,
    private readonly fetchFn: typeof fetch,
    private readonly now: () => Date = () => new Date(),
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
    // Groups are a nicety: without them the panel groups by alertname.
    const groups = await fetchAlertGroups({ sandbox, fetch: this.fetchFn }, this.source, { timeoutMs: TIMEOUT_MS }).catch(() => null);
    const groupOf = new Map<string, string>();
    for (const group of groups ?? []) for (const alert of group.alerts) groupOf.set(alert.fingerprint, groupText(group.labels));
    const previous = this.alerts.filter((a) => a.state !== 'resolved');
    const before = new Map(previous.map((a) => [a.fingerprint, a]));
    const current: MirroredAlert[] = answer.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      alertname: alert.labels.alertname ?? '(unnamed)',
      ...(alert.labels.severity ? { severity: alert.labels.severity } : {}),
      state: alert.status.state,
      labels: alert.labels,
      annotations: alert.annotations ?? {},
      startsAt: alert.startsAt,
      inhibitedBy: alert.status.inhibitedBy ?? [],
      silencedBy: alert.status.silencedBy ?? [],
      ...(groupOf.has(alert.fingerprint) ? { group: groupOf.get(alert.fingerprint)! } : {}),
      ...(alert.receivers ? { receivers: alert.receivers.map((r) => r.name) } : {}),
    }));
    const now = new Set(current.map((a) => a.fingerprint));
    const resolvedNow = previous.filter((a) => !now.has(a.fingerprint)).map((a) => ({ ...a, state: 'resolved', endsAt: this.now().toISOString() }));
    // A fingerprint that fires again replaces its resolved entry.
    const resolved = [...this.alerts.filter((a) => a.state === 'resolved' && !now.has(a.fingerprint)), ...resolvedNow].slice(-KEEP_RESOLVED);
    this.alerts = [...current, ...resolved];
    for (const alert of current) {
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
    for (const alert of resolvedNow) {
      this.events.append({ type: 'alert.resolved', alertname: alert.alertname, fingerprint: alert.fingerprint, labels: alert.labels });
    }
  }
}
