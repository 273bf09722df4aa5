import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiHandlers } from '../../../shared/api/contract.js';
import { startApiServer, type ApiServer } from '../../../main/api/server.js';

const doctorReport = { ok: true, checks: [{ id: 'docker', title: 'Docker engine', status: 'pass' as const, detail: 'ok', fix: '' }] };

// Only the handlers this test calls are real; the rest must never be reached.
const handlers = new Proxy({ 'doctor.run': async () => doctorReport } as Partial<ApiHandlers>, {
  get: (target, key: string) => target[key as keyof ApiHandlers] ?? (async () => { throw new Error(`unexpected call ${key}`); }),
}) as ApiHandlers;

describe('web mode rejects every request and socket without the token', () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({ handlers, port: 0, sockets: { '/ws/events': (s) => s.close() } });
  });
  afterAll(() => server.close());

  it('binds to 127.0.0.1 with a random token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    expect(server.openUrl).toBe(`${server.url}/?token=${server.token}`);
  });

  it('answers 401 to an API call without the token', async () => {
    const response = await fetch(`${server.url}/api/doctor.run`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('answers 401 to a wrong token and to the UI page without one', async () => {
    const wrong = await fetch(`${server.url}/api/doctor.run`, { method: 'POST', body: '{}', headers: { Authorization: 'Bearer nope', 'Content-Type': 'application/json' } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${server.url}/`)).status).toBe(401);
  });

  it('returns the doctor result with the token', async () => {
    const response = await fetch(`${server.url}/api/doctor.run`, {
      method: 'POST',
      body: '{}',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(doctorReport);
  });

  it('answers 400 with a readable message to a malformed request', async () => {
    const response = await fetch(`${server.url}/api/runs.get`, {
      method: 'POST',
      body: JSON.stringify({ runId: 5 }),
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/runs\.get: runId/);
  });

  it('refuses a WebSocket without the token and accepts one with it', async () => {
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/events`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/events?token=${server.token}`);
      socket.on('open', () => resolve(true));
      socket.on('error', () => resolve(false));
    });
    expect(accepted).toBe(true);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/doctor.run', method: 'POST', headers: { Host: 'evil.example', Authorization: `Bearer ${server.token}` } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.end('{}');
    });
    expect(status).toBe(403);
  });
});
