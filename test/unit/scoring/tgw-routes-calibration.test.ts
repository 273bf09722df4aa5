/**
 * tgw-routes' postmortem corpus (test/fixtures/postmortems/tgw-routes/) graded by meaning with a tgw-routes
 * session log: calibration.test.ts holds each file's band; this test holds what the bands are for. Credit for
 * the stale blackhole only where it is affirmed, and only in the table vpc-a uses (shared-services' blackhole
 * is the intended segmentation); every write-up that blames something else, listed or not, only the scheduler,
 * or denies the route is capped; the order strong > adequate > terse > weak; a variant's write-up is graded
 * with the variant's own rubric, and the base story fails under it.
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

const PACK = fileURLToPath(new URL('../../../scenarios/tgw-routes', import.meta.url));
const { scenario } = await loadScenario(PACK);
const rubric = scenario.postmortem;

/** The run the write-ups describe: fault 14:00:20, page 14:00:40, the route found at 14:05, deleted at 14:09:10. */
function session(resolution: string, variant: string | null = null): RunEvent[] {
  return new SessionBuilder()
    .at('14:00:00', {
      type: 'run.created',
      runId: 'run-tgw',
      scenario: 'tgw-routes',
      scenarioDir: PACK,
      scenarioTitle: scenario.metadata.title,
      variant,
      seed: 1,
      runtime: 'docker',
      parMinutes: 20,
    })
    .at('14:00:00', { type: 'phase.changed', from: 'baseline', to: 'injecting' })
    .at('14:00:20', { type: 'fault.step', stepId: 'stale-fence-route', action: 'exec ec2-agent', status: 'applied' })
    .at('14:00:38', { type: 'check.changed', group: 'broken', checkId: 'web-db-times-out', title: "web's connections to db:5432 time out", pass: true })
    .at('14:00:40', { type: 'phase.changed', from: 'injecting', to: 'live' })
    .at('14:01:05', { type: 'terminal.opened', terminal: 1, service: 'bastion' })
    .cmd('14:01:30', 'ssh web')
    .cmd('14:04:00', 'aws ec2 describe-transit-gateway-attachments')
    .cmd('14:05:10', 'aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id tgw-rtb-0c1e5a9d3b7f2e4a1 --filters Name=type,Values=static')
    .cmd('14:07:30', 'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateTransitGatewayRoute')
    .cmd('14:09:10', 'aws ec2 delete-transit-gateway-route --transit-gateway-route-table-id tgw-rtb-0c1e5a9d3b7f2e4a1 --destination-cidr-block 10.20.8.0/24')
    .at('14:09:15', { type: 'resolution.holding', resolutionId: resolution })
    .at('14:09:25', { type: 'resolution.reached', resolutionId: resolution, points: 100, heldMs: 10_000 })
    .at('14:09:25', { type: 'phase.changed', from: 'live', to: 'resolved' }).events;
}

const corpus = packCorpus('tgw-routes', rubric, scenario.investigation ?? [], {
  events: () => session('blackhole-removed'),
  resolutionId: 'blackhole-removed',
});
const score = (file: string, events = true): number => corpus.grade(file, events ? {} : { events: null }).score;
const status = (sentence: string, id = 'stale-blackhole'): string => statesConcept(sentence, rubric, id)?.status ?? 'absent';

describe('tgw-routes postmortem corpus, by meaning', () => {
  it('has the write-ups the calibration asks for', () => {
    for (const category of ['correct', 'adequate', 'terse', 'weak', 'wrong', 'denies', 'trigger', 'blameful'])
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

  it('caps every write-up whose root cause is another one, listed or not, only the scheduler, or a denial of the route', () => {
    for (const file of [...corpus.category('wrong'), ...corpus.category('denies'), ...corpus.category('trigger')]) {
      const report = corpus.grade(file);
      expect(report.score, file).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
      // At most the share an unestablished cause keeps (points are rounded to 0.1).
      expect(rootCauseShare(report), file).toBeLessThanOrEqual(UNESTABLISHED_SHARE + 0.01);
    }
  });

  it('caps a wrong cause the rubric does not list (an MTU mismatch) by the general rule', () => {
    const cause = 'The root cause was an MTU mismatch on the path from vpc-a to the db subnet through the Transit Gateway.';
    for (const wrong of rubric.wrongRootCauses) expect(status(cause, wrong.id), wrong.id).not.toBe('affirmed');
    for (const file of ['wrong-mtu.md', 'wrong-unlisted-cause.md']) {
      const report = corpus.grade(file);
      expect(criterion(report, 'root-cause-cap'), file).toBeDefined();
      const rc = criterion(report, 'root-cause')!;
      // The feedback cites the learner's own session, never the answer.
      expect(rc.feedback).toContain('search-transit-gateway-routes');
      expect(`${rc.feedback}\n${rc.evidence.join('\n')}`).not.toMatch(/spokes|10\.20\.8\.0\/24|cutover/i);
    }
  });

  it('credits the stale blackhole only where it is affirmed, and only in the table vpc-a uses', () => {
    for (const sentence of [
      'The spokes route table had a static blackhole route for 10.20.8.0/24.',
      "The hub's routing table for the spoke VPCs gained a null route for the database's /24.",
      "A blackhole for the db subnet sat in the table vpc-a's attachment is associated with.",
    ])
      expect(status(sentence), sentence).toBe('affirmed');
    for (const sentence of [
      'It was not a blackhole route in the spokes table or a more specific /24.',
      'The blackhole route in spokes was a red herring.',
      'We found a blackhole in the spokes table and ruled it out.',
    ])
      expect(['negated', 'dismissed'], sentence).toContain(status(sentence));
    // The intended segmentation blackhole is not the cause, and saying so is a listed wrong cause.
    const wrongTable = 'The shared-services route table has a static blackhole route for 10.20.8.0/24.';
    expect(status(wrongTable)).toBe('absent');
    expect(status(wrongTable, 'wrong-table')).toBe('affirmed');
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

  it('asks the review of an overridden (not deleted) route for drift detection', () => {
    const text = corpus.text('correct-other-words.md');
    const withoutDrift = text.replace(/^- Compare the hub's routing tables.*\n/m, '');
    expect(withoutDrift).not.toBe(text);
    const loss = (resolutionId: string): number => {
      const options = { events: session(resolutionId), resolutionId };
      const points = (t: string) => criterion(corpus.grade('correct-other-words.md', { ...options, text: t }), 'action-items')!.points;
      return points(text) - points(withoutDrift);
    };
    expect(loss('overridden')).toBeGreaterThan(loss('blackhole-removed'));
  });

  describe('variants, each with its own rubric', () => {
    const variants = readdirSync(join(corpus.dir, 'variants'));
    it.each(variants)('%s: its correct write-ups pass, wrong ones are capped, and the base story is capped under its rubric', (name) => {
      const variant = applyVariant(scenario, { seed: 1, variant: name }).scenario;
      const dir = join(corpus.dir, 'variants', name);
      const resolution = variant.checks.resolutions[0]!.id;
      const files = packCorpus(join('tgw-routes', 'variants', name), variant.postmortem, variant.investigation ?? [], {
        events: () => session(resolution, name),
        resolutionId: resolution,
      });
      for (const file of files.category('correct')) {
        const report = files.grade(file);
        expect(report.score, `${dir}/${file}`).toBeGreaterThanOrEqual(75);
        expect(rootCauseShare(report)).toBeGreaterThanOrEqual(0.6);
      }
      for (const file of files.category('wrong')) expect(files.grade(file).score, `${dir}/${file}`).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
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
