/**
 * The incident channel at the API's edge: a team's join token posts only to its own run (the real server with
 * the access policy, over HTTP), and the request's limits are checked before any handler runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames, parseRequest, type ApiHandlers } from '../../../shared/api/contract.js';
import { COMMS_LIMITS } from '../../../shared/api/comms.js';
import { refusal, type Principal } from '../../../main/api/access.js';
import { startApiServer, type ApiServer } from '../../../main/api/server.js';

const RED: Principal = { kind: 'team', teamId: 'red', runId: 'game-red', token: 'red-token-0123456789', hintsAllowed: true, members: ['alice', 'bob'] };
const BLUE: Principal = { kind: 'team', teamId: 'blue', runId: 'game-blue', token: 'blue-token-012345678', hintsAllowed: true, members: ['carol'] };
const OWNER = 'owner-token-0123456789';

describe('posting in the incident channel, at the API', () => {
  let server: ApiServer;
  const posted: unknown[] = [];

  beforeAll(async () => {
    const handlers = Object.fromEntries(
      methodNames.map((method) => [
        method,
        async (request: unknown) => {
          if (method === 'comms.post') posted.push(request);
          return { method };
        },
      ]),
    ) as unknown as ApiHandlers;
    server = await startApiServer({
      handlers,
      token: OWNER,
      access: { resolve: (token) => [RED, BLUE].find((p) => p.kind === 'team' && p.token === token) ?? null },
    });
  });
  afterAll(async () => server?.close());

  const post = (token: string, body: unknown) =>
    fetch(`${server.url}/api/comms.post`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it("a team posts to its own run, never to another team's", async () => {
    expect((await post(RED.token, { runId: 'game-red', author: 'alice', message: 'Checkout is down, investigating' })).status).toBe(200);
    const other = await post(RED.token, { runId: 'game-blue', author: 'alice', message: 'Blue team, your database is fine' });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { message: string } }).error.message).toMatch(/team red may only reach its own run/);
    expect(posted).toEqual([{ runId: 'game-red', author: 'alice', message: 'Checkout is down, investigating' }]);
  });

  it("a team reads who may sign its own channel, not another team's", async () => {
    const ask = (runId: string) =>
      fetch(`${server.url}/api/comms.channel`, { method: 'POST', headers: { Authorization: `Bearer ${RED.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ runId }) });
    expect((await ask('game-red')).status).toBe(200);
    expect((await ask('game-blue')).status).toBe(403);
  });

  it("the facilitator's token may post to any run (it is the owner's)", async () => {
    expect((await post(OWNER, { runId: 'game-blue', message: 'Facilitator test post, ignore this' })).status).toBe(200);
  });

  it('the access rule itself: comms.post is a team method scoped to its run', () => {
    expect(refusal(RED, 'comms.post', { runId: 'game-red', message: 'x' })).toBeNull();
    expect(refusal(RED, 'comms.post', { runId: 'game-blue', message: 'x' })).toMatch(/own run/);
    expect(refusal(RED, 'comms.post', { message: 'no run named' })).toMatch(/own run/);
    // A member who named themself (shared terminals' identity) signs as themself, or leaves the author out.
    const alice: Principal = { ...RED, member: 'alice' } as Principal;
    expect(refusal(alice, 'comms.post', { runId: 'game-red', author: 'alice', message: 'x' })).toBeNull();
    expect(refusal(alice, 'comms.post', { runId: 'game-red', message: 'x' })).toBeNull();
    expect(refusal(alice, 'comms.post', { runId: 'game-red', author: 'bob', message: 'x' })).toBe('you joined team red as alice: post as alice');
  });

  it('refuses empty and oversized text, naming the limit', async () => {
    const before = posted.length;
    const empty = await post(RED.token, { runId: 'game-red', message: '   ' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(/message: a status update needs a message/);
    const long = await post(RED.token, { runId: 'game-red', message: 'x'.repeat(COMMS_LIMITS.messageChars + 1) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { message: string } }).error.message).toMatch(/at most 1000 characters/);
    expect(posted.length).toBe(before);
    expect(() => parseRequest('comms.post', { runId: 'r', message: 'ok then', author: 'a'.repeat(81) })).toThrow(/author: an author name is at most 80/);
  });
});
