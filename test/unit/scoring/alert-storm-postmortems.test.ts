/**
 * alert-storm's postmortem corpus (test/fixtures/postmortems/alert-storm/) graded by meaning with an
 * alert-storm session log: calibration.test.ts holds each file's band; this test holds what the bands are for.
 * Credit for the cause only where the arithmetic (orders' pools against max_connections) is affirmed, never
 * for the symptom every wrong story shares ("the database ran out of connections"); every write-up that blames
 * something else (listed or not), only the deploy, only the symptoms, or denies the cause is capped; the order
 * strong > adequate > terse > weak; and the false-alarm variant is graded with its own rubric.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { applyVariant } from '../../../main/engine/run/variants.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { ROOT_CAUSE_CAP, gradePostmortem, statesConcept } from '../../../main/scoring/postmortem/index.js';
import { UNESTABLISHED_SHARE } from '../../../main/scoring/postmortem/root-cause.js';
import { criterion, packCorpus, rootCauseShare } from './calibration/pack-corpus.js';
import { SessionBuilder } from './session.js';

const PACK = fileURLToPath(new URL('../../../scenarios/alert-storm', import.meta.url));
const { scenario } = await loadScenario(PACK);
const rubric = scenario.postmortem;

/** An alert-storm run: v2 rolls out at 14:00:20, the first page 14:01:30, rollback 14:06:30, submitted with the inhibition rule. */
function session(resolution: string, variant: string | null = null): RunEvent[] {
  return new SessionBuilder()
    .at('14:00:00', {
      type: 'run.created',
      runId: 'run-as',
      scenario: 'alert-storm',
      scenarioDir: PACK,
      scenarioTitle: scenario.metadata.title,
      variant,
      seed: 1,
      runtime: 'docker',
      parMinutes: 25,
    })
    .at('14:00:05', { type: 'phase.changed', from: 'preparing', to: 'baseline' })
    .at('14:00:10', { type: 'phase.changed', from: 'baseline', to: 'injecting' })
    .at('14:00:20', { type: 'fault.step', stepId: 'deploy-v2-orders-1', action: 'replace', status: 'applied' })
    .at('14:01:25', {
      type: 'alert.fired',
      alertname: 'PostgreSQLTooManyConnections',
      severity: 'page',
      fingerprint: 'p1',
      labels: { alertname: 'PostgreSQLTooManyConnections', env: 'shop-prod' },
    })
    .at('14:01:30', { type: 'check.changed', group: 'broken', checkId: 'pages-storm', title: 'the pager got at least 5 pages', pass: true })
    .at('14:01:30', { type: 'phase.changed', from: 'injecting', to: 'live' })
    .cmd('14:02:10', "amtool alert query -o json | jq 'sort_by(.startsAt)'")
    .cmd('14:03:00', "psql -c 'SELECT application_name, count(*) FROM pg_stat_activity GROUP BY 1'")
    .cmd('14:03:40', "psql -c 'SHOW max_connections'")
    .cmd('14:04:30', 'git -C /srv/orders diff v1.0.0 v2.0.0')
    .cmd('14:05:30', 'deploy orders v1.0.0')
    .cmd('14:09:00', 'vi /srv/monitoring/alertmanager/alertmanager.yml')
    .cmd('14:11:00', 'amtool check-config /srv/monitoring/alertmanager/alertmanager.yml')
    .cmd('14:12:00', 'reload alertmanager')
    .at('14:14:00', { type: 'resolution.holding', resolutionId: resolution })
    .at('14:16:00', { type: 'resolution.reached', resolutionId: resolution, points: 100, heldMs: 10_000 })
    .at('14:16:00', { type: 'phase.changed', from: 'live', to: 'resolved' }).events;
}

const corpus = packCorpus('alert-storm', rubric, scenario.investigation ?? [], { events: () => session('fixed'), resolutionId: 'fixed' });
const score = (file: string, events = true): number => corpus.grade(file, events ? {} : { events: null }).score;
const status = (sentence: string, id = 'pool-exceeds-max-connections'): string => statesConcept(sentence, rubric, id)?.status ?? 'absent';

describe('alert-storm postmortem corpus, by meaning', () => {
  it('has the write-ups the calibration asks for', () => {
    for (const category of ['correct', 'adequate', 'terse', 'weak', 'wrong', 'denies', 'trigger', 'no-cause', 'blameful'])
      expect(corpus.category(category).length, category).toBeGreaterThan(0);
    expect(corpus.category('correct').length).toBeGreaterThanOrEqual(4);
    expect(corpus.category('wrong').length).toBeGreaterThanOrEqual(4);
  });

  it('passes every correct write-up (template, table, narrative, five whys, other words) with this scenario\'s session log', () => {
    for (const file of corpus.category('correct')) {
      const report = corpus.grade(file);
      expect(report.score, file).toBeGreaterThanOrEqual(75);
      expect(rootCauseShare(report), file).toBeGreaterThanOrEqual(0.6);
    }
  });

  it('caps every write-up whose root cause is another one, listed or not, only the deploy, only the symptoms, or a denial', () => {
    for (const file of [...corpus.category('wrong'), ...corpus.category('denies'), ...corpus.category('trigger'), ...corpus.category('no-cause')]) {
      const report = corpus.grade(file);
      expect(report.score, file).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
      // At most the share an unestablished cause keeps (points are rounded to 0.1).
      expect(rootCauseShare(report), file).toBeLessThanOrEqual(UNESTABLISHED_SHARE + 0.01);
    }
  });

  it('caps a wrong cause the rubric does not list (disk I/O, a resolver cache) by the general rule', () => {
    for (const [file, cause] of [
      ['wrong-disk-io.md', 'The root cause was disk I/O saturation on the PostgreSQL volume.'],
      ['unlisted-wrong-cause.md', "orders-lb's resolver cached the old replica addresses after the rolling deploy, so requests went to the wrong replicas."],
    ] as const) {
      for (const wrong of rubric.wrongRootCauses) expect(status(cause, wrong.id), `${file}: ${wrong.id}`).not.toBe('affirmed');
      const report = corpus.grade(file);
      expect(report.score, file).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
      const rc = criterion(report, 'root-cause')!;
      // The feedback cites the learner's own session, never the answer.
      expect(rc.feedback).toContain('startsAt');
      expect(`${rc.feedback}\n${rc.evidence.join('\n')}`).not.toMatch(/max_connections|pool|200/i);
    }
  });

  it('credits the arithmetic only where it is affirmed, and never the symptom alone', () => {
    for (const sentence of [
      'Four replicas with a pool of 50 each wanted 200 connections, and max_connections is 100.',
      'Orders alone wanted two hundred sessions against a ceiling of one hundred.',
      'Pool size times replicas exceeded max_connections.',
    ])
      expect(status(sentence), sentence).toBe('affirmed');
    for (const sentence of [
      'It was not the pool size: 4 × 50 = 200 connections against max_connections of 100 was never the problem.',
      "orders v2's 50 connections per replica and the database's max_connections of 100 were fine.",
      'We looked at the pool of 50 per replica against max_connections and ruled it out.',
    ])
      expect(['negated', 'dismissed'], sentence).toContain(status(sentence));
    // What every wrong story says too: the database was full. That is the symptom, not the cause.
    for (const sentence of ['The database ran out of connections and refused new ones.', 'PostgreSQL hit its connection limit under the load.'])
      expect(status(sentence), sentence).toBe('absent');
  });

  it('orders the write-ups as a trainer would: strong > adequate > terse > weak, with and without a session log', () => {
    for (const events of [true, false]) {
      const worst = (category: string): number => Math.min(...corpus.category(category).map((f) => score(f, events)));
      const best = (category: string): number => Math.max(...corpus.category(category).map((f) => score(f, events)));
      expect(score('strong.md', events)).toBeGreaterThan(best('adequate') + 10);
      expect(worst('adequate')).toBeGreaterThan(best('terse'));
      expect(worst('terse')).toBeGreaterThan(best('weak'));
    }
  });

  it('costs the blameful twin at least 10 points against the blameless write-up it was made from', () => {
    const blameful = corpus.grade('blameful.md');
    expect(criterion(blameful, 'blameless')!.points).toBeLessThanOrEqual(criterion(blameful, 'blameless')!.max / 2);
    expect(score('strong.md') - blameful.score).toBeGreaterThanOrEqual(10);
  });

  it('asks the review of a mitigated run (alerting unchanged) for cause-based inhibition', () => {
    const text = corpus.text('correct-prose-narrative.md');
    const withoutInhibition = text.replace(/^\| Cause-based inhibition.*\n/m, '');
    expect(withoutInhibition).not.toBe(text);
    const loss = (resolutionId: string): number => {
      const options = { events: session(resolutionId), resolutionId };
      const points = (t: string) => criterion(corpus.grade('correct-prose-narrative.md', { ...options, text: t }), 'action-items')!.points;
      return points(text) - points(withoutInhibition);
    };
    expect(loss('mitigated')).toBeGreaterThan(loss('fixed'));
  });

  describe('variants, each with its own rubric', () => {
    const variants = readdirSync(join(corpus.dir, 'variants'));
    it.each(variants)('%s: its correct write-ups pass, wrong ones are capped, and the base story is capped under its rubric', (name) => {
      const variant = applyVariant(scenario, { seed: 1, variant: name }).scenario;
      const resolution = variant.checks.resolutions[0]!.id;
      const files = packCorpus(join('alert-storm', 'variants', name), variant.postmortem, variant.investigation ?? [], {
        events: () => session(resolution, name),
        resolutionId: resolution,
      });
      for (const file of files.category('correct')) {
        const report = files.grade(file);
        expect(report.score, file).toBeGreaterThanOrEqual(75);
        expect(rootCauseShare(report), file).toBeGreaterThanOrEqual(0.6);
      }
      for (const file of files.category('wrong')) expect(files.grade(file).score, file).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
      // A thin but right write-up sits between the wrong ones and the strong ones.
      const scores = (category: string): number[] => files.category(category).map((f) => files.grade(f).score);
      for (const adequate of scores('adequate')) {
        expect(adequate).toBeGreaterThan(Math.max(0, ...scores('wrong')));
        expect(adequate).toBeLessThan(Math.min(100, ...scores('correct')));
      }
      const base = gradePostmortem(corpus.text('strong.md'), variant.postmortem, { events: session(resolution, name), resolutionId: resolution, timeZone: 'UTC' });
      expect(base.score).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
    });
  });
});
