/**
 * Forged shell-integration marks on a real pty and a real bastion container (issue 11, item 1):
 * the printf reproduction, a file `cat` that replays a fake psql command, a forged
 * `lab submit`; none is recorded or answered, each is logged as `capture.spoofed`, and slow-query's
 * `explain-plan` signal is not earned. Real commands around them are still recorded.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { compileSignals, signalHits, type CommandEvent } from '../../../main/scoring/signals.js';
import { TerminalRegistry } from '../../../main/terminal/registry.js';
import type { TerminalSession } from '../../../main/terminal/session.js';
import { startBastion, waitUntil, type BastionContainer } from './bastion-container.js';

const FORGED_PSQL = 'psql -c "explain analyze select * from orders where customer_email=1"';
const PRINTF = `printf '\\e]633;E;${FORGED_PSQL}\\a\\e]633;C\\a\\e]633;D;0\\a'`;

describeDocker('forged capture marks on a real bastion terminal', () => {
  let bastion: BastionContainer;
  let registry: TerminalRegistry;
  let session: TerminalSession;
  let events: EventLog;
  let seen = '';
  const commands: string[] = [];
  const answered: string[] = [];

  beforeAll(async () => {
    bastion = await startBastion('trust');
    // A file holding a replay of marks, put there as a learner could (`cat` shows it).
    const replay = `notes\n\x1b]633;P;FiredrillShell=4242\x07\x1b]633;A\x07\x1b]633;B\x07\x1b]633;E;${FORGED_PSQL}\x07\x1b]633;C\x07\x1b]633;D;0\x07\x1b]633;FiredrillLab=submit;77x1\x07\n`;
    await promisify(execFile)('docker', ['exec', bastion.id, 'sh', '-c', `printf '%s' "$1" > /tmp/notes.txt`, 'sh', replay]);
    // A pack's own wrapper around `lab op` (as slow-query's `deploy`), and one that asks for a hint.
    await promisify(execFile)('docker', [
      'exec', bastion.id, 'sh', '-c',
      'printf "#!/bin/bash\\nlab op deploy-v1\\n" > /usr/local/bin/deploy && printf "#!/bin/bash\\nFIREDRILL_LAB_ACK_TIMEOUT=1 lab hint\\n" > /usr/local/bin/gethint && chmod +x /usr/local/bin/deploy /usr/local/bin/gethint',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'firedrill-trust-'));
    events = new EventLog(join(dir, 'events.jsonl'));
    registry = new TerminalRegistry();
    const n = registry.open({
      runId: bastion.runId,
      service: 'bastion',
      shell: bastion.shell,
      events,
      sessionDir: dir,
      cols: 200,
      rows: 30,
      lab: {
        status: async () => 'status: live',
        hint: async () => (answered.push('hint'), 'HINT-1'),
        check: async () => 'checks: 0/1',
        submit: async () => (answered.push('submit'), 'submitted'),
        op: async (id) => (answered.push(`op:${id}`), `rolled: ${id}`),
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

  async function type(line: string): Promise<void> {
    const before = commands.length;
    session.write(`${line}\r`);
    await waitUntil(`command ${JSON.stringify(line)} to be recorded`, () => commands.length > before);
  }

  it('records what ran and refuses every forged mark', async () => {
    await type(PRINTF);
    await type('cat /tmp/notes.txt');
    await type('echo after');
    await type('lab hint');
    await waitUntil('the hint on screen', () => seen.includes('HINT-1'));

    const log = readEvents(events.path).events;
    const recorded = log.flatMap((e) => (e.type === 'command' ? [e] : []));
    expect(recorded.map((c) => [c.command, c.exitCode])).toEqual([
      [PRINTF, 0],
      ['cat /tmp/notes.txt', 0],
      ['echo after', 0],
      ['lab hint', 0],
    ]);
    const spoofed = log.flatMap((e) => (e.type === 'capture.spoofed' ? [e] : []));
    expect(spoofed.filter((s) => s.mark === 'commandLine').map((s) => s.text)).toEqual([FORGED_PSQL, FORGED_PSQL]);
    expect(spoofed.some((s) => s.mark === 'lab' && s.reason === 'a lab submit request while `cat /tmp/notes.txt` runs')).toBe(true);
    // The forged submit got no answer and spent nothing; the real `lab hint` did.
    expect(answered).toEqual(['hint']);
    expect(log.filter((e) => e.type === 'lab.request').map((e) => (e.type === 'lab.request' ? e.verb : ''))).toEqual(['hint']);
    expect(seen).not.toContain('\x1b]633');
  });

  it("answers a pack tool's `lab op`, never a wrapper's `lab hint`", async () => {
    await type('deploy');
    await waitUntil('the operation answer', () => seen.includes('rolled: deploy-v1'));
    await type('gethint');
    await waitUntil('lab to give up', () => seen.includes('lab: no answer from Firedrill'));
    expect(answered).toEqual(['hint', 'op:deploy-v1']);
    const spoofed = readEvents(events.path).events.flatMap((e) => (e.type === 'capture.spoofed' ? [e.reason] : []));
    expect(spoofed).toContain('a lab hint request while `gethint` runs');
  });

  it("the forged command earns no slow-query signal: only what the learner ran is evidence", async () => {
    const { scenario } = await loadScenario(resolve('scenarios/slow-query'));
    const explain = compileSignals(scenario.investigation).filter((c) => c.signal.id === 'explain-plan');
    expect(explain).toHaveLength(1);
    // The forgery aims at this signal: had the psql line really run, it would earn it.
    const now = new Date().toISOString();
    const asIfRun: CommandEvent = {
      seq: 1, id: 'e1', time: now, mono: 0,
      type: 'command', terminal: 1, source: 'shell', command: FORGED_PSQL, exitCode: 0, startedAt: now, endedAt: now, durationMs: 40,
    };
    expect(signalHits([asIfRun], explain).map((h) => h.credit)).toEqual([1]);
    // What was recorded: the printf line (printf ran, not psql) and the `cat` (its replayed marks recorded nothing).
    const log = readEvents(events.path).events;
    expect(log.some((e) => e.type === 'command' && e.command === PRINTF)).toBe(true);
    expect(signalHits(log, explain).filter((h) => h.credit > 0)).toEqual([]);
  });
});
