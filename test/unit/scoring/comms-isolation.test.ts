/**
 * What a team types in its incident channel never raises another score: troubleshooting and the postmortem
 * grade read commands and checks, never `status.update` events, even ones that name the root cause.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import { scoreSession } from '../../../main/scoring/troubleshooting/index.js';
import { fixture, rollbackLearner, slowQueryScenario } from './session.js';

const CLAIMS = [
  'Ran pg_stat_statements and EXPLAIN ANALYZE on orders: a sequential scan, the v2 migration dropped orders_customer_email_idx',
  'Created the index CONCURRENTLY on orders (customer_email, created_at DESC); p95 back under 150 ms',
  '\\d orders shows the missing index; schema_migrations confirms the v2 deploy removed it',
];

/** The same log with status updates right after the page, every event renumbered. */
function withUpdates(events: RunEvent[]): RunEvent[] {
  const page = events.findIndex((e) => e.type === 'phase.changed' && e.to === 'live');
  const at = events[page]!;
  const updates = CLAIMS.map((message, i) => ({ ...at, mono: at.mono + 1000 * (i + 1), type: 'status.update', author: 'alice', message }) as RunEvent);
  return [...events.slice(0, page + 1), ...updates, ...events.slice(page + 1)].map((e, i) => ({ ...e, seq: i + 1, id: `e${i + 1}` }));
}

describe('status updates and the other scores', () => {
  const scenario = slowQueryScenario();
  const plain = rollbackLearner();
  const posted = withUpdates(plain);

  it('troubleshooting scores the same with or without updates that claim the investigation', () => {
    const before = scoreSession(plain, scenario);
    const after = scoreSession(posted, scenario);
    expect(posted.filter((e) => e.type === 'status.update')).toHaveLength(3);
    expect(after.score).toBe(before.score);
    expect(after.criteria.map((c) => [c.id, c.points])).toEqual(before.criteria.map((c) => [c.id, c.points]));
  });

  it('the postmortem grade is the same with or without them', () => {
    for (const name of ['weak.md', 'rollback-cause-found.md']) {
      const grade = (events: RunEvent[]) => gradePostmortem(fixture(name), scenario.postmortem, { events, signals: scenario.investigation, resolutionId: 'rolled-back', timeZone: 'UTC' });
      const before = grade(plain);
      const after = grade(posted);
      expect(after.score, name).toBe(before.score);
      expect(after.criteria.map((c) => [c.id, c.points]), name).toEqual(before.criteria.map((c) => [c.id, c.points]));
    }
  });
});
