/**
 * A game team's shared terminal on a real bastion container, through the real API server: two members of
 * the team join with the team's token and their names, both watch one pty; the one holding the keyboard
 * types (her command is captured with `by`), the other's keystrokes are refused and never reach the shell,
 * and her disconnect frees the keyboard for him. A name the team does not have is refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiHandlers } from '../../../shared/api/contract.js';
import { SOCKET_REFUSED, type ServerMessage } from '../../../shared/api/terminal-protocol.js';
import { typistOf, type Principal } from '../../../main/api/access.js';
import { startApiServer, type ApiServer } from '../../../main/api/server.js';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { TerminalRegistry } from '../../../main/terminal/registry.js';
import type { TerminalSession } from '../../../main/terminal/session.js';
import { serveTerminalSocket } from '../../../main/terminal/socket.js';
import { describeDocker } from '../../helpers/docker-gate.js';
import { startBastion, waitUntil, type BastionContainer } from './bastion-container.js';

const TEAM_TOKEN = 'red-team-token-0123456789';

describeDocker("a game team's shared terminal (real pty, real server)", () => {
  let bastion: BastionContainer;
  let registry: TerminalRegistry;
  let session: TerminalSession;
  let events: EventLog;
  let server: ApiServer;
  let terminal = '';
  const commands: { command: string; by?: string }[] = [];

  beforeAll(async () => {
    bastion = await startBastion('shared');
    const team: Principal = { kind: 'team', teamId: 'red', runId: bastion.runId, token: TEAM_TOKEN, hintsAllowed: true, members: ['alice', 'bob'] };
    events = new EventLog(join(mkdtempSync(join(tmpdir(), 'firedrill-shared-')), 'events.jsonl'));
    registry = new TerminalRegistry();
    const n = registry.open({ runId: bastion.runId, service: 'bastion', shell: bastion.shell, events, cols: 100, rows: 30, shared: true });
    session = registry.get(bastion.runId, n)!;
    terminal = session.id;
    session.onCommand((c) => commands.push(c));
    server = await startApiServer({
      // No API call is made here: the sockets are what this test is about.
      handlers: {} as ApiHandlers,
      access: { resolve: (token) => (token === TEAM_TOKEN ? team : null) },
      sockets: { '/ws/terminal': (socket, principal) => serveTerminalSocket(socket, registry, { member: typistOf(principal) }) },
    });
  });

  afterAll(async () => {
    await registry?.closeAll();
    events?.close();
    await server?.close();
    await bastion?.remove();
  });

  async function joinAs(member: string) {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/terminal?token=${TEAM_TOKEN}&member=${member}`);
    const inbox: ServerMessage[] = [];
    ws.on('message', (raw) => inbox.push(JSON.parse(String(raw)) as ServerMessage));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const send = (message: object) => ws.send(JSON.stringify(message));
    const screen = () => inbox.flatMap((m) => (m.type === 'stdout' ? [m.data] : [])).join('');
    const holders = () => inbox.flatMap((m) => (m.type === 'keyboard' ? [m.holder] : []));
    send({ type: 'attach', terminal });
    return { ws, inbox, send, screen, holders };
  }

  it('the holder types and is credited, the watcher is refused, a disconnect frees the keyboard', async () => {
    const alice = await joinAs('alice');
    const bob = await joinAs('bob');
    await waitUntil('the prompt on both screens', () => alice.screen().includes('# ') && bob.screen().includes('# '));
    expect(alice.inbox.find((m) => m.type === 'keyboard')).toEqual({ type: 'keyboard', terminal, holder: null, you: 'alice' });
    expect(bob.inbox.find((m) => m.type === 'keyboard')).toEqual({ type: 'keyboard', terminal, holder: null, you: 'bob' });

    // Alice types first: she takes the keyboard, both see it, her command is hers.
    alice.send({ type: 'stdin', terminal, data: 'echo shared-$((6*7))\r' });
    await waitUntil("alice's command to be recorded", () => commands.length >= 1);
    await waitUntil('both to see the output', () => alice.screen().includes('shared-42') && bob.screen().includes('shared-42'));
    expect(bob.holders()).toEqual([null, 'alice']);

    // Bob only watches: his keystrokes are refused and the shell never sees them.
    bob.send({ type: 'stdin', terminal, data: 'echo bob-was-here\r' });
    await waitUntil('the refusal', () => bob.inbox.some((m) => m.type === 'error'));
    expect(bob.inbox.find((m) => m.type === 'error')).toEqual({ type: 'error', terminal, code: 'not-holder', message: 'alice has the keyboard: take it over to type' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alice.screen()).not.toContain('bob-was-here');

    // Alice leaves: the keyboard is free, Bob takes it by typing.
    alice.ws.close();
    await waitUntil('the keyboard freed', () => bob.holders().at(-1) === null && bob.holders().length === 3);
    bob.send({ type: 'stdin', terminal, data: 'hostname\r' });
    await waitUntil("bob's command to be recorded", () => commands.length >= 2);
    bob.ws.close();
    await waitUntil('bob to leave', () => session.keyboard?.holder === null);

    expect(commands.map((c) => [c.command, c.by])).toEqual([
      ['echo shared-$((6*7))', 'alice'],
      ['hostname', 'bob'],
    ]);
    const log = readEvents(events.path).events;
    expect(log.flatMap((e) => (e.type === 'terminal.keyboard' ? [e.holder] : []))).toEqual(['alice', null, 'bob', null]);
    expect(log.flatMap((e) => (e.type === 'command' ? [[e.command, e.by]] : []))).toEqual([
      ['echo shared-$((6*7))', 'alice'],
      ['hostname', 'bob'],
    ]);
  });

  it('a name the team does not have is refused before it can attach', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/terminal?token=${TEAM_TOKEN}&member=mallory`);
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
      ws.once('error', reject);
    });
    expect(closed).toEqual({ code: SOCKET_REFUSED, reason: '"mallory" is not a member of team red (members: alice, bob)' });
  });
});
