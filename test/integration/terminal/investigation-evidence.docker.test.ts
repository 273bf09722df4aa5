/**
 * Issue 21 on a real bastion: a real bash with Firedrill's shell integration, a real PostgreSQL (with
 * pg_stat_statements) and a real HTTP endpoint. Keyword stuffing (echo, printf, a comment, a here-document into a
 * file, failing psql with the right words) earns slow-query no investigation credit and no time to detect; a real
 * investigation through a pipeline, a `watch curl` stopped with Ctrl-C and a shell function earns its signals.
 * The scores come from the recorded events.jsonl, read back as `firedrill score` reads it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import type { Scenario } from '../../../main/engine/scenario/schema.js';
import { compileSignals, signalHits } from '../../../main/scoring/signals.js';
import { scoreSession } from '../../../main/scoring/troubleshooting/index.js';
import { bastionFiles } from '../../../main/terminal/bastion-files.js';
import type { CommandRecord } from '../../../main/terminal/commands.js';
import { TerminalRegistry } from '../../../main/terminal/registry.js';
import { describeDocker } from '../../helpers/docker-gate.js';
import { waitUntil } from './bastion-container.js';

const run = promisify(execFile);
const IMAGE = 'firedrill-test/terminal-evidence:1';
const PACK = fileURLToPath(new URL('../../../scenarios/slow-query', import.meta.url));

async function docker(args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

describeDocker('investigation evidence from a real bastion session (slow-query signals)', () => {
  let id = '';
  let scenario: Scenario;
  const registry = new TerminalRegistry();
  const logs: EventLog[] = [];

  beforeAll(async () => {
    // Debian's PostgreSQL (pg_stat_statements preloaded), curl, watch (procps) and busybox httpd for /checkout.
    const context = mkdtempSync(join(tmpdir(), 'firedrill-evidence-image-'));
    writeFileSync(
      join(context, 'Dockerfile'),
      [
        'FROM debian:bookworm',
        'RUN apt-get update && apt-get install -y --no-install-recommends postgresql curl procps busybox && rm -rf /var/lib/apt/lists/*',
        "RUN echo \"shared_preload_libraries = 'pg_stat_statements'\" >> /etc/postgresql/15/main/postgresql.conf",
        'RUN mkdir -p /srv/www && echo ok > /srv/www/checkout',
        'CMD ["sleep", "infinity"]',
        '',
      ].join('\n'),
    );
    await docker(['build', '-q', '-t', IMAGE, '--label', 'firedrill.managed=true', context]);
    const runId = `test-evidence-${randomBytes(3).toString('hex')}`;
    id = await docker(['run', '-d', '--name', `firedrill-${runId}`, '--label', 'firedrill.managed=true', '--label', `firedrill.run=${runId}`, IMAGE]);
    const files = bastionFiles();
    await docker(['exec', id, 'mkdir', '-p', ...new Set(files.map((f) => dirname(f.target)))]);
    for (const file of files) {
      await docker(['cp', file.source, `${id}:${file.target}`]);
      await docker(['exec', id, 'chmod', file.mode.toString(8), file.target]);
    }
    await docker(['exec', id, 'pg_ctlcluster', '15', 'main', 'start']);
    // Under load the server can take a moment to accept connections (bounded wait).
    for (let i = 0; ; i++) {
      const ready = await docker(['exec', '-u', 'postgres', id, 'pg_isready', '-q']).then(() => true, () => false);
      if (ready) break;
      if (i >= 60) throw new Error('PostgreSQL in the test bastion never became ready');
      await new Promise((r) => setTimeout(r, 500));
    }
    await docker(['exec', '-u', 'postgres', id, 'psql', '-qc', 'CREATE EXTENSION pg_stat_statements; CREATE TABLE orders (id int, customer_email text)']);
    await docker(['exec', '-d', id, 'busybox', 'httpd', '-p', '127.0.0.1:8080', '-h', '/srv/www']);
    scenario = (await loadScenario(PACK)).scenario;
  }, 600_000);

  afterAll(async () => {
    await registry.closeAll();
    for (const log of logs) log.close();
    if (id) await docker(['rm', '-f', id]).catch(() => undefined);
  });

  /** Opens a terminal on the bastion, pages (phase live), types `steps`, then records the fix as holding. */
  interface Keys {
    type: (line: string, commands?: number) => Promise<void>;
    ctrlC: (after: number) => Promise<void>;
    waitFor: (text: string) => Promise<void>;
  }

  async function session(name: string, steps: (keys: Keys) => Promise<void>) {
    const log = new EventLog(join(mkdtempSync(join(tmpdir(), `firedrill-evidence-${name}-`)), 'events.jsonl'));
    logs.push(log);
    log.append({ type: 'phase.changed', from: 'injecting', to: 'live' });
    const n = registry.open({
      runId: name,
      service: 'bastion',
      shell: { file: 'docker', args: ['exec', '-it', '-u', 'postgres', '-e', 'TERM=xterm-256color', id, 'bash', '-l'], env: {} },
      events: log,
    });
    const terminal = registry.get(name, n)!;
    let seen = '';
    const commands: CommandRecord[] = [];
    terminal.onOutput((d) => (seen += d));
    terminal.onCommand((c) => commands.push(c));
    await waitUntil('the shell prompt', () => seen.includes('$ '));
    const type = async (line: string, count = 1): Promise<void> => {
      const before = commands.length;
      terminal.write(`${line}\r`);
      await waitUntil(`"${line.split('\r')[0]}" to finish`, () => commands.length >= before + count, 60_000);
    };
    const ctrlC = async (after: number): Promise<void> => {
      const before = commands.length;
      await new Promise((r) => setTimeout(r, after));
      terminal.write('\x03');
      await waitUntil('the interrupted command to finish', () => commands.length > before, 20_000);
    };
    const waitFor = (text: string): Promise<void> => waitUntil(`"${text}" on the screen`, () => seen.includes(text), 30_000);
    await steps({ type, ctrlC, waitFor });
    log.append({ type: 'resolution.holding', resolutionId: 'fixed' });
    return { events: readEvents(log.path).events, seen };
  }

  it('keyword stuffing and failing psql earn no investigation credit and no time to detect', async () => {
    const { events, seen } = await session('stuffing', async ({ type, waitFor }) => {
      await type('echo curl checkout p95 latency docker logs orders pg_stat_activity top pg_stat_statements explain analyze from orders pg_indexes schema_migrations 0007 deploys git log');
      await type("printf '%s\\n' 'select * from pg_stat_statements' 'explain analyze select * from orders'");
      await type('true # psql -c "select * from pg_stat_statements"; git log; curl localhost:8080/checkout');
      await type("cat > /tmp/notes.txt <<'EOF'\rselect * from pg_stat_statements;\rexplain analyze select * from orders;\rEOF");
      // Failing psql with the right words: interactive (ERROR) and -c (exit 1).
      await type('psql', 0);
      await waitFor('postgres=#');
      await type('select pg_stat_statements, explain, analyze from schema_migrations;');
      await type('\\q');
      await type('psql -c "select version from schema_migrations join pg_indexes on true"');
    });
    const commands = events.filter((e) => e.type === 'command');
    expect(commands.map((c) => [c.source, c.exitCode])).toEqual([
      ['shell', 0],
      ['shell', 0],
      ['shell', 0],
      ['shell', 0],
      ['psql', 1],
      ['shell', 0],
      ['shell', 1],
    ]);
    expect(seen).toContain('relation "schema_migrations" does not exist');
    const credited = signalHits(events, compileSignals(scenario.investigation)).filter((h) => h.credit > 0);
    expect(credited.map((h) => `${h.signalId}: ${h.because}`)).toEqual([]);
    const report = scoreSession(events, scenario);
    const investigation = report.criteria.find((c) => c.id === 'investigation')!;
    expect(investigation.points).toBe(0);
    const time = report.criteria.find((c) => c.id === 'time')!;
    expect(time.evidence.some((e) => e.note?.startsWith('time to detect'))).toBe(false);
    expect(time.feedback).not.toMatch(/Detected in/);
  }, 300_000);

  it('a real investigation through a pipeline, watch curl and a shell function earns its signals', async () => {
    const { events } = await session('real', async ({ type, ctrlC }) => {
      await type('psql -c "select query, calls, mean_exec_time from pg_stat_statements order by mean_exec_time desc" | grep -i orders');
      // watch runs until Ctrl-C (procps' watch then exits 0); a few seconds of it is a real look at the endpoint.
      await type('watch -n 1 curl -s localhost:8080/checkout', 0);
      await ctrlC(3_000);
      await type("idx() { psql -c \"select indexname, indexdef from pg_indexes where tablename = 'orders'\"; }");
      await type('idx');
    });
    const hits = signalHits(events, compileSignals(scenario.investigation));
    const recorded = events.flatMap((e) => (e.type === 'command' ? [`${e.command} -> ${e.exitCode}`] : [])).join('\n');
    expect(hits.filter((h) => h.credit === 1).map((h) => h.signalId).sort(), `${recorded}\n${hits.map((h) => `${h.signalId} ${h.credit}: ${h.because}`).join('\n')}`).toEqual([
      'app-latency',
      'indexes',
      'pg-stat-statements',
    ]);
    const watch = events.find((e) => e.type === 'command' && e.command.startsWith('watch'));
    expect(watch).toMatchObject({ exitCode: 0 });
    expect(watch?.type === 'command' && watch.durationMs).toBeGreaterThanOrEqual(2_000);
    const report = scoreSession(events, scenario);
    const time = report.criteria.find((c) => c.id === 'time')!;
    const detect = time.evidence.find((e) => e.note?.startsWith('time to detect'));
    expect(detect?.command).toContain('pg_stat_statements');
    const notes = report.criteria.find((c) => c.id === 'investigation')!.evidence.map((e) => e.note).join('\n');
    expect(notes).toContain('app-latency: credited because `curl -s localhost:8080/checkout` (through watch)');
    expect(notes).toContain('indexes (root-cause signal): credited because psql sent `select indexname, indexdef from pg_indexes where tablename = \'\'` (through function idx)');
  }, 300_000);
});
