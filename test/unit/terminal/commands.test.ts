import { describe, expect, it } from 'vitest';
import { CommandTracker } from '../../../main/terminal/commands.js';
import type { ShellMark } from '../../../main/terminal/osc.js';
import { stripShellMarks } from '../../../main/terminal/osc.js';
import { TypedInput } from '../../../main/terminal/typed-input.js';

function fakeClock() {
  let t = 1_000;
  return {
    clock: { now: () => new Date(Date.UTC(2025, 0, 1) + t), monotonic: () => t },
    advance: (ms: number) => (t += ms),
  };
}

const E = '\x1b';
const osc = (p: string): string => `${E}]633;${p}\x07`;
const prompt = (shell: string, code: number, cwd = '/'): string =>
  `${osc(`P;FiredrillShell=${shell}`)}${osc(`D;${code}`)}${osc(`P;Cwd=${cwd}`)}${osc('A')}$ ${osc('B')}`;
const run = (shell: string, line: string): string => `${osc(`P;FiredrillShell=${shell}`)}${osc(`E;${line}`)}${osc('C')}`;

function marksOf(s: string): ShellMark[] {
  return stripShellMarks(s).marks;
}

describe('CommandTracker', () => {
  it('assembles commands with exit codes, cwd, times; ignores empty lines and Ctrl-C at the prompt', () => {
    const { clock, advance } = fakeClock();
    const tracker = new CommandTracker(clock);
    const feed = (s: string) => marksOf(s).flatMap((m) => tracker.mark(m));
    const out = [
      ...feed(prompt('7', 0, '/root')),
      ...feed(run('7', 'echo hello')),
      ...(advance(5), feed(prompt('7', 0, '/root'))),
      ...feed(prompt('7', 0, '/root')), // empty line: no PS0
      ...feed(prompt('7', 130, '/root')), // Ctrl-C while typing
      ...feed(run('7', 'ls /nonexistent')),
      ...(advance(7), feed(prompt('7', 2, '/root'))),
      ...feed(run('7', 'sleep 30')),
      ...(advance(900), feed(prompt('7', 130))),
    ];
    expect(out.map((c) => [c.command, c.exitCode, c.interrupted ?? false, c.durationMs, c.cwd])).toEqual([
      ['echo hello', 0, false, 5, '/root'],
      ['ls /nonexistent', 2, false, 7, '/root'],
      ['sleep 30', 130, true, 900, '/root'],
    ]);
    expect(out[0]!.source).toBe('shell');
    expect(new Date(out[0]!.endedAt).getTime() - new Date(out[0]!.startedAt).getTime()).toBe(5);
  });

  it('keeps a nested shell apart and ends its unanswered `exit` with the outer command', () => {
    const { clock } = fakeClock();
    const tracker = new CommandTracker(clock);
    const feed = (s: string) => marksOf(s).flatMap((m) => tracker.mark(m));
    const out = [
      ...feed(prompt('7', 0)),
      ...feed(run('7', 'bash')),
      ...feed(prompt('9', 0)),
      ...feed(run('9', 'echo nested')),
      ...feed(prompt('9', 0)),
      ...feed(run('9', 'exit')),
      ...feed(prompt('7', 0)),
    ];
    expect(out.map((c) => [c.command, c.exitCode])).toEqual([
      ['echo nested', 0],
      ['exit', null],
      ['bash', 0],
    ]);
  });

  it('flushes a command still running when the pty exits with the pty exit code', () => {
    const { clock } = fakeClock();
    const tracker = new CommandTracker(clock);
    marksOf(prompt('7', 0) + run('7', 'exit 3')).forEach((m) => tracker.mark(m));
    expect(tracker.flush(3).map((c) => [c.command, c.exitCode])).toEqual([['exit 3', 3]]);
    expect(tracker.flush(0)).toEqual([]);
  });

  it('records psql statements from the last Enter to the prompt, status on the last one', () => {
    const { clock, advance } = fakeClock();
    const tracker = new CommandTracker(clock);
    marksOf(prompt('7', 0) + run('7', 'psql -d shop')).forEach((m) => tracker.mark(m));
    tracker.noteEnter();
    advance(40);
    const out = marksOf(
      `${osc('FiredrillPsql;Q;select 1\\x3b')}${osc('FiredrillPsql;Q;select nope\\x3b')}${osc('FiredrillPsql;D;true;42703')}`,
    ).flatMap((m) => tracker.mark(m));
    expect(out.map((c) => [c.source, c.command, c.exitCode, c.durationMs])).toEqual([
      ['psql', 'select 1;', null, 40],
      ['psql', 'select nope;', 1, 40],
    ]);
    tracker.noteEnter();
    const cancelled = marksOf(`${osc('FiredrillPsql;Q;select pg_sleep(60)')}${osc('FiredrillPsql;D;true;57014')}`).flatMap((m) =>
      tracker.mark(m),
    );
    expect(cancelled[0]).toMatchObject({ command: 'select pg_sleep(60)', exitCode: 1, interrupted: true });
    // A prompt with nothing logged (first prompt, backslash command) records nothing.
    expect(marksOf(osc('FiredrillPsql;D;;')).flatMap((m) => tracker.mark(m))).toEqual([]);
  });

  it('attributes each command to who typed its line (a shared terminal), typeahead and psql included', () => {
    const { clock } = fakeClock();
    const typed = new TypedInput();
    const tracker = new CommandTracker(clock, { typed });
    const feed = (s: string) => marksOf(s).flatMap((m) => tracker.mark(m));
    feed(prompt('7', 0));
    typed.push('sleep 5\r', 'alice');
    feed(run('7', 'sleep 5'));
    // bob took over and typed ahead while sleep ran: his line is still his when it runs.
    typed.push('psql\r', 'bob');
    const sleep = feed(prompt('7', 0));
    feed(run('7', 'psql'));
    typed.push('select 1;\r', 'carol');
    feed(`${osc('FiredrillPsql;Q;select 1;')}`);
    const psql = feed(`${osc('FiredrillPsql;D;;')}`);
    const done = feed(prompt('7', 0));
    typed.push('ls\r');
    feed(run('7', 'ls'));
    const solo = feed(prompt('7', 0));
    expect([...sleep, ...psql, ...done, ...solo].map((c) => [c.command, c.by])).toEqual([
      ['sleep 5', 'alice'],
      ['select 1', 'carol'],
      ['psql', 'bob'],
      ['ls', undefined],
    ]);
  });
});
