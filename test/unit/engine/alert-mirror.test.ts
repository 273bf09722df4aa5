import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { AlertMirror } from '../../../main/engine/run/alert-mirror.js';
import { observabilitySchema } from '../../../main/engine/scenario/schema.js';
import type { Sandbox } from '../../../sandbox/runtime.js';

const alert = (fingerprint: string, alertname: string, state = 'active') => ({
  fingerprint,
  labels: { alertname, severity: 'page' },
  annotations: {},
  startsAt: '2026-01-01T00:00:00Z',
  status: { state, inhibitedBy: [], silencedBy: [] },
});

describe('the alert mirror', () => {
  it('reads the first alertmanager endpoint and logs alerts that start and stop firing', async () => {
    const log = new EventLog(join(mkdtempSync(join(tmpdir(), 'fd-alerts-')), 'events.jsonl'));
    const answers = [[alert('a', 'CheckoutLatencyHigh')], [alert('a', 'CheckoutLatencyHigh'), alert('b', 'ErrorsHigh')], [alert('b', 'ErrorsHigh')]];
    const urls: string[] = [];
    const fetchFn = (async (url: string) => {
      urls.push(url);
      if (url.endsWith('/groups')) return new Response(JSON.stringify([{ labels: { alertname: 'ErrorsHigh' }, alerts: [{ fingerprint: 'b' }] }]), { status: 200 });
      return new Response(JSON.stringify(answers.shift() ?? []), { status: 200 });
    }) as typeof fetch;
    const sandbox = { endpoint: async (service: string, port: number) => ({ host: '127.0.0.1', port: port + (service === 'am' ? 1 : 0) }) } as unknown as Sandbox;
    const observability = [
      observabilitySchema.parse({ id: 'prom', kind: 'prometheus', service: 'prometheus', port: 9090 }),
      observabilitySchema.parse({ id: 'alerts', kind: 'alertmanager', service: 'am', port: 9093 }),
    ];
    const mirror = new AlertMirror(observability, log, fetchFn);
    expect(mirror.source?.id).toBe('alerts');
    for (let i = 0; i < 3; i++) await mirror.poll(sandbox);
    expect(urls[0]).toBe('http://127.0.0.1:9094/api/v2/alerts');
    // Resolved alerts stay in the mirror, marked resolved; active ones carry their notification group.
    expect(mirror.alerts.map((a) => `${a.alertname} ${a.state}`)).toEqual(['ErrorsHigh active', 'CheckoutLatencyHigh resolved']);
    expect(mirror.alerts[0]?.group).toBe('alertname="ErrorsHigh"');
    expect(mirror.alerts[1]?.endsAt).toBeDefined();
    const logged = readEvents(log.path).events;
    expect(logged.map((e) => `${e.type} ${'alertname' in e ? e.alertname : ''}`)).toEqual([
      'alert.fired CheckoutLatencyHigh',
      'alert.fired ErrorsHigh',
      'alert.resolved CheckoutLatencyHigh',
    ]);
  });

  it('keeps what it had when Alertmanager does not answer', async () => {
    const log = new EventLog(join(mkdtempSync(join(tmpdir(), 'fd-alerts-')), 'events.jsonl'));
    let down = false;
    const fetchFn = (async (url: string) => {
      if (down) throw new Error('ECONNREFUSED');
      if (url.endsWith('/groups')) return new Response('[]', { status: 200 });
      return new Response(JSON.stringify([alert('a', 'X')]), { status: 200 });
    }) as typeof fetch;
    const sandbox = { endpoint: async () => ({ host: '127.0.0.1', port: 1 }) } as unknown as Sandbox;
    const mirror = new AlertMirror([observabilitySchema.parse({ id: 'am', kind: 'alertmanager', service: 'am', port: 9093 })], log, fetchFn);
    await mirror.poll(sandbox);
    down = true;
    await mirror.poll(sandbox);
    expect(mirror.alerts).toHaveLength(1);
  });
});
