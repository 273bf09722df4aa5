/**
 * Mirrors the scenario's pager (its first `observability` entry of kind `pager`: a webhook receiver that
 * counts the notifications Alertmanager sends) into the run: the page count for the alerts panel, and a
 * `pager.paged` event per page in the log, so the report can show pages over time.
 *
 * The pager's JSON (GET <path>): `{ pages: number, recent?: [{ seq, at, status, alerts: [{ alertname,
 * status }] }] }`; a page is a notification whose status is `firing`.
 */
import type { Sandbox } from '../../../sandbox/runtime.js';
import type { EventLog } from '../events/event-log.js';
import type { Scenario } from '../scenario/schema.js';

interface PagerNotification {
  seq: number;
  at?: string;
  status: string;
  alerts?: { alertname?: string; status?: string }[];
}

interface PagerAnswer {
  pages: number;
  recent?: PagerNotification[];
}

export interface PagerView {
  pages: number;
  recent: { seq: number; at: string | null; alertnames: string[] }[];
}

const TIMEOUT_MS = 5000;
const KEEP = 50;

export class PagerMirror {
  readonly source: Scenario['observability'][number] | null;
  view: PagerView | null = null;
  private lastSeq = 0;
  private lastCount = 0;

  constructor(
    observability: Scenario['observability'],
    private readonly events: EventLog,
    private readonly fetchFn: typeof fetch,
  ) {
    this.source = observability.find((o) => o.kind === 'pager') ?? null;
  }

  /** One poll. A pager that does not answer leaves the mirror as it was. */
  async poll(sandbox: Sandbox): Promise<void> {
    if (!this.source) return;
    let body: PagerAnswer;
    try {
      const { host, port } = await sandbox.endpoint(this.source.service, this.source.port);
      const response = await this.fetchFn(`http://${host}:${port}${this.source.path}`, {
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) return;
      body = (await response.json()) as PagerAnswer;
    } catch {
      return;
    }
    if (typeof body.pages !== 'number') return;
    const pages = (body.recent ?? [])
      .filter((n) => n.status === 'firing' && n.seq > this.lastSeq)
      .sort((a, b) => a.seq - b.seq);
    let total = this.lastCount;
    for (const page of pages) {
      total += 1;
      const alertnames = [
        ...new Set((page.alerts ?? []).filter((a) => a.status !== 'resolved').map((a) => a.alertname ?? '?')),
      ];
      this.events.append({
        type: 'pager.paged',
        total: Math.min(total, body.pages),
        alertnames,
        ...(page.at ? { at: page.at } : {}),
      });
    }
    // Pages the recent list no longer shows (or a pager without one) still count.
    if (body.pages > total) this.events.append({ type: 'pager.paged', total: body.pages, alertnames: [] });
    this.lastCount = Math.max(this.lastCount, body.pages);
    this.lastSeq = Math.max(this.lastSeq, ...(body.recent ?? []).map((n) => n.seq));
    const recent = (body.recent ?? [])
      .filter((n) => n.status === 'firing')
      .slice(-KEEP)
      .map((n) => ({
        seq: n.seq,
        at: n.at ?? null,
        alertnames: [
          ...new Set((n.alerts ?? []).filter((a) => a.status !== 'resolved').map((a) => a.alertname ?? '?')),
        ],
      }));
    this.view = { pages: body.pages, recent };
  }
}
