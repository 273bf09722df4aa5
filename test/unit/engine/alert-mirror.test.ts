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
    expect(mirror.alerts.map((a) => a.alertname)).toEqual(['ErrorsHigh']);
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
    const fetchFn = (async () => {
      if (down) throw new Error('ECONNREFUSED');
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
