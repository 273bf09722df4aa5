/**
 * Investigation credit and time to detect come from what ran, not from words on a command line (issue 21):
 * recorded sessions of keyword stuffing earn nothing, real investigations written differently earn their credit,
 * and the report says which command earned each signal and why a near miss did not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { compileSignals, signalHits } from '../../../main/scoring/signals.js';
import { scoreSession } from '../../../main/scoring/troubleshooting/index.js';
import type { TroubleshootingReport } from '../../../main/scoring/types.js';
import { SessionBuilder, slowQueryScenario } from './session.js';

const scenario = slowQueryScenario();
const criterion = (r: TroubleshootingReport, id: string) => r.criteria.find((c) => c.id === id)!;
const FIX = "psql -X -c 'CREATE INDEX CONCURRENTLY orders_customer_email_idx ON orders (customer_email, created_at DESC)'";

/** The signals each command of a session earned with full credit (1) or half (0.5), by command. */
function credits(events: RunEvent[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const h of signalHits(events, compileSignals(scenario.investigation))) {
    if (h.credit === 0) continue;
    (out[h.command.command] ??= {})[h.signalId] = h.credit;
  }
  return out;
}

describe('the issue 21 reproduction: one echo of every keyword, then the fix', () => {
  const ECHO =
    'echo curl checkout p95 latency docker logs orders pg_stat_activity top pg_stat_statements explain analyze from orders customer_email pg_indexes schema_migrations 0007 deploys git log';
  const events = new SessionBuilder().start().cmd('14:03:41', ECHO).cmd('14:04:30', FIX).fixedBy('14:06:00', '14:06:10').at('14:07:00', { type: 'run.ended', outcome: 'resolved' }).events;
  const report = scoreSession(events, scenario);

  it('earns at most 5 of 20 on investigation (here nothing: no command looked at anything)', () => {
    const inv = criterion(report, 'investigation');
    expect(inv.max).toBe(20);
    expect(inv.points).toBeLessThanOrEqual(5);
    expect(inv.points).toBe(0);
    expect(inv.feedback).toMatch(/words on a command line/);
  });

  it('reports no time to detect, and never "Detected in 0m01s"', () => {
    const time = criterion(report, 'time');
    expect(time.feedback).not.toMatch(/Detected in/);
    expect(time.evidence.map((e) => e.note).join('\n')).toContain('no command that ran successfully looked at a root-cause signal');
    expect(time.evidence.some((e) => e.note?.startsWith('time to detect'))).toBe(false);
  });

  it('explains the near miss: echo ran, and words in its arguments are not evidence', () => {
    const notes = criterion(report, 'investigation').evidence.map((e) => e.note ?? '');
    const stats = notes.find((n) => n.startsWith('pg-stat-statements'))!;
    expect(stats).toContain('never looked at');
    expect(stats).toContain('near miss');
    expect(stats).toContain('it ran `echo`');
  });

  it('measures time to detect from the first real root-cause look when one follows', () => {
    const later = new SessionBuilder()
      .start()
      .cmd('14:03:41', ECHO)
      .cmd('14:09:10', 'SELECT query, mean_exec_time FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 5;', 'psql')
      .cmd('14:10:00', FIX)
      .fixedBy('14:11:00', '14:11:10').events;
    const time = criterion(scoreSession(later, scenario), 'time');
    const detect = time.evidence.find((e) => e.note?.startsWith('time to detect'))!;
    expect(detect.note).toContain('time to detect: 6m00s'); // 14:03:10 -> 14:09:10, not the echo at 14:03:41
    expect(detect.command).toContain('pg_stat_statements');
    expect(detect.note).toContain('pg-stat-statements: psql sent');
  });
});

describe('keyword stuffing earns no investigation credit and no time to detect', () => {
  const stuffed: [string, (b: SessionBuilder) => SessionBuilder][] = [
    ['printf', (b) => b.cmd('14:04:00', "printf '%s\\n' 'psql -c \"select * from pg_stat_statements\"' 'explain analyze select from orders'")],
    ['a comment', (b) => b.cmd('14:04:00', 'true # pg_stat_statements explain analyze pg_indexes schema_migrations')],
    ['a here-document written to a file', (b) => b.cmd('14:04:00', "cat > notes.txt <<'EOF'\nselect * from pg_stat_statements;\nexplain analyze select * from orders;\n\\d orders\nEOF")],
    ['a failing psql statement with the right words', (b) => b.cmd('14:04:00', 'select pg_stat_statements explain analyze from orders pg_indexes schema_migrations;', 'psql', 1)],
    ['a failing psql -c with the right words', (b) => b.cmd('14:04:00', 'psql -c "select pg_stat_statements explain analyze pg_indexes schema_migrations"', 'shell', 1)],
    ['SQL that only quotes the words', (b) => b.cmd('14:04:00', "SELECT 'pg_stat_statements', 'explain analyze from orders' /* pg_indexes */ -- schema_migrations", 'psql')],
    ["psql's own \\echo", (b) => b.cmd('14:04:00', 'psql -c "\\echo pg_stat_statements explain analyze pg_indexes"')],
    ["psql's \\echo in a here-document", (b) => b.cmd('14:04:00', 'psql <<EOF\nselect 1;\n\\echo pg_stat_statements explain analyze\nEOF')],
    ['echo piped into a filter', (b) => b.cmd('14:04:00', 'echo \'{"q": "pg_stat_statements"}\' | jq .q')],
    ['an alias that only echoes', (b) => b.cmd('14:04:00', "alias stats='echo pg_stat_statements'").cmd('14:04:20', 'stats')],
    ['a psql statement interrupted within a second', (b) => b.cmd('14:04:00', 'SELECT * FROM pg_stat_statements;', 'psql', 1, { interrupted: true, durationMs: 400 })],
  ];
  for (const [name, add] of stuffed)
    it(name, () => {
      const events = add(new SessionBuilder().start()).cmd('14:05:00', FIX).fixedBy('14:06:00', '14:06:10').events;
      expect(credits(events)).toEqual({});
      const report = scoreSession(events, scenario);
      expect(criterion(report, 'investigation').points).toBe(0);
      expect(criterion(report, 'time').evidence.some((e) => e.note?.startsWith('time to detect'))).toBe(false);
    });

  it('gives a command that failed at most half, and no time to detect', () => {
    const events = new SessionBuilder().start().cmd('14:04:00', 'ls /srv/orders/migrations/0099_nope.sql', 'shell', 2).cmd('14:05:00', FIX).fixedBy('14:06:00', '14:06:10').events;
    expect(credits(events)).toEqual({ 'ls /srv/orders/migrations/0099_nope.sql': { migrations: 0.5 } });
    const report = scoreSession(events, scenario);
    expect(criterion(report, 'investigation').evidence.map((e) => e.note).join('\n')).toContain('migrations (root-cause signal): half credit because `ls /srv/orders/migrations/0099_nope.sql`, failed (exit 2)');
    expect(criterion(report, 'time').evidence.some((e) => e.note?.startsWith('time to detect'))).toBe(false);
  });

  it('gives half to a command whose own status the line hides (`psql …; true`)', () => {
    const events = new SessionBuilder().start().cmd('14:04:00', 'psql -c "select * from pg_stat_statements"; true').events;
    expect(credits(events)).toEqual({ 'psql -c "select * from pg_stat_statements"; true': { 'pg-stat-statements': 0.5 } });
  });
});

describe('a real investigation, typed differently, earns its credit', () => {
  const paraphrases: [string, (b: SessionBuilder) => SessionBuilder, Record<string, Record<string, number>>][] = [
    ['psql -c through a pipeline', (b) => b.cmd('14:04:00', 'psql -Atc "select query, mean_exec_time from pg_stat_statements order by 2 desc" | grep -i orders'), {
      'psql -Atc "select query, mean_exec_time from pg_stat_statements order by 2 desc" | grep -i orders': { 'pg-stat-statements': 1 },
    }],
    ['interactive psql', (b) => b.cmd('14:04:00', 'SELECT query, total_exec_time FROM pg_stat_statements ORDER BY 2 DESC LIMIT 5;', 'psql'), {
      'SELECT query, total_exec_time FROM pg_stat_statements ORDER BY 2 DESC LIMIT 5;': { 'pg-stat-statements': 1 },
    }],
    ['a here-document into psql', (b) => b.cmd('14:04:00', "psql <<'SQL'\nEXPLAIN ANALYZE SELECT * FROM orders WHERE customer_email = 'a@b.c';\nSQL"), {
      "psql <<'SQL'\nEXPLAIN ANALYZE SELECT * FROM orders WHERE customer_email = 'a@b.c';\nSQL": { 'explain-plan': 1 },
    }],
    ['several statements in one here-document, each read on its own', (b) => b.cmd('14:04:00', "psql <<EOF\n\\timing on\nselect 1;\nexplain analyze select * from orders where customer_email = 'x';\n\\d orders\nEOF"), {
      "psql <<EOF\n\\timing on\nselect 1;\nexplain analyze select * from orders where customer_email = 'x';\n\\d orders\nEOF": { 'explain-plan': 1, indexes: 1 },
    }],
    ['watch curl, stopped with Ctrl-C after 30 s', (b) => b.cmd('14:04:00', 'watch -n 2 curl -s loadgen:9100/stats', 'shell', 130, { interrupted: true, durationMs: 30_000 }), {
      'watch -n 2 curl -s loadgen:9100/stats': { 'app-latency': 1 },
    }],
    ['a shell function defined in the session', (b) =>
      b.cmd('14:04:00', 'slowest() { psql -c "select query from pg_stat_statements order by mean_exec_time desc limit ${1:-5}"; }').cmd('14:04:30', 'slowest 3'), {
      'slowest 3': { 'pg-stat-statements': 1 },
    }],
    ['an alias defined in the session', (b) => b.cmd('14:04:00', "alias q='psql -XAt -c'").cmd('14:04:20', "q '\\d orders'"), { "q '\\d orders'": { indexes: 1 } }],
    ['sudo, env and a for loop', (b) =>
      b.cmd('14:04:00', 'sudo -u oncall env PGDATABASE=shop psql -c "select indexdef from pg_indexes where tablename = \'orders\'"')
        .cmd('14:04:30', 'for f in 0006 0007; do cat /srv/orders/migrations/${f}_*.sql; done'), {
      'sudo -u oncall env PGDATABASE=shop psql -c "select indexdef from pg_indexes where tablename = \'orders\'"': { indexes: 1 },
      'for f in 0006 0007; do cat /srv/orders/migrations/${f}_*.sql; done': { migrations: 1 },
    }],
    ['docker exec and ssh one-liners', (b) =>
      b.cmd('14:04:00', 'docker exec -i db psql -U oncall -c "select * from pg_stat_activity"').cmd('14:04:30', "ssh oncall@orders 'curl -s localhost:8081/debug/logs | tail -50'"), {
      'docker exec -i db psql -U oncall -c "select * from pg_stat_activity"': { 'db-load': 1 },
      "ssh oncall@orders 'curl -s localhost:8081/debug/logs | tail -50'": { 'app-logs': 1 },
    }],
  ];
  for (const [name, add, expected] of paraphrases)
    it(name, () => {
      const events = add(new SessionBuilder().start()).events;
      expect(credits(events)).toEqual(expected);
    });

  it('keeps aliases and functions per terminal: another shell never defined them', () => {
    const events = new SessionBuilder()
      .start()
      .cmd('14:04:00', 'slowest() { psql -c "select * from pg_stat_statements"; }', 'shell', 0, { terminal: 1 })
      .cmd('14:04:30', 'slowest', 'shell', 127, { terminal: 2 }).events;
    expect(credits(events)).toEqual({});
  });

  it('says in the report which command earned each signal', () => {
    const events = new SessionBuilder()
      .start()
      .cmd('14:04:00', 'psql -Atc "select query from pg_stat_statements order by mean_exec_time desc" | head -3')
      .cmd('14:05:00', FIX)
      .fixedBy('14:06:00', '14:06:10').events;
    const notes = criterion(scoreSession(events, scenario), 'investigation').evidence.map((e) => e.note).join('\n');
    expect(notes).toContain('pg-stat-statements (root-cause signal): credited because psql sent `select query from pg_stat_statements order by mean_exec_time desc`, exit 0, at T+0m50s');
  });
});

describe('replayable from the event log', () => {
  it('scores the same from events.jsonl as from the events in memory', () => {
    const events = new SessionBuilder()
      .start()
      .cmd('14:04:00', "alias q='psql -XAt -c'")
      .cmd('14:04:30', 'q "select * from pg_stat_statements"')
      .cmd('14:05:00', 'echo pg_indexes')
      .cmd('14:06:00', FIX)
      .fixedBy('14:07:00', '14:07:10').events;
    const path = join(mkdtempSync(join(tmpdir(), 'fd-evidence-')), 'events.jsonl');
    writeFileSync(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const replayed = readEvents(path).events;
    expect(replayed).toHaveLength(events.length);
    const report = scoreSession(events, scenario);
    expect(scoreSession(replayed, scenario)).toEqual(report);
    expect(criterion(report, 'investigation').evidence.map((e) => e.note).join('\n')).toContain('credited because psql sent `select * from pg_stat_statements` (through alias q)');
  });
});
