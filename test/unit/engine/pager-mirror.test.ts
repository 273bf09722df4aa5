import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { PagerMirror } from '../../../main/engine/run/pager-mirror.js';
import { observabilitySchema } from '../../../main/engine/scenario/schema.js';
import type { Sandbox } from '../../../sandbox/runtime.js';

const page = (seq: number, status: string, ...alertnames: string[]) => ({
  seq,
  at: `2026-01-01T02:1${seq}:00Z`,
  status,
  alerts: alertnames.map((alertname) => ({ alertname, status })),
});

describe('the pager mirror', () => {
  it('logs one pager.paged per firing notification, counts them, and ignores resolved ones', async () => {
    const log = new EventLog(join(mkdtempSync(join(tmpdir(), 'fd-pager-')), 'events.jsonl'));
    const answers = [
      { pages: 1, recent: [page(1, 'firing', 'PostgreSQLTooManyConnections')] },
      {
        pages: 1,
        recent: [
          page(1, 'firing', 'PostgreSQLTooManyConnections'),
          page(2, 'resolved', 'PostgreSQLTooManyConnections'),
        ],
      },
      {
        pages: 3,
        recent: [
          page(1, 'firing', 'A'),
          page(2, 'resolved', 'A'),
          page(3, 'firing', 'B', 'C'),
          page(4, 'firing', 'D'),
        ],
      },
    ];
    const urls: string[] = [];
    const fetchFn = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify(answers.shift()), { status: 200 });
    }) as typeof fetch;
    const sandbox = { endpoint: async () => ({ host: '127.0.0.1', port: 19095 }) } as unknown as Sandbox;
    const mirror = new PagerMirror(
      [
        observabilitySchema.parse({
          id: 'pager',
          kind: 'pager',
          service: 'pager',
          port: 9095,
          path: '/api/pages',
        }),
      ],
      log,
      fetchFn,
    );
    for (let i = 0; i < 3; i++) await mirror.poll(sandbox);
    expect(urls[0]).toBe('http://127.0.0.1:19095/api/pages');
    const paged = readEvents(log.path).events.filter((e) => e.type === 'pager.paged');
    expect(
      paged.map((e) => [
        (e as { total: number }).total,
        (e as { alertnames: string[] }).alertnames.join('+'),
      ]),
    ).toEqual([
      [1, 'PostgreSQLTooManyConnections'],
      [2, 'B+C'],
      [3, 'D'],
    ]);
    expect(mirror.view?.pages).toBe(3);
    expect(mirror.view?.recent.map((r) => r.seq)).toEqual([1, 3, 4]);
  });

  it('does nothing without a pager, and keeps its view when the pager does not answer', async () => {
    const log = new EventLog(join(mkdtempSync(join(tmpdir(), 'fd-pager-')), 'events.jsonl'));
    const none = new PagerMirror([], log, (async () => new Response('{}')) as typeof fetch);
    expect(none.source).toBeNull();
    let down = false;
    const mirror = new PagerMirror(
      [observabilitySchema.parse({ id: 'p', kind: 'pager', service: 'pager', port: 9095 })],
      log,
      (async () => {
        if (down) throw new Error('ECONNREFUSED');
        return new Response(JSON.stringify({ pages: 2 }), { status: 200 });
      }) as typeof fetch,
    );
    const sandbox = { endpoint: async () => ({ host: '127.0.0.1', port: 1 }) } as unknown as Sandbox;
    await mirror.poll(sandbox);
    down = true;
    await mirror.poll(sandbox);
    expect(mirror.view?.pages).toBe(2);
    // A pager without a recent list still counts: one event carries the total.
    expect(readEvents(log.path).events.filter((e) => e.type === 'pager.paged')).toHaveLength(1);
  });
});
