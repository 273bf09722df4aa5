import { describe, expect, it } from 'vitest';
import {
  investigationSignalSchema,
  postmortemRubricSchema,
  scoringSchema,
} from '../../../main/engine/scenario/schema.js';
import { classifyHeading, gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import type { GradeReport, PostmortemRubric } from '../../../main/scoring/types.js';
import { fastLearner, fixture, packYaml, rubricYaml, SessionBuilder, slowQueryScenario } from './session.js';

const rubric = slowQueryScenario().postmortem;
const grade = (name: string, extra: Parameters<typeof gradePostmortem>[2] = {}): GradeReport =>
  gradePostmortem(fixture(name), rubric, {
    events: fastLearner(),
    resolutionId: 'fixed',
    timeZone: 'UTC',
    ...extra,
  });
const criterion = (r: GradeReport, id: string) => r.criteria.find((c) => c.id === id)!;

describe('the slow-query rubric fixture and the pack rubric', () => {
  it('are valid against the scenario schema', () => {
    const y = rubricYaml();
    expect(() => postmortemRubricSchema.parse(packYaml().postmortem)).not.toThrow();
    for (const v of packYaml().variants) if (v.postmortem) expect(() => postmortemRubricSchema.parse(v.postmortem)).not.toThrow();
    expect(() => scoringSchema.parse(y.scoring)).not.toThrow();
    for (const s of y.investigation as unknown[]) expect(() => investigationSignalSchema.parse(s)).not.toThrow();
    // Every pattern compiles as the engine will compile it.
    for (const s of y.investigation as { evidence: ({ sql: string } | { args?: string })[] }[])
      for (const rule of s.evidence) expect(() => new RegExp('sql' in rule ? rule.sql : (rule.args ?? ''), 'i')).not.toThrow();
  });

  it('rejects a concept with neither match nor phrases, naming the field', () => {
    const result = postmortemRubricSchema.safeParse({ rootCause: [{ id: 'x' }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['rootCause', 0, 'match']);
  });
});

describe('the slow-query write-ups, graded with the session they describe', () => {
  it('puts the strong write-up at least 15 points above the adequate one', () => {
    expect(grade('strong.md').score - grade('adequate.md').score).toBeGreaterThanOrEqual(15);
  });

  it('keeps the order strong > adequate > weak without an event log too', () => {
    const noEvents = (f: string): number => gradePostmortem(fixture(f), rubric, {}).score;
    expect(noEvents('strong.md')).toBeGreaterThan(noEvents('adequate.md'));
    expect(noEvents('adequate.md')).toBeGreaterThan(noEvents('weak.md'));
    expect(noEvents('wrong-root-cause.md')).toBeLessThanOrEqual(40);
  });

  it('caps a wrong root cause at 40 and says what the section names, citing the session, never the answer', () => {
    const report = grade('wrong-root-cause.md', { signals: slowQueryScenario().investigation });
    expect(report.score).toBe(40);
    expect(report.band).toBe('fail');
    const rc = criterion(report, 'root-cause');
    expect(rc.points).toBeLessThanOrEqual(rc.max * 0.15 + 0.05);
    expect(rc.evidence.join('\n')).toContain('names: "The database is undersized');
    // The session's own evidence: the first root-cause signal the learner ran, and the checks that held.
    expect(rc.feedback).toContain('SELECT query, calls, mean_exec_time FROM pg_stat_statements');
    expect(rc.feedback).toContain('index valid');
    // Never the answer: no rubric concept, description or theme shows up for the learner.
    const learnerText = report.criteria.flatMap((c) => [c.feedback, ...c.evidence]).join('\n');
    for (const secret of ['missing-index', 'no usable index', 'migration-not-applied', 'migrations-in-deploy', 'create the missing index'])
      expect(learnerText).not.toContain(secret);
    const cap = criterion(report, 'root-cause-cap');
    expect(cap.points).toBeLessThan(0);
    expect(cap.evidence[0]).toContain('undersized');
  });

  it('penalises the blameful twin clearly against the strong write-up it was made from', () => {
    const strong = grade('strong.md');
    const blameful = grade('blameful.md');
    expect(strong.score - blameful.score).toBeGreaterThanOrEqual(15);
    expect(criterion(blameful, 'blameless').points).toBe(0);
    expect(criterion(strong, 'blameless').points).toBe(criterion(strong, 'blameless').max);
    expect(criterion(strong, 'blameless').evidence).toEqual([]);
  });

  it('is deterministic: same input, same report', () => {
    for (const f of ['strong.md', 'adequate.md', 'wrong-root-cause.md', 'deny-keyword-list.md'])
      expect(JSON.stringify(grade(f))).toBe(JSON.stringify(grade(f)));
  });

  it('explains itself to trainers only when asked', () => {
    expect(grade('strong.md').criteria.some((c) => c.explain)).toBe(false);
    const explained = grade('deny-keyword-list.md', { explain: true });
    const lines = criterion(explained, 'root-cause').explain!.join('\n');
    expect(lines).toContain('read the root-cause section');
    expect(lines).toMatch(/dismissed by a later reference: "None of these was the problem/);
    expect(lines).toContain('CAP: the primary cause (missing-index)');
  });
});

describe('root cause: affirmation and placement', () => {
  const small: PostmortemRubric = postmortemRubricSchema.parse({
    rootCause: [{ id: 'missing-index', phrases: ['missing index', 'no index'] }],
    wrongRootCauses: [{ id: 'db-capacity', phrases: ['database was undersized', 'not enough cpu'] }],
  });
  const rootCause = (body: string, extra = ''): GradeReport =>
    gradePostmortem(`# PM\n\n## Summary\n\n${extra}\n\n## Root cause\n\n${body}\n`, small, {});
  const rc = (r: GradeReport) => criterion(r, 'root-cause');
  const capped = (r: GradeReport): boolean => r.criteria.some((c) => c.id === 'root-cause-cap') || rc(r).evidence.join(' ').includes('names');

  it('counts an affirmative statement in the root-cause section fully (phrases still work)', () => {
    expect(rc(rootCause('The missing index on customer_email made every call slow.')).evidence[0]).toContain('the root cause is stated in the root-cause section');
  });

  it('tolerates word order and punctuation', () => {
    expect(rc(rootCause('The index (on customer_email) was missing, so every call was slow.')).evidence[0]).toContain('the root cause is stated');
  });

  it.each([
    'It was not the missing index; we checked the plan.',
    'We ruled out the missing index early.',
    'There is no evidence of a missing index.',
    'The missing index was not the cause.',
    "It wasn't a missing index either.",
  ])('does not count a denied mention: %s', (sentence) => {
    const r = rootCause(sentence);
    expect(rc(r).points).toBeLessThanOrEqual(rc(r).max * 0.15 + 0.05);
    expect(capped(r)).toBe(true);
  });

  it('does not let "not X but Y" negate Y', () => {
    expect(rc(rootCause('It was not the network but a missing index on customer_email.')).evidence[0]).toContain('the root cause is stated');
  });

  it('does not establish the cause from a mention outside the root-cause section alone', () => {
    const r = rootCause('We are still looking into it.', 'Queries slowed down because of a missing index.');
    expect(rc(r).points).toBeLessThanOrEqual(rc(r).max * 0.15 + 0.05);
  });

  it('uses the summary where there is no root-cause section', () => {
    const r = gradePostmortem('# PM\n\n## Summary\n\nCheckout was slow because of a missing index on customer_email.\n', small, {});
    expect(rc(r).evidence[0]).toContain('stated in the summary (there is no root-cause section)');
  });

  it('marks a wrong cause asserted next to the right one, but not a hedged or ruled-out one', () => {
    expect(rc(rootCause('The database was undersized for the traffic, and there was a missing index.')).evidence.join('\n')).toContain(
      'also blames something',
    );
    expect(rc(rootCause('We first suspected the database was undersized; it was a missing index.')).evidence.join('\n')).not.toContain('also blames');
    expect(rc(rootCause('We ruled out that the database was undersized. The missing index caused it.')).evidence.join('\n')).not.toContain('also blames');
  });

  it('caps a wrong cause no rubric lists', () => {
    const r = rootCause('A cold cache stampede after the restart sent every request to the database at once.');
    expect(r.criteria.find((c) => c.id === 'root-cause-cap') ?? rc(r)).toBeTruthy();
    expect(rc(r).evidence[0]).toContain('names: "A cold cache stampede');
  });
});

describe('structure: headings matched by meaning', () => {
  it.each([
    ['What happened', 'summary'],
    ['Customer impact', 'impact'],
    ['Follow-ups', 'action-items'],
    ['Remediation items', 'action-items'],
    ['Why it happened', 'root-cause'],
    ['Contributing factors', 'root-cause'],
    ['How we fixed it', 'resolution'],
    ['Mitigation', 'resolution'],
    ['Where we got lucky', 'lessons'],
    ['Learnings', 'lessons'],
    ['Chronology', 'timeline'],
    ['How we noticed', 'detection'],
    ['What triggered it', 'trigger'],
  ])('"%s" is %s', (heading, kind) => {
    expect(classifyHeading(heading)).toContain(kind);
  });

  it('does not take "Remediation items" for the resolution or "Timeline" for the summary', () => {
    expect(classifyHeading('Remediation items')).not.toContain('resolution');
    expect(classifyHeading('Timeline of what happened')).toEqual(['timeline']);
  });
});

describe('blameless findings', () => {
  it('quotes each blameful sentence and suggests a rewrite', () => {
    const blameless = criterion(grade('blameful.md'), 'blameless');
    expect(blameless.evidence.length).toBeGreaterThanOrEqual(4);
    const text = blameless.evidence.join('\n');
    expect(text).toContain(
      '"The migration was never applied because of human error: Dave forgot to run it after the deploy."',
    );
    expect(text).toMatch(/Dave forgot.*→ suggested: ".*did not run it/);
    expect(text).toMatch(/should have checked.*→ suggested: ".*did not check schema_migrations/);
    expect(text).toMatch(/careless mistake.*→ suggested: "This was a mistake/);
    for (const e of blameless.evidence) expect(e).toContain('→ suggested:');
  });

  it('does not flag a system failing ("the pipeline failed to run")', () => {
    const r = gradePostmortem(
      '## Root cause\n\nThe deploy pipeline failed to run the migration, and nothing checked it.\n',
      { rootCause: [{ id: 'x', phrases: ['x'] }] },
      {},
    );
    expect(criterion(r, 'blameless').evidence.filter((e) => e.includes('suggested'))).toEqual([]);
  });
});

describe('timeline checked against the event log', () => {
  const events = fastLearner();
  const timeline = (rows: string[], tz = 'UTC'): string[] =>
    criterion(
      gradePostmortem(`## Timeline\n\n${rows.map((r) => `- ${r}`).join('\n')}\n`, rubric, {
        events,
        timeZone: tz,
      }),
      'timeline',
    ).evidence;

  it('matches clock times in UTC to the fault, the page, the first command, mitigation and resolution', () => {
    const ev = timeline([
      '14:01 v2 deployed',
      '14:03 CheckoutLatencyHigh fired, paged',
      '14:04 started investigating with curl',
      '14:16:32 index built, latency recovered (mitigated)',
      '14:16:42 resolved',
    ]).join('\n');
    for (const m of [
      'fault injected',
      'first alert',
      'first investigative command',
      'matched mitigation',
      'matched resolution',
    ])
      expect(ev).toContain(`matched ${m.replace('matched ', '')}`);
  });

  it('accepts the same times written in the learner’s local zone', () => {
    // 14:01 UTC is 15:01 in Paris in March.
    const ev = timeline(
      ['15:01 release v2 deployed', '15:03 alert fired and I was paged'],
      'Europe/Paris',
    ).join('\n');
    expect(ev).toContain('matched fault injected');
    expect(ev).toContain('matched first alert');
  });

  it('accepts T+ times from the page, ISO timestamps, and rejects times off by more than the tolerance', () => {
    const ev = timeline([
      '2025-03-14T14:01:40Z release v2 rolled out',
      'T+1m investigating: looked at checkout latency',
      'T+13:22 mitigation: index created, latency recovered',
      '14:25 resolved',
    ]).join('\n');
    expect(ev).toContain('matched fault injected');
    expect(ev).toContain('matched first investigative command');
    expect(ev).toContain('matched mitigation');
    expect(ev).toContain('no entry for resolution');
  });

  it('reports entries out of chronological order', () => {
    expect(timeline(['14:10 looked at logs', '14:05 alert fired']).join('\n')).toContain(
      'out of order: "14:05 alert fired"',
    );
  });

  it('uses the page when there is no alert event', () => {
    const b = new SessionBuilder()
      .at('14:00:00', { type: 'phase.changed', from: null, to: 'preparing' })
      .at('14:03:10', { type: 'phase.changed', from: 'injecting', to: 'live' });
    const r = gradePostmortem('## Timeline\n\n- 14:03 paged\n', rubric, {
      events: b.events,
      timeZone: 'UTC',
    });
    expect(criterion(r, 'timeline').evidence.join('\n')).toContain('matched the page');
  });
});

describe('action items', () => {
  it('costs points when a rolled-back run leaves the index out of the follow-ups', () => {
    const fixed = criterion(grade('adequate.md', { resolutionId: 'fixed' }), 'action-items');
    const rolledBack = criterion(grade('adequate.md', { resolutionId: 'rolled-back' }), 'action-items');
    expect(rolledBack.points).toBeLessThan(fixed.points);
    expect(rolledBack.evidence.join('\n')).toContain('missing required item(s): index');
    // The strong write-up's runbook item ("create the index concurrently or roll back") covers it.
    expect(
      criterion(grade('strong.md', { resolutionId: 'rolled-back' }), 'action-items').evidence.join('\n'),
    ).not.toContain('missing required');
  });

  it('recognises types, owners and tracking in a table, and vague items in a list', () => {
    const strong = criterion(grade('strong.md'), 'action-items');
    expect(strong.evidence[0]).toMatch(/prevent, owner platform team, tracked PLAT-412/);
    const weak = criterion(grade('weak.md'), 'action-items');
    expect(weak.evidence.join('\n')).toContain('vague ("be more careful")');
    expect(weak.evidence.join('\n')).toContain('vague ("pay more attention")');
  });
});
