import { describe, expect, it } from 'vitest';
import { scoreSession } from '../../../main/scoring/troubleshooting/index.js';
import { heldClock, pausedBetween, pausedSpans } from '../../../main/engine/events/paused.js';
import { scoringSchema } from '../../../main/engine/scenario/schema.js';
import type { ScoringScenario, TroubleshootingReport } from '../../../main/scoring/types.js';
import { fastLearner, SessionBuilder, slowQueryScenario } from './session.js';

const scenario = slowQueryScenario();
const criterion = (r: TroubleshootingReport, id: string) => r.criteria.find((c) => c.id === id)!;

describe('a fast, careful learner', () => {
  const report = scoreSession(fastLearner(), scenario);

  it('gets full marks, each criterion with evidence', () => {
    expect(report.score).toBe(100);
    expect(report.resolutionId).toBe('fixed');
    for (const c of report.criteria) {
      expect(c.points).toBe(c.max);
      expect(c.feedback).toMatch(/\.$/);
    }
    expect(criterion(report, 'outcome').evidence[0]).toMatchObject({
      eventId: 'e23',
      note: expect.stringContaining('reached'),
    });
  });

  it('measures time to detect from the page to the first root-cause signal, and time to mitigate', () => {
    const notes = criterion(report, 'time')
      .evidence.map((e) => e.note)
      .join('\n');
    expect(notes).toContain('time to detect: 4m52s'); // 14:03:10 -> pg_stat_statements at 14:08:02
    expect(notes).toContain('time to mitigate: 13m22s'); // -> resolution.holding at 14:16:32
    expect(
      criterion(report, 'time').evidence.find((e) => e.note?.startsWith('time to detect'))?.command,
    ).toContain('pg_stat_statements');
  });

  it('credits shell and psql commands as investigation signals, before the fix, in order', () => {
    const inv = criterion(report, 'investigation');
    const looked = inv.evidence.filter((e) => /^\S+( \(root-cause signal\))?: credited because /.test(e.note ?? ''));
    expect(looked.map((e) => e.note!.split(/[ :]/)[0])).toEqual([
      'app-latency',
      'app-logs',
      'db-load',
      'pg-stat-statements',
      'explain-plan',
      'indexes',
      'migrations',
    ]);
    expect(looked.find((e) => e.note!.includes('indexes'))?.command).toBe('\\d orders');
    expect(inv.evidence.at(-1)?.note).toContain('21 of 21 pairs in the sensible order');
  });
});

describe('a hint-heavy learner', () => {
  const b = new SessionBuilder().start();
  b.at('14:08:10', { type: 'hint.shown', hintId: 'look-at-stats', index: 0, text: 'pg_stat_statements' })
    .at('14:08:30', { type: 'hint.shown', hintId: 'look-at-stats', index: 0, text: 'again' })
    .at('14:12:10', { type: 'hint.shown', hintId: 'explain', index: 1, text: 'EXPLAIN it' })
    .at('14:20:00', { type: 'hint.shown', hintId: 'migrations', index: 2, text: 'migrations' })
    .cmd('14:21:00', 'SELECT * FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 3;', 'psql')
    .cmd('14:24:00', 'CREATE INDEX CONCURRENTLY ON orders (customer_email, created_at DESC);', 'psql')
    .fixedBy('14:27:10', '14:27:20');
  const report = scoreSession(b.events, scenario);

  it('pays hintCost per distinct hint, each cited', () => {
    const hints = criterion(report, 'hints');
    expect(hints.points).toBe(0); // 10 - 3 x 5, floored
    expect(hints.evidence.map((e) => e.eventId)).toEqual(['e9', 'e11', 'e12']);
  });

  it('loses time points for a slow detection and mitigation, and investigation points for skipped signals', () => {
    const time = criterion(report, 'time');
    // detect 17m50s vs par 7m30s; mitigate 24m vs par 15m.
    expect(time.points).toBeCloseTo(
      20 * (0.4 * (1 - (1070 - 450) / 900) + 0.6 * (1 - (1440 - 900) / 1800)),
      1,
    );
    const inv = criterion(report, 'investigation');
    expect(inv.points).toBeCloseTo(20 * (0.75 * (1 / 7) + 0.25), 1);
    expect(inv.feedback).toContain('1 of 7 signals');
  });
});

describe('a destructive learner', () => {
  const b = new SessionBuilder().start();
  b.cmd('14:04:00', 'kill -9 $(pgrep -f orders)')
    .cmd('14:05:00', 'docker restart $(docker ps -q)')
    .cmd('14:06:00', 'amtool silence add --duration=2h severity=~".*"')
    .cmd('14:07:00', 'DELETE FROM orders;', 'psql')
    .cmd('14:07:30', "DELETE FROM orders WHERE created_at < '2020-01-01';", 'psql')
    .cmd('14:08:00', 'DROP INDEX orders_pkey;', 'psql')
    .cmd('14:09:00', 'rm -rf /var/lib/postgresql/data/pg_wal')
    .fixedBy('14:30:00', '14:30:10');
  const report = scoreSession(b.events, scenario);

  it('charges each risky command with the command and reason as evidence', () => {
    const safety = criterion(report, 'safety');
    expect(safety.points).toBe(0);
    const commands = safety.evidence.map((e) => e.command);
    expect(commands).toEqual([
      'kill -9 $(pgrep -f orders)',
      'docker restart $(docker ps -q)',
      'amtool silence add --duration=2h severity=~".*"',
      'DELETE FROM orders;',
      'DROP INDEX orders_pkey;',
      'rm -rf /var/lib/postgresql/data/pg_wal',
    ]);
    expect(safety.evidence.find((e) => e.command?.startsWith('DROP INDEX'))?.note).toContain(
      'drops an index under load',
    );
    expect(safety.evidence.find((e) => e.command?.startsWith('DELETE'))?.note).toContain(
      'DELETE without WHERE',
    );
  });

  it('does not charge a targeted DELETE, a SELECT or CREATE INDEX CONCURRENTLY', () => {
    const safe = new SessionBuilder().start();
    safe
      .cmd('14:04:00', 'DELETE FROM carts WHERE id = 42;', 'psql')
      .cmd('14:05:00', 'SELECT count(*) FROM orders;', 'psql')
      .cmd('14:06:00', 'CREATE INDEX CONCURRENTLY idx ON orders (customer_email);', 'psql')
      .cmd('14:07:00', 'amtool silence add alertname=CheckoutLatencyHigh --duration=30m');
    expect(criterion(scoreSession(safe.events, scenario), 'safety').evidence).toEqual([]);
  });
});

describe('an abandoned run', () => {
  const b = new SessionBuilder().start();
  b.cmd('14:05:00', 'docker logs orders')
    .cmd('14:08:00', 'EXPLAIN ANALYZE SELECT * FROM orders WHERE customer_email = $1', 'psql')
    .at('14:09:00', {
      type: 'check.changed',
      group: 'resolution:fixed',
      checkId: 'v2-serving',
      title: 'v2 serving',
      pass: true,
    })
    .at('14:10:00', {
      type: 'check.changed',
      group: 'resolution:fixed',
      checkId: 'index-valid',
      title: 'index valid',
      pass: true,
    })
    .at('14:11:00', {
      type: 'check.changed',
      group: 'resolution:fixed',
      checkId: 'index-valid',
      title: 'index valid',
      pass: false,
    })
    .at('14:12:00', { type: 'phase.changed', from: 'live', to: 'abandoned' })
    .at('14:12:01', { type: 'run.ended', outcome: 'abandoned' });
  const report = scoreSession(b.events, scenario);

  it('gets partial outcome credit from the last state of the best resolution’s checks', () => {
    const outcome = criterion(report, 'outcome');
    expect(report.resolutionId).toBeNull();
    expect(outcome.points).toBeCloseTo(40 * 0.5 * (1 / 3), 1);
    expect(outcome.evidence.map((e) => e.note)).toEqual([
      'orders_customer_email_idx is valid: failing when the run ended',
      'checkout p95 < 150 ms: never passed',
      'v2 still serves /orders/recent: passing when the run ended',
      'run ended: abandoned',
    ]);
  });

  it('keeps detection credit but no mitigation credit', () => {
    const time = criterion(report, 'time');
    expect(time.points).toBeCloseTo(20 * 0.4, 1); // EXPLAIN at T+4m50s, within par/2
    expect(time.evidence.map((e) => e.note)).toContain('not mitigated');
  });
});

describe('scenario weights', () => {
  it('scales the scenario’s weights to 100', () => {
    const weighted: ScoringScenario = {
      ...scenario,
      scoring: {
        ...scenario.scoring,
        weights: { outcome: 50, time: 0, investigation: 25, safety: 25, hints: 0 },
      },
    };
    const r = scoreSession(fastLearner(), weighted);
    expect(r.criteria.map((c) => c.max)).toEqual([50, 0, 25, 25, 0]);
    expect(r.score).toBe(100);
  });

  it('reads a partial weight object with defaults, and a second-best resolution gets its share', () => {
    const b = new SessionBuilder().start();
    b.cmd('14:05:00', 'lab op rollback')
      .at('14:07:00', { type: 'resolution.holding', resolutionId: 'rolled-back' })
      .at('14:07:10', {
        type: 'resolution.reached',
        resolutionId: 'rolled-back',
        points: 60,
        heldMs: 10_000,
      });
    // The schema fills the weights a pack leaves out (time 20, investigation 20, safety 10, hints 10).
    const r = scoreSession(b.events, { ...scenario, scoring: scoringSchema.parse({ weights: { outcome: 40 } }) });
    expect(criterion(r, 'outcome').points).toBe(24);
    expect(r.resolutionId).toBe('rolled-back');
  });

  it('is pure: the same events and scenario give the same report', () => {
    expect(JSON.stringify(scoreSession(fastLearner(), scenario))).toBe(
      JSON.stringify(scoreSession(fastLearner(), scenario)),
    );
  });
});

describe('a game whose facilitator paused the clock', () => {
  // Same work as a slow learner, but ten minutes of it were the facilitator's pause (a room discussion).
  const b = new SessionBuilder().start();
  b.at('14:04:00', { type: 'facilitator.action', action: 'pause', game: 'g' })
    .at('14:14:00', { type: 'facilitator.action', action: 'resume', game: 'g' })
    .cmd('14:16:00', 'SELECT * FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 3;', 'psql')
    .cmd('14:20:00', 'CREATE INDEX CONCURRENTLY ON orders (customer_email, created_at DESC);', 'psql')
    .fixedBy('14:26:00', '14:26:10');
  const report = scoreSession(b.events, scenario);

  it('leaves the paused minutes out of time to detect and to mitigate, and says so', () => {
    const notes = criterion(report, 'time').evidence.map((e) => e.note).join('\n');
    expect(notes).toContain('time to detect: 2m50s'); // 12m50s since the page, 10m of it paused
    expect(notes).toContain('time to mitigate: 12m50s'); // 22m50s since the page
    expect(notes).toContain('paused the game clock for 10m');
  });

  it('a pause the facilitator never resumed runs to the end of the log; a resume alone means nothing', () => {
    const open = new SessionBuilder().start();
    open.at('14:05:00', { type: 'facilitator.action', action: 'resume', game: 'g' }).at('14:06:00', { type: 'facilitator.action', action: 'pause', game: 'g' });
    open.cmd('14:09:00', 'SELECT * FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 3;', 'psql');
    expect(pausedBetween(open.events, Date.parse(open.iso('14:03:10')), Number.POSITIVE_INFINITY)).toBe(3 * 60_000);
    expect(pausedSpans(open.events)).toHaveLength(1);
  });
});

describe('the live clock a team sees', () => {
  it('leaves out ended pauses after the page and stands still in a running one', () => {
    const b = new SessionBuilder().start();
    const paged = Date.parse(b.iso('14:03:10'));
    b.at('14:02:00', { type: 'facilitator.action', action: 'pause', game: 'g' })
      .at('14:04:10', { type: 'facilitator.action', action: 'resume', game: 'g' })
      .at('14:06:00', { type: 'facilitator.action', action: 'pause', game: 'g' });
    // The first pause counts from the page only (1 min); the second is still running.
    expect(heldClock(b.events, paged)).toEqual({ pausedMs: 60_000, pausedSince: Date.parse(b.iso('14:06:00')) });
    b.at('14:09:00', { type: 'facilitator.action', action: 'resume', game: 'g' });
    expect(heldClock(b.events, paged)).toEqual({ pausedMs: 4 * 60_000, pausedSince: null });
  });
});
