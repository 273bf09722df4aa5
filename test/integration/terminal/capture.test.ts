/**
 * The learner's terminal on a real container: command capture with exit codes, Ctrl-C, multi-line
 * commands, no OSC noise in what the learner sees, the asciicast equals that view, `lab hint`
 * answered by the host.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { castOutput, parseCast } from '../../../shared/report/cast.js';
import { TerminalRegistry } from '../../../main/terminal/registry.js';
import type { TerminalSession } from '../../../main/terminal/session.js';
import { startBastion, waitUntil, type BastionContainer } from './bastion-container.js';

describeDocker('learner terminal on a real bastion container', () => {
  let bastion: BastionContainer;
  let registry: TerminalRegistry;
  let session: TerminalSession;
  let events: EventLog;
  let dir: string;
  let seen = '';
  const commands: string[] = [];

  beforeAll(async () => {
    bastion = await startBastion('capture');
    dir = mkdtempSync(join(tmpdir(), 'firedrill-term-'));
    events = new EventLog(join(dir, 'events.jsonl'));
    registry = new TerminalRegistry();
    const n = registry.open({
      runId: bastion.runId,
      service: 'bastion',
      shell: bastion.shell,
      events,
      sessionDir: dir,
      cols: 120,
      rows: 30,
      lab: {
        status: async () => 'status: live',
        hint: async () => 'HINT-1: look at the slow query log',
        check: async () => 'checks: 0/1',
        submit: async () => 'submitted',
      },
    });
    session = registry.get(bastion.runId, n)!;
    session.onOutput((d) => (seen += d));
    session.onCommand((c) => commands.push(c.command));
    await waitUntil('the first prompt', () => seen.includes('# '));
  });

  afterAll(async () => {
    await registry?.closeAll();
    events?.close();
    await bastion?.remove();
  });

  async function type(line: string, expectCommands: number): Promise<void> {
    session.write(line);
    await waitUntil(`command ${JSON.stringify(line)} to be recorded`, () => commands.length >= expectCommands);
  }

  it('records exactly the commands typed, with exit codes, cwd and interruption', async () => {
    await type('echo hello\r', 1);
    session.write('\r'); // an empty line records nothing
    await type('ls /nonexistent\r', 2);
    await type('cd /tmp\r', 3);
    session.write('for i in 1 2; do\r');
    await type('  echo "item $i"; done\r', 4);
    session.write('sleep 30\r');
    await waitUntil('sleep to start', () => seen.includes('sleep 30\r\n'));
    await new Promise((r) => setTimeout(r, 500));
    session.write('\x03');
    await waitUntil('sleep to be interrupted', () => commands.length >= 5, 10_000);
    await type('lab hint\r', 6);
    await waitUntil('the hint on screen', () => seen.includes('HINT-1: look at the slow query log'));

    const log = readEvents(events.path).events;
    const recorded = log.flatMap((e) => (e.type === 'command' ? [e] : []));
    expect(recorded.map((c) => [c.command, c.exitCode, c.interrupted ?? false, c.cwd])).toEqual([
      ['echo hello', 0, false, '/'],
      ['ls /nonexistent', 2, false, '/'],
      ['cd /tmp', 0, false, '/'],
      // bash's history joins the lines (keeping the second line's indentation).
      ['for i in 1 2; do   echo "item $i"; done', 0, false, '/tmp'],
      ['sleep 30', 130, true, '/tmp'],
      ['lab hint', 0, false, '/tmp'],
    ]);
    for (const c of recorded) {
      expect(c.source).toBe('shell');
      expect(c.terminal).toBe(1);
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(c.endedAt)).toBeGreaterThanOrEqual(Date.parse(c.startedAt));
    }
    expect(recorded[4]!.durationMs).toBeGreaterThanOrEqual(400);
    expect(log.filter((e) => e.type === 'lab.request')).toMatchObject([{ terminal: 1, verb: 'hint' }]);
    expect(log[0]).toMatchObject({ type: 'terminal.opened', terminal: 1, service: 'bastion' });

    // The learner saw the output and none of the integration's noise.
    expect(seen).toContain('hello\r\n');
    expect(seen).toContain('item 1\r\nitem 2\r\n');
    expect(seen).toContain('No such file or directory');
    expect(seen).not.toContain('\x1b]633');
    expect(seen).not.toContain('#FDLAB');
    expect(seen).not.toContain('__firedrill');
  });

  it('keeps $? for the learner and survives a resize', async () => {
    await type('false\r', 7);
    await type('echo "status=$?"\r', 8);
    await waitUntil('status echo', () => seen.includes('status=1'));
    session.resize(100, 40);
    // The size travels SIGWINCH → docker CLI → the engine's exec resize, while the typed command takes the
    // stream: a command typed at once can run before the resize lands. Ask again until it has.
    for (let attempt = 0; attempt < 10 && !seen.includes('40 100'); attempt++) {
      await type('stty size\r', commands.length + 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await waitUntil('new size', () => seen.includes('40 100'));
  });

  it('records a .cast whose output is exactly what the learner saw', async () => {
    await session.kill();
    const cast = parseCast(readFileSync(join(dir, 'terminal-1.cast'), 'utf8'));
    expect(cast.header).toMatchObject({ width: 120, height: 30 });
    expect(cast.skipped).toBe(0);
    expect(cast.events.some((e) => e.kind === 'r' && e.cols === 100 && e.rows === 40)).toBe(true);
    expect(castOutput(cast)).toBe(seen);
    const times = cast.events.map((e) => e.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const last = readEvents(events.path).events.at(-1);
    expect(last).toMatchObject({ type: 'terminal.closed', terminal: 1 });
  });
});
