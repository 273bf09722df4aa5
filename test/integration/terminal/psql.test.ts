/**
 * Statements typed inside psql on the bastion are recorded (source 'psql') through the psqlrc
 * prompt hook and the `psql -L` wrapper, with the status of the statement.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { bastionFiles } from '../../../main/terminal/bastion-files.js';
import type { CommandRecord } from '../../../main/terminal/commands.js';
import { TerminalRegistry } from '../../../main/terminal/registry.js';
import { waitUntil } from './bastion-container.js';

const run = promisify(execFile);
const IMAGE = 'firedrill-test/terminal-psql:1';

async function docker(args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

describeDocker('psql statements typed on the bastion', () => {
  let id = '';
  let registry: TerminalRegistry;
  let events: EventLog;

  beforeAll(async () => {
    // Debian's postgresql (server + client) through apt in the build (about 20 s, cached afterwards).
    const context = mkdtempSync(join(tmpdir(), 'firedrill-psql-image-'));
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends postgresql && rm -rf /var/lib/apt/lists/*\nCMD ["sleep", "infinity"]\n',
    );
    await docker(['build', '-q', '-t', IMAGE, '--label', 'firedrill.managed=true', context]);
    const runId = `test-psql-${randomBytes(3).toString('hex')}`;
    id = await docker(['run', '-d', '--name', `firedrill-${runId}`, '--label', 'firedrill.managed=true', '--label', `firedrill.run=${runId}`, IMAGE]);
    const files = bastionFiles();
    await docker(['exec', id, 'mkdir', '-p', ...new Set(files.map((f) => dirname(f.target)))]);
    for (const file of files) {
      await docker(['cp', file.source, `${id}:${file.target}`]);
      await docker(['exec', id, 'chmod', file.mode.toString(8), file.target]);
    }
    await docker(['exec', id, 'pg_ctlcluster', '15', 'main', 'start']);
    registry = new TerminalRegistry();
    events = new EventLog(join(mkdtempSync(join(tmpdir(), 'firedrill-psql-')), 'events.jsonl'));
  });

  afterAll(async () => {
    await registry?.closeAll();
    events?.close();
    if (id) await docker(['rm', '-f', id]).catch(() => undefined);
  });

  it('records each statement with its status, and psql itself as a shell command', async () => {
    const n = registry.open({
      runId: 'psql',
      service: 'bastion',
      shell: { file: 'docker', args: ['exec', '-it', '-u', 'postgres', '-e', 'TERM=xterm-256color', id, 'bash', '-l'], env: {} },
      events,
    });
    const session = registry.get('psql', n)!;
    let seen = '';
    const commands: CommandRecord[] = [];
    session.onOutput((d) => (seen += d));
    session.onCommand((c) => commands.push(c));
    await waitUntil('the shell prompt', () => seen.includes('$ '));
    session.write('psql\r');
    await waitUntil('the psql prompt', () => seen.includes('postgres=#'));
    session.write('select 40 + 2 as answer;\r');
    await waitUntil('statement 1', () => commands.length >= 1);
    session.write('select nope;\r');
    await waitUntil('statement 2', () => commands.length >= 2);
    session.write('\\q\r');
    await waitUntil('psql to exit', () => commands.length >= 3);

    const recorded = readEvents(events.path).events.flatMap((e) => (e.type === 'command' ? [e] : []));
    expect(recorded.map((c) => [c.source, c.command, c.exitCode])).toEqual([
      ['psql', 'select 40 + 2 as answer;', 0],
      ['psql', 'select nope;', 1],
      ['shell', 'psql', 0],
    ]);
    expect(seen).toContain('42');
    expect(seen).toContain('column "nope" does not exist');
    expect(seen).not.toContain('\x1b]633');
  });

  it('believes only statements typed at psql: comments, several per line and multi-line ones count, what `\\!` prints does not', async () => {
    const log = new EventLog(join(mkdtempSync(join(tmpdir(), 'firedrill-psql-')), 'events.jsonl'));
    const n = registry.open({
      runId: 'psql-trust',
      service: 'bastion',
      shell: { file: 'docker', args: ['exec', '-it', '-u', 'postgres', '-e', 'TERM=xterm-256color', id, 'bash', '-l'], env: {} },
      events: log,
    });
    const session = registry.get('psql-trust', n)!;
    let seen = '';
    const commands: CommandRecord[] = [];
    session.onOutput((d) => (seen += d));
    session.onCommand((c) => commands.push(c));
    await waitUntil('the shell prompt', () => seen.includes('$ '));
    session.write('psql\r');
    await waitUntil('the psql prompt', () => seen.includes('postgres=#'));
    session.write('select 1 as one; -- the first\r');
    await waitUntil('statement 1', () => commands.length >= 1);
    session.write('select 2; select 3;\r');
    await waitUntil('statements 2 and 3', () => commands.length >= 3);
    session.write('select 4\r');
    session.write('  + 0 as four;\r');
    await waitUntil('statement 4', () => commands.length >= 4);
    const forged = 'explain analyze select * from pg_class';
    session.write(`\\! printf '\\033]633;FiredrillPsql;Q;${forged}\\007\\033]633;FiredrillPsql;D;false;\\007'\r`);
    session.write('select 5;\r');
    await waitUntil('statement 5', () => commands.length >= 5);
    session.write('\\q\r');
    await waitUntil('psql to exit', () => commands.length >= 6);
    await session.kill();
    log.close();

    const events = readEvents(log.path).events;
    const recorded = events.flatMap((e) => (e.type === 'command' ? [[e.source, e.command.replace(/\s+/g, ' ')]] : []));
    expect(recorded.filter(([, c]) => c!.includes('explain'))).toEqual([]);
    expect(recorded.slice(0, 5).map(([, c]) => c!.replace(/\s*--.*$/, ''))).toEqual(['select 1 as one;', 'select 2;', 'select 3;', 'select 4 + 0 as four;', 'select 5;']);
    expect(events.some((e) => e.type === 'capture.spoofed' && e.mark === 'psqlQuery' && e.text === forged)).toBe(true);
  });
});
