/**
 * A team's join token reaches only its own run, checked at the API (HTTP methods, files, both WebSockets),
 * not only in the UI: the real server (main/api/server.ts) with the access policy, over real HTTP and ws.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { methodNames, type ApiHandlers } from '../../../shared/api/contract.js';
import { asMember, refusal, typistOf, type Principal } from '../../../main/api/access.js';
import { SOCKET_REFUSED } from '../../../shared/api/terminal-protocol.js';
import { startApiServer, type ApiServer } from '../../../main/api/server.js';

const RED: Principal = { kind: 'team', teamId: 'red', runId: 'game-red', token: 'red-token-0123456789', hintsAllowed: false, members: ['alice', 'bob'] };
const BLUE: Principal = { kind: 'team', teamId: 'blue', runId: 'game-blue', token: 'blue-token-012345678', hintsAllowed: true, members: ['carol'] };

describe('team access at the API', () => {
  let server: ApiServer;
  const called: string[] = [];
  const socketMessages: Record<string, string[]> = { '/ws/events': [], '/ws/terminal': [] };
  /** Who the server said opened each terminal socket (typistOf its principal). */
  const typists: (string | null)[] = [];

  beforeAll(async () => {
    // Every handler answers what it was asked, so a test sees whether the call got through.
    const handlers = Object.fromEntries(
      methodNames.map((method) => [
        method,
        async (request: unknown) => {
          called.push(method);
          return method === 'app.info' ? { version: '0', host: 'web', serverUrl: 'x', token: 'OWNER', dataDir: '/d' } : { method, request };
        },
      ]),
    ) as unknown as ApiHandlers;
    server = await startApiServer({
      handlers,
      token: 'owner-token-0123456789',
      access: { resolve: (token) => [RED, BLUE].find((p) => p.kind === 'team' && p.token === token) ?? null },
      files: { open: async (runId) => ({ stream: Readable.from([`file of ${runId}`]), contentType: 'text/plain' }) },
      sockets: Object.fromEntries(
        Object.keys(socketMessages).map((path) => [
          path,
          (socket: WebSocket, principal: Principal) => {
            if (path === '/ws/terminal') typists.push(typistOf(principal));
            socket.on('message', (data) => {
              socketMessages[path]!.push(String(data));
              socket.send(JSON.stringify({ type: 'echo' }));
            });
          },
        ]),
      ),
    });
  });
  afterAll(async () => server?.close());

  const call = (token: string, method: string, body: unknown) =>
    fetch(`${server.url}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it("a team's token reaches its own run", async () => {
    const response = await call(RED.token, 'runs.get', { runId: 'game-red' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: 'runs.get', request: { runId: 'game-red' } });
    expect((await call(RED.token, 'terminals.open', { runId: 'game-red' })).status).toBe(200);
    expect((await call(RED.token, 'game.team', { runId: 'game-red' })).status).toBe(200);
  });

  it("a team's token cannot see another team's run, its terminals, or its game view", async () => {
    const before = called.length;
    for (const method of ['runs.get', 'terminals.open', 'postmortem.submit', 'reports.get', 'game.team']) {
      const response = await call(RED.token, method, { runId: 'game-blue', ...(method === 'postmortem.submit' ? { markdown: '# x' } : {}) });
      expect(response.status, method).toBe(403);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/team red may only reach its own run/);
    }
    expect(called.length).toBe(before);
  });

  it("a team's token cannot drive the game, list or start runs, or read history", async () => {
    const before = called.length;
    for (const [method, body] of [
      ['game.kill', {}],
      ['game.inject', { team: 'blue', target: 'flip' }],
      ['game.board', {}],
      ['game.broadcast', { message: 'hi' }],
      ['runs.start', { scenario: 'fixture' }],
      ['scenarios.list', {}],
      ['history.list', {}],
      ['runs.cancel', { runId: 'game-red' }],
      ['history.import', { filename: 'x.tar.gz', base64: 'AA==' }],
    ] as const) {
      expect((await call(RED.token, method, body)).status, method).toBe(403);
    }
    expect(called.length).toBe(before);
  });

  it('hints are refused for a team whose game does not allow them, allowed otherwise', async () => {
    expect((await call(RED.token, 'runs.takeHint', { runId: 'game-red' })).status).toBe(403);
    expect((await call(BLUE.token, 'runs.takeHint', { runId: 'game-blue' })).status).toBe(200);
  });

  it("the facilitator's token reaches everything; a wrong token nothing", async () => {
    expect((await call('owner-token-0123456789', 'game.kill', {})).status).toBe(200);
    expect((await call('owner-token-0123456789', 'runs.get', { runId: 'game-blue' })).status).toBe(200);
    expect((await call('not-a-token-012345678', 'runs.get', { runId: 'game-red' })).status).toBe(401);
  });

  it('app.info gives a team its own token, never the owner token', async () => {
    const info = (await (await call(RED.token, 'app.info', {})).json()) as { token: string };
    expect(info.token).toBe(RED.token);
  });

  it("session files of another team's run are refused", async () => {
    const own = await fetch(`${server.url}/files/game-red/bundle.tar.gz`, { headers: { Authorization: `Bearer ${RED.token}` } });
    expect(own.status).toBe(200);
    const other = await fetch(`${server.url}/files/game-blue/bundle.tar.gz`, { headers: { Authorization: `Bearer ${RED.token}` } });
    expect(other.status).toBe(403);
  });

  async function exchange(path: string, token: string, messages: unknown[]): Promise<unknown[]> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}?token=${token}`);
    const received: unknown[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    for (const message of messages) ws.send(JSON.stringify(message));
    const deadline = Date.now() + 5000;
    while (received.length < messages.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    ws.close();
    return received;
  }

  it("on the events socket a team cannot subscribe to another team's run", async () => {
    const received = await exchange('/ws/events', RED.token, [
      { type: 'subscribe', runId: 'game-blue' },
      { type: 'subscribe', runId: 'game-red' },
    ]);
    expect(received).toEqual([{ type: 'error', message: 'team red may only reach its own run' }, { type: 'echo' }]);
    expect(socketMessages['/ws/events']).toEqual([JSON.stringify({ type: 'subscribe', runId: 'game-red' })]);
  });

  it("on the terminal socket a team cannot attach to or type into another team's terminal", async () => {
    const received = await exchange('/ws/terminal', RED.token, [
      { type: 'attach', terminal: 'game-blue:1' },
      { type: 'stdin', terminal: 'game-blue:1', data: 'rm -rf /\r' },
      { type: 'attach', terminal: 'game-red:1' },
    ]);
    expect(received.slice(0, 2)).toEqual([
      { type: 'error', code: 'unknown-terminal', message: 'team red may only reach its own run' },
      { type: 'error', code: 'unknown-terminal', message: 'team red may only reach its own run' },
    ]);
    expect(socketMessages['/ws/terminal']).toEqual([JSON.stringify({ type: 'attach', terminal: 'game-red:1' })]);
  });

  it('the owner may subscribe to any run', async () => {
    const received = await exchange('/ws/events', 'owner-token-0123456789', [{ type: 'subscribe', runId: 'game-blue' }]);
    expect(received).toEqual([{ type: 'echo' }]);
  });

  it('refusal() is the single rule: methods without a run are refused to teams unless listed', () => {
    expect(refusal({ kind: 'owner' }, 'history.import', {})).toBeNull();
    expect(refusal(RED, 'app.info', {})).toBeNull();
    expect(refusal(RED, 'doctor.run', {})).toMatch(/cannot call doctor\.run/);
    expect(refusal(RED, 'observability.query', { runId: 'game-red', source: 'x', query: 'up' })).toBeNull();
  });

  it("a member names themself when joining: one of the team's members, or refused with the reason", async () => {
    // A call naming a member of another team (or nobody's name) is refused before any handler runs.
    const before = called.length;
    const refused = await fetch(`${server.url}/api/runs.get`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${RED.token}`, 'Content-Type': 'application/json', 'X-Firedrill-Member': 'carol' },
      body: JSON.stringify({ runId: 'game-red' }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('"carol" is not a member of team red (members: alice, bob)');
    expect(called.length).toBe(before);

    // On a socket: accepted, then closed with the refusal code and the reason (a browser cannot read a refused upgrade).
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/terminal?token=${RED.token}&member=mallory`);
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
      ws.once('error', reject);
    });
    expect(closed).toEqual({ code: SOCKET_REFUSED, reason: '"mallory" is not a member of team red (members: alice, bob)' });

    // A member of the team types as themself; a team socket naming nobody only watches; the owner is the facilitator.
    typists.length = 0;
    for (const query of [`token=${RED.token}&member=bob`, `token=${RED.token}`, 'token=owner-token-0123456789&member=alice']) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/terminal?${query}`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.close();
    }
    expect(typists).toEqual(['bob', null, 'facilitator']);
    expect(asMember(RED, 'alice')).toEqual({ principal: { ...RED, member: 'alice' } });
    expect(asMember(RED, null)).toEqual({ principal: RED });
  });
});
