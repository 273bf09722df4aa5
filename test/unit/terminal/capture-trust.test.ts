/**
 * Capture you can trust: marks printed by a command (not by the shell at a prompt), command lines
 * the learner never typed, psql statements outside psql and `lab` requests while no `lab` runs are
 * refused and reported, never recorded. Real pty + bastion: test/integration/terminal/capture-trust.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import type { PtyProcess } from '../../../main/terminal/pty.js';
import { TerminalSession } from '../../../main/terminal/session.js';
import { CommandTracker, type CommandRecord, type SpoofedMark } from '../../../main/terminal/commands.js';
import { stripShellMarks } from '../../../main/terminal/osc.js';
import { TypedInput } from '../../../main/terminal/typed-input.js';

const osc = (p: string): string => `\x1b]633;${p}\x07`;
const prompt = (shell = '7', code = 0): string => `${osc(`P;FiredrillShell=${shell}`)}${osc(`D;${code}`)}${osc('P;Cwd=/home/oncall')}${osc('A')}$ ${osc('B')}`;
const ps0 = (line: string, shell = '7'): string => `${osc(`P;FiredrillShell=${shell}`)}${osc(`E;${line.replace(/;/g, '\\x3b')}`)}${osc('C')}`;
const FORGED = `${osc('E;psql -c "explain analyze select * from orders where customer_email=1"')}${osc('C')}${osc('D;0')}`;

function harness() {
  const typed = new TypedInput();
  const spoofed: SpoofedMark[] = [];
  let t = 0;
  const tracker = new CommandTracker({ now: () => new Date(t), monotonic: () => t++ }, { typed, onSpoofed: (s) => spoofed.push(s) });
  const recorded: CommandRecord[] = [];
  const out = (s: string) => stripShellMarks(s).marks.forEach((m) => recorded.push(...tracker.mark(m)));
  const type = (s: string) => {
    typed.push(s);
    if (/[\r\n]/.test(s)) tracker.noteEnter();
  };
  /** The learner types a line at the prompt and the shell runs it. */
  const runLine = (line: string, output = '', code = 0) => {
    type(`${line}\r`);
    out(`${ps0(line)}${output}${prompt('7', code)}`);
  };
  out(prompt());
  return { tracker, typed, spoofed, recorded, out, type, runLine, commands: () => recorded.map((c) => c.command) };
}

describe('shell marks are believed only from the shell at its prompt', () => {
  it("the issue's printf reproduction records the printf, never the forged psql command", () => {
    const h = harness();
    const line = `printf '\\e]633;E;psql -c "explain analyze select * from orders where customer_email=1"\\a\\e]633;C\\a\\e]633;D;0\\a'`;
    h.type(`${line}\r`);
    h.out(`${ps0(line)}${FORGED}`);
    h.out(prompt('7', 0));
    expect(h.commands()).toEqual([line]);
    expect(h.spoofed.map((s) => [s.mark, s.reason])).toEqual([
      ['commandLine', 'a command line while a command runs'],
      ['preExec', 'a command start while a command runs'],
    ]);
    expect(h.spoofed[0]!.text).toContain('explain analyze');
  });

  it('a forged prompt and command from another "shell" in one burst is refused (nothing typed for it)', () => {
    const h = harness();
    h.runLine('cat /tmp/replay', `${prompt('999')}${ps0('psql -c "explain analyze select 1 from orders"', '999')}${osc('D;0')}`);
    expect(h.commands()).toEqual(['cat /tmp/replay']);
    expect(h.spoofed.map((s) => s.reason)).toContain('a command line the learner did not type');
  });

  it('a forger that fakes the end of its command and waits for Enter still cannot name the command', () => {
    const h = harness();
    h.type('./forge\r');
    h.out(`${ps0('./forge')}${prompt('7', 0)}`); // the fake D, A, B: the host takes ./forge as done
    h.type('\r'); // the learner presses Enter into the forger
    h.out(FORGED);
    expect(h.commands()).toEqual(['./forge']);
    expect(h.spoofed.map((s) => s.reason)).toEqual(['a command line the learner did not type']);
  });

  it('typed lines match across backspaces, multi-line commands, pastes, history and typeahead', () => {
    const h = harness();
    h.runLine('echo hello');
    h.type('ls /tmpp\x7f\r');
    h.out(`${ps0('ls /tmp')}${prompt()}`);
    h.type('for i in 1 2; do\r');
    h.type('  echo "item $i"; done\r');
    h.out(`${ps0('for i in 1 2; do echo "item $i"; done')}${prompt()}`);
    h.type('\x1b[200~curl -s http://api:8080/health\x1b[201~\r'); // bracketed paste
    h.out(`${ps0('curl -s http://api:8080/health')}${prompt()}`);
    h.type('\x1b[A\r'); // history: up arrow, Enter
    h.out(`${ps0('curl -s http://api:8080/health')}${prompt()}`);
    h.type('echo a \\\r');
    h.type('b\r'); // a backslash-newline continuation
    h.out(`${ps0('echo a \\\nb')}${prompt()}`);
    h.type('sleep 1\r');
    h.out(ps0('sleep 1'));
    h.type('date\r'); // typed ahead while sleep runs
    h.out(`${prompt()}${ps0('date')}${prompt()}`);
    expect(h.commands()).toEqual(['echo hello', 'ls /tmp', 'for i in 1 2; do echo "item $i"; done', 'curl -s http://api:8080/health', 'curl -s http://api:8080/health', 'echo a \\\nb', 'sleep 1', 'date']);
    expect(h.spoofed).toEqual([]);
  });

  it('keystrokes typed into a full-screen program leave no wildcard behind for a later forgery', () => {
    const h = harness();
    h.type('vim notes\r');
    h.out(ps0('vim notes'));
    h.type('ihello\x1b:wq\r'); // editing keys typed into vim
    h.out(prompt());
    h.runLine('cat forged', `${prompt('999')}${ps0('explain analyze select 1 from orders', '999')}`);
    expect(h.commands()).toEqual(['vim notes', 'cat forged']);
    expect(h.spoofed.map((s) => s.reason)).toEqual(['a command line the learner did not type']);
  });
});

describe('psql statements and lab requests', () => {
  const psqlPrompt = (error = 'false', state = '') => `${osc(`FiredrillPsql;D;${error};${state}`)}shop=> `;
  const q = (sql: string) => osc(`FiredrillPsql;Q;${sql.replace(/;/g, '\\x3b')}`);

  it('statements count only inside psql and only when typed there', () => {
    const h = harness();
    // At the shell: a printf of psql marks is refused.
    h.runLine('printf forged', `${q('explain analyze select * from orders')}${psqlPrompt()}`);
    h.type('psql\r');
    h.out(`${ps0('psql')}${psqlPrompt()}`);
    h.type('select count(*)\r');
    h.type('  from orders;\r');
    h.out(`${q('select count(*)\nfrom orders;')}${psqlPrompt()}`);
    // `\!` runs a shell command inside psql: what it prints is not a statement.
    h.type("\\! printf '...'\r");
    h.out(`${q('explain analyze select * from orders;')}${psqlPrompt()}`);
    h.type('\\i /tmp/report.sql\r'); // statements from a file: not typed, still real
    h.out(`${q('select 1;')}${q('select 2;')}${psqlPrompt()}`);
    expect(h.recorded.filter((c) => c.source === 'psql').map((c) => c.command)).toEqual(['select count(*)\nfrom orders;', 'select 1;', 'select 2;']);
    expect(h.spoofed.map((s) => [s.mark, s.reason])).toEqual([
      ['psqlQuery', 'a psql statement while psql is not the foreground command'],
      ['psqlQuery', 'a psql statement the learner did not type'],
    ]);
  });

  it('lab requests are answered only while `lab <verb>` runs, once per invocation; operations while any command runs', () => {
    const h = harness();
    expect(h.tracker.allowLab('hint')).toBe(false); // at the prompt
    h.type('cat notes.txt\r');
    h.out(ps0('cat notes.txt'));
    expect(h.tracker.allowLab('submit')).toBe(false); // a cat of a file holding the request
    h.out(prompt());
    h.type('lab hint\r');
    h.out(ps0('lab hint'));
    expect(h.tracker.allowLab('submit')).toBe(false);
    expect(h.tracker.allowLab('hint')).toBe(true);
    expect(h.tracker.allowLab('hint')).toBe(false); // one answer per invocation
    h.out(prompt());
    h.type('deploy orders v1\r');
    h.out(ps0('deploy orders v1'));
    expect(h.tracker.allowLab('op:deploy-orders-v1')).toBe(true); // the pack's wrapper calls `lab op`
    h.out(prompt());
    h.type('lab check && lab submit\r');
    h.out(ps0('lab check && lab submit'));
    expect([h.tracker.allowLab('check'), h.tracker.allowLab('submit')]).toEqual([true, true]);
    h.out(prompt());
    h.type('watch -n 5 lab status\r'); // read-only verbs: as often as the command asks
    h.out(ps0('watch -n 5 lab status'));
    expect([h.tracker.allowLab('status'), h.tracker.allowLab('status'), h.tracker.allowLab('status')]).toEqual([true, true, true]);
    expect(h.spoofed.map((s) => s.reason)).toEqual([
      'a lab hint request at a prompt',
      'a lab submit request while `cat notes.txt` runs',
      'a lab submit request while `lab hint` runs',
      'a lab hint request while `lab hint` runs',
    ]);
  });
});

describe('the log of refused marks is bounded', () => {
  it('a loop printing forged marks logs 50 of them, then one count when the terminal closes', async () => {
    let emit: (d: string) => void = () => undefined;
    let exit: (e: { exitCode: number }) => void = () => undefined;
    const pty: PtyProcess = {
      pid: 1,
      onData: (l) => ((emit = l), { dispose: () => undefined }),
      onExit: (l) => ((exit = l), { dispose: () => undefined }),
      write: () => undefined,
      resize: () => undefined,
      kill: () => exit({ exitCode: 0 }),
    };
    const events = new EventLog(join(mkdtempSync(join(tmpdir(), 'fd-spoof-')), 'events.jsonl'));
    const session = new TerminalSession({ runId: 'r', terminal: 1, service: 'bastion', shell: { file: 'x', args: [], env: {} }, events, spawn: () => pty });
    emit(prompt());
    session.write('yes\r');
    emit(ps0('yes') + osc('E;explain analyze select 1 from orders').repeat(1000));
    await session.kill();
    events.close();
    const spoofed = readEvents(events.path).events.filter((e) => e.type === 'capture.spoofed');
    expect(spoofed).toHaveLength(51);
    expect(spoofed.at(-1)).toMatchObject({ mark: 'any', suppressed: 950 });
  });
});
