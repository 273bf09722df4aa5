import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiHandlers } from '../../../shared/api/contract.js';
import { startApiServer, type ApiServer } from '../../../main/api/server.js';

const calls: string[] = [];
const handlers = new Proxy({} as Partial<ApiHandlers>, {
  get: (_target, key: string) => async () => {
    calls.push(key);
    return key === 'runs.abandon' ? { aborted: true } : [];
  },
}) as ApiHandlers;

interface Reply {
  status: number;
  body: string;
  setCookie: string[];
}

function send(server: ApiServer, path: string, headers: Record<string, string>, body = '{}', method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => resolve(0));
  });
}

// A page on another site (or another local port) must not drive the API with the browser's cookie.
describe('web mode accepts state changes and sockets only from its own origin', () => {
  let server: ApiServer;
  let cookie: string;
  let own: string;
  beforeAll(async () => {
    server = await startApiServer({ handlers, port: 0, sockets: { '/ws/events': (s) => s.close() } });
    own = `http://127.0.0.1:${server.port}`;
    // The cookie a browser holds after opening the printed URL.
    const page = await send(server, `/?token=${server.token}`, {}, '', 'GET');
    cookie = page.setCookie[0]!.split(';')[0]!;
  });
  afterAll(() => server.close());

  it('names the cookie after the port, so other local servers neither get nor overwrite it', () => {
    expect(cookie).toBe(`firedrill_token_${server.port}=${server.token}`);
  });

  it('refuses an evil-origin POST with a text/plain body and the cookie', async () => {
    calls.length = 0;
    const reply = await send(server, '/api/history.list', { Origin: 'http://evil.example', 'Content-Type': 'text/plain', Cookie: cookie });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error.message).toMatch(/"http:\/\/evil\.example" are refused/);
    expect(calls).toEqual([]);
  });

  it('refuses an evil-origin POST even with a JSON body', async () => {
    const reply = await send(server, '/api/history.list', { Origin: 'http://evil.example', 'Content-Type': 'application/json', Cookie: cookie });
    expect(reply.status).toBe(403);
  });

  it('refuses a page on another local port (same site, other origin) that the cookie would reach', async () => {
    const reply = await send(server, '/api/history.list', { Origin: 'http://127.0.0.1:3000', 'Content-Type': 'application/json', Cookie: cookie });
    expect(reply.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('refuses a cookie-only POST without an Origin header', async () => {
    const reply = await send(server, '/api/history.list', { 'Content-Type': 'application/json', Cookie: cookie });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error.message).toMatch(/Authorization header/);
  });

  it('refuses a same-origin POST whose body is not declared JSON', async () => {
    const reply = await send(server, '/api/history.list', { Origin: own, 'Content-Type': 'text/plain', Cookie: cookie });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body).error.message).toMatch(/Content-Type: application\/json/);
    const none = await send(server, '/api/history.list', { Authorization: `Bearer ${server.token}` });
    expect(none.status).toBe(415);
    expect(calls).toEqual([]);
  });

  it('accepts the same-origin page with its cookie, on 127.0.0.1 and on localhost', async () => {
    const reply = await send(server, '/api/history.list', { Origin: own, 'Content-Type': 'application/json', Cookie: cookie });
    expect(reply.status).toBe(200);
    const local = await send(server, '/api/history.list', {
      Host: `localhost:${server.port}`,
      Origin: `http://localhost:${server.port}`,
      'Content-Type': 'application/json; charset=utf-8',
      Cookie: cookie,
    });
    expect(local.status).toBe(200);
    expect(calls).toEqual(['history.list', 'history.list']);
  });

  it('accepts a bearer-token client without an Origin (not a browser: no ambient credential)', async () => {
    const reply = await send(server, '/api/history.list', { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' });
    expect(reply.status).toBe(200);
  });

  it('refuses a WebSocket upgrade from a foreign origin, even with the token', async () => {
    const ws = `ws://127.0.0.1:${server.port}/ws/events?token=${server.token}`;
    expect(await upgrade(ws, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(ws, { Origin: 'http://127.0.0.1:3000' })).toBe(403);
  });

  it('refuses a WebSocket that brings only the cookie, and accepts its own origin with the token', async () => {
    const bare = `ws://127.0.0.1:${server.port}/ws/events`;
    expect(await upgrade(bare, { Origin: own, Cookie: cookie })).toBe(401);
    expect(await upgrade(`${bare}?token=${server.token}`, { Origin: own })).toBe(101);
  });

  it('lets the Electron window (file:// page) open sockets only where the host allows that origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/ws/events?token=${server.token}`;
    expect(await upgrade(ws, { Origin: 'file://' })).toBe(403);
    const electron = await startApiServer({ handlers, port: 0, socketOrigins: ['file://'], sockets: { '/ws/events': (s) => s.close() } });
    try {
      expect(await upgrade(`ws://127.0.0.1:${electron.port}/ws/events?token=${electron.token}`, { Origin: 'file://' })).toBe(101);
    } finally {
      await electron.close();
    }
  });

  it('answers 413 with the limit to a body larger than any API call', async () => {
    const big = 'x'.repeat(45 * 1024 * 1024);
    const reply = await send(server, '/api/history.import', { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, big);
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.message).toMatch(/larger than 43\.7 MB/);
  });
});
