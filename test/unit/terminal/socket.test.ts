import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerMessage } from '../../../shared/api/terminal-protocol.js';
import { EventLog } from '../../../main/engine/events/event-log.js';
import type { PtyProcess, PtySpawn } from '../../../main/terminal/pty.js';
import { TerminalRegistry } from '../../../main/terminal/registry.js';
import { serveTerminalSocket } from '../../../main/terminal/socket.js';
import { decodeLabAnswer } from '../../../main/terminal/lab.js';

/** A pty that records input and lets the test emit output. */
class FakePty implements PtyProcess {
  pid = 4242;
  input = '';
  size = { cols: 80, rows: 24 };
  private data = new Set<(d: string) => void>();
  private exit = new Set<(e: { exitCode: number }) => void>();
  onData(l: (d: string) => void) {
    this.data.add(l);
    return { dispose: () => this.data.delete(l) };
  }
  onExit(l: (e: { exitCode: number }) => void) {
    this.exit.add(l);
    return { dispose: () => this.exit.delete(l) };
  }
  write(d: string) {
    this.input += d;
  }
  resize(cols: number, rows: number) {
    this.size = { cols, rows };
  }
  kill() {
    this.end(129);
  }
  emit(d: string) {
    for (const l of this.data) l(d);
  }
  end(code: number) {
    for (const l of this.exit) l({ exitCode: code });
  }
}

const osc = (p: string): string => `\x1b]633;${p}\x07`;
const servers: WebSocketServer[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function setup() {
  const ptys: FakePty[] = [];
  const spawn: PtySpawn = () => {
    const p = new FakePty();
    ptys.push(p);
    return p;
  };
  const registry = new TerminalRegistry({ spawn });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  // `?member=` names who the socket is in a shared terminal (the API server takes it from the principal).
  wss.on('connection', (socket, req) => serveTerminalSocket(socket, registry, { member: new URL(req.url ?? '/', 'http://x').searchParams.get('member') }));
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  const connect = async (member?: string) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${member ? `/?member=${member}` : ''}`);
    const inbox: ServerMessage[] = [];
    ws.on('message', (raw) => inbox.push(JSON.parse(raw.toString())));
    await new Promise((r) => ws.once('open', r));
    const waitFor = async (pred: (m: ServerMessage) => boolean) => {
      for (let i = 0; i < 200; i += 1) {
        const hit = inbox.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no message matched; got ${JSON.stringify(inbox)}`);
    };
    return { ws, inbox, waitFor, send: (m: object) => ws.send(JSON.stringify(m)) };
  };
  return { registry, ptys, connect };
}

describe('serveTerminalSocket + TerminalRegistry', () => {
  it('streams stripped output, forwards input and resize, and replays scrollback to a reconnecting client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'term-'));
    const events = new EventLog(join(dir, 'events.jsonl'));
    const { registry, ptys, connect } = await setup();
    const n = registry.open({ runId: 'r1', service: 'bastion', shell: { file: 'x', args: [], env: {} }, events, sessionDir: dir });
    expect(n).toBe(1);
    expect(registry.open({ runId: 'r1', service: 'bastion', shell: { file: 'x', args: [], env: {} } })).toBe(2);
    const pty = ptys[0]!;

    const a = await connect();
    a.send({ type: 'attach', terminal: 'r1:1' });
    await a.waitFor((m) => m.type === 'status');
    a.send({ type: 'resize', terminal: 'r1:1', cols: 132, rows: 43 });
    pty.emit(`${osc('A')}${osc('B')}`);
    a.send({ type: 'stdin', terminal: 'r1:1', data: 'echo hi\r' });
    await new Promise((r) => setTimeout(r, 20));
    pty.emit(`${osc('E;echo hi')}${osc('C')}hi\r\n${osc('D;0')}$ `);
    await a.waitFor((m) => m.type === 'stdout' && m.data.includes('$ '));
    expect(pty.input).toBe('echo hi\r');
    expect(pty.size).toEqual({ cols: 132, rows: 43 });
    const seen = a.inbox.flatMap((m) => (m.type === 'stdout' ? [m.data] : [])).join('');
    expect(seen).toBe('hi\r\n$ ');
    // A solo terminal has no keyboard: nothing about it on the wire, and no keyboard to take.
    expect(a.inbox.some((m) => m.type === 'keyboard')).toBe(false);
    a.send({ type: 'keyboard', terminal: 'r1:1', action: 'take' });
    await a.waitFor((m) => m.type === 'error' && m.code === 'not-shared');
    a.ws.close();

    pty.emit('more\r\n');
    const b = await connect();
    b.send({ type: 'attach', terminal: 'r1:1' });
    const replay = await b.waitFor((m) => m.type === 'stdout');
    expect(replay).toMatchObject({ data: 'hi\r\n$ more\r\n', replay: true });
    expect(ptys).toHaveLength(2); // the reconnect reused the pty: no new spawn

    b.send({ type: 'attach', terminal: 'r1:9' });
    await b.waitFor((m) => m.type === 'error' && m.code === 'unknown-terminal');
    b.send({ type: 'stdin', terminal: 'r1:2', data: 'x' });
    await b.waitFor((m) => m.type === 'error' && m.code === 'not-attached');
    b.ws.send('{"type":"bogus"}');
    await b.waitFor((m) => m.type === 'error' && m.code === 'bad-message');

    pty.end(0);
    await b.waitFor((m) => m.type === 'exit');
    await registry.get('r1', 1)!.closed;
    events.close();
    const log = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((e) => e.type)).toEqual(['terminal.opened', 'command', 'terminal.closed']);
    expect(log[1]).toMatchObject({ command: 'echo hi', exitCode: 0, terminal: 1, source: 'shell' });
    expect(readFileSync(join(dir, 'terminal-1.cast'), 'utf8')).toContain('"r","132x43"');
    await registry.closeAll();
  });

  it('answers a lab request through the pty input and logs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'term-'));
    const events = new EventLog(join(dir, 'events.jsonl'));
    const { registry, ptys } = await setup();
    registry.open({
      runId: 'r2',
      service: 'bastion',
      shell: { file: 'x', args: [], env: {} },
      events,
      lab: { status: async () => 's', hint: async () => 'try EXPLAIN', check: async () => 'c', submit: async () => 'ok' },
    });
    const session = registry.get('r2', 1)!;
    session.onOutput(() => undefined);
    // A request while no `lab` runs (a `cat` of a file holding it) gets no answer.
    ptys[0]!.emit(`${osc('A')}$ ${osc('B')}${osc('FiredrillLab=submit;99x0')}`);
    session.write('lab hint\r');
    ptys[0]!.emit(`${osc('E;lab hint')}${osc('C')}before${osc('FiredrillLab=hint;99x1')}after`);
    await new Promise((r) => setTimeout(r, 20));
    expect(session.scrollback()).toBe('$ beforeafter');
    expect(decodeLabAnswer('99x1', ptys[0]!.input.replace('lab hint\r', ''))).toEqual({ acked: true, ok: true, text: 'try EXPLAIN' });
    expect(ptys[0]!.input).not.toContain('99x0');
    events.close();
    const logged = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    expect(logged).toContain('"type":"lab.request","terminal":1,"verb":"hint"');
    expect(logged).not.toContain('"verb":"submit"');
    expect(logged).toContain('"type":"capture.spoofed","terminal":1,"mark":"lab","reason":"a lab submit request at a prompt"');
    await registry.closeAll();
  });

  it('a shared terminal: everyone watches, only the holder types, commands carry who typed them, a disconnect frees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'term-'));
    const events = new EventLog(join(dir, 'events.jsonl'));
    const { registry, ptys, connect } = await setup();
    registry.open({ runId: 'g-red', service: 'bastion', shell: { file: 'x', args: [], env: {} }, events, shared: true });
    const pty = ptys[0]!;
    const alice = await connect('alice');
    const bob = await connect('bob');
    const anonymous = await connect();
    const keyboards = (c: { inbox: ServerMessage[] }) => c.inbox.flatMap((m) => (m.type === 'keyboard' ? [m.holder] : []));
    for (const [c, you] of [[alice, 'alice'], [bob, 'bob'], [anonymous, null]] as const) {
      c.send({ type: 'attach', terminal: 'g-red:1' });
      expect(await c.waitFor((m) => m.type === 'keyboard')).toEqual({ type: 'keyboard', terminal: 'g-red:1', holder: null, you });
    }
    pty.emit(`${osc('A')}$ ${osc('B')}`);

    anonymous.send({ type: 'stdin', terminal: 'g-red:1', data: 'rm -rf /\r' });
    expect(await anonymous.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'not-holder', message: expect.stringMatching(/say who you are/) });
    alice.send({ type: 'stdin', terminal: 'g-red:1', data: 'echo hi\r' });
    for (const c of [alice, bob, anonymous]) await c.waitFor((m) => m.type === 'keyboard' && m.holder === 'alice');
    bob.send({ type: 'stdin', terminal: 'g-red:1', data: 'reboot\r' });
    expect(await bob.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'not-holder', message: 'alice has the keyboard: take it over to type' });
    bob.send({ type: 'resize', terminal: 'g-red:1', cols: 50, rows: 10 });
    bob.send({ type: 'keyboard', terminal: 'g-red:1', action: 'take' });
    expect(await bob.waitFor((m) => m.type === 'error' && m.code === 'keyboard-held')).toBeTruthy();
    expect(pty.input).toBe('echo hi\r');
    expect(pty.size).toEqual({ cols: 80, rows: 24 });
    pty.emit(`${osc('E;echo hi')}${osc('C')}hi\r\n${osc('D;0')}${osc('A')}$ ${osc('B')}`);

    bob.send({ type: 'keyboard', terminal: 'g-red:1', action: 'take-over' });
    for (const c of [alice, bob, anonymous]) await c.waitFor((m) => m.type === 'keyboard' && m.holder === 'bob');
    alice.send({ type: 'stdin', terminal: 'g-red:1', data: 'x' });
    await alice.waitFor((m) => m.type === 'error' && m.code === 'not-holder');
    bob.send({ type: 'stdin', terminal: 'g-red:1', data: 'uptime\r' });
    await new Promise((r) => setTimeout(r, 20));
    pty.emit(`${osc('E;uptime')}${osc('C')}up\r\n${osc('D;0')}`);
    bob.ws.close();
    await alice.waitFor((m) => m.type === 'keyboard' && m.holder === null && alice.inbox.filter((x) => x.type === 'keyboard').length === 4);
    expect(keyboards(alice)).toEqual([null, 'alice', 'bob', null]);
    expect(keyboards(anonymous)).toEqual([null, 'alice', 'bob', null]);
    expect(pty.input).toBe('echo hi\ruptime\r');

    events.close();
    const log = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.type === 'terminal.keyboard').map((e) => e.holder)).toEqual(['alice', 'bob', null]);
    expect(log.filter((e) => e.type === 'command').map((e) => [e.command, e.by])).toEqual([
      ['echo hi', 'alice'],
      ['uptime', 'bob'],
    ]);
    alice.ws.close();
    anonymous.ws.close();
    await registry.closeAll();
  });
});
