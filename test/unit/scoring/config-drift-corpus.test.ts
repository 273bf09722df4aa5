/**
 * config-drift's postmortem corpus (test/fixtures/postmortems/config-drift/) graded by meaning with a
 * config-drift session log: calibration.test.ts holds each file's band; this test holds what the bands are
 * for. Root-cause credit only where the uncommitted hot-fix is affirmed; every write-up that blames something
 * else (listed in the rubric or not), only the trigger, or denies the drift is capped; the order a trainer
 * would give strong > adequate > terse > weak; and a paused run's review must ask to commit the fix.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { ROOT_CAUSE_CAP, statesConcept } from '../../../main/scoring/postmortem/index.js';
import { UNESTABLISHED_SHARE } from '../../../main/scoring/postmortem/root-cause.js';
import { criterion, packCorpus, rootCauseShare } from './calibration/pack-corpus.js';
import { SessionBuilder } from './session.js';

const PACK = fileURLToPath(new URL('../../../scenarios/config-drift', import.meta.url));
const { scenario } = await loadScenario(PACK);
const rubric = scenario.postmortem!;

/** A config-drift run: resume 14:00:51, page 14:01:20, first command 14:02:05, fixed from Git at 14:16:40. */
function session(resolution: 'fixed' | 'paused'): RunEvent[] {
  const b = new SessionBuilder()
    .at('14:00:00', {
      type: 'run.created',
      runId: 'run-cd',
      scenario: 'config-drift',
      scenarioDir: PACK,
      scenarioTitle: scenario.metadata.title,
      variant: null,
      seed: 1,
      runtime: 'docker',
      parMinutes: 20,
    })
    .at('14:00:05', { type: 'phase.changed', from: 'preparing', to: 'baseline' })
    .at('14:00:30', { type: 'phase.changed', from: 'baseline', to: 'injecting' })
    .at('14:00:51', { type: 'fault.step', stepId: 'resume-reconciler', action: 'exec reconciler', status: 'applied' })
    .at('14:01:10', { type: 'check.changed', group: 'broken', checkId: 'reports-5xx-high', title: '5xx > 10 %', pass: true })
    .at('14:01:20', { type: 'phase.changed', from: 'injecting', to: 'live' })
    .at('14:01:40', {
      type: 'alert.fired',
      alertname: 'EdgeErrorRateHigh',
      severity: 'page',
      fingerprint: 'e1',
      labels: { alertname: 'EdgeErrorRateHigh', route: 'reports' },
    })
    .cmd('14:02:05', 'curl -s loadgen:9100/stats | jq .reports.by_edge')
    .cmd('14:03:10', "curl -s -o /dev/null -w '%{http_code} %{time_total}\\n' edge-2/reports/daily-sales")
    .cmd('14:04:00', 'reconciler log')
    .cmd('14:05:00', 'reconciler audit')
    .cmd('14:07:00', 'git log -p host_vars/')
    .cmd('14:09:00', 'ansible-playbook site.yml --check --diff -l edge-2');
  if (resolution === 'paused') b.cmd('14:08:30', 'reconciler pause --reason "INC-2304: keep edge-2 fix"').cmd('14:09:10', 'ssh edge-2');
  else
    b.cmd('14:12:00', 'git commit -am "edge-2: commit the INC-2291 hot-fix"')
      .cmd('14:12:30', 'git push')
      .cmd('14:13:00', 'reconciler run --wait')
      .cmd('14:15:00', 'ansible-playbook site.yml --check --diff');
  return b
    .at('14:16:40', { type: 'resolution.holding', resolutionId: resolution })
    .at('14:16:50', { type: 'resolution.reached', resolutionId: resolution, points: resolution === 'paused' ? 50 : 100, heldMs: 10_000 })
    .at('14:16:50', { type: 'phase.changed', from: 'live', to: 'resolved' }).events;
}

const corpus = packCorpus('config-drift', rubric, scenario.investigation ?? [], { events: () => session('fixed'), resolutionId: 'fixed' });
const score = (file: string, events = true): number => corpus.grade(file, events ? {} : { events: null }).score;
const status = (sentence: string, id = 'hotfix-never-committed'): string => statesConcept(sentence, rubric, id)?.status ?? 'absent';

describe('config-drift postmortem corpus, by meaning', () => {
  it('has the write-ups the calibration asks for', () => {
    for (const category of ['correct', 'adequate', 'terse', 'weak', 'wrong', 'denies', 'trigger', 'blameful'])
      expect(corpus.category(category).length, category).toBeGreaterThan(0);
    expect(corpus.category('correct').length).toBeGreaterThanOrEqual(4);
    expect(corpus.category('wrong').length).toBeGreaterThanOrEqual(4);
  });

  it('passes every correct write-up (strong, narrative, five whys, other words) with this scenario\'s session log', () => {
    for (const file of corpus.category('correct')) {
      const report = corpus.grade(file);
      expect(report.score, file).toBeGreaterThanOrEqual(75);
      expect(rootCauseShare(report), file).toBeGreaterThanOrEqual(0.6);
    }
  });

  it('caps every write-up whose root cause is another one, listed or not, only the trigger, or a denial of the drift', () => {
    for (const file of [...corpus.category('wrong'), ...corpus.category('denies'), ...corpus.category('trigger')]) {
      const report = corpus.grade(file);
      expect(report.score, file).toBeLessThanOrEqual(ROOT_CAUSE_CAP);
      // At most the share an unestablished cause keeps (points are rounded to 0.1).
      expect(rootCauseShare(report), file).toBeLessThanOrEqual(UNESTABLISHED_SHARE + 0.01);
    }
  });

  it('caps a wrong cause the rubric does not list (an expired certificate, a full disk) by the general rule', () => {
    for (const [file, cause] of [
      ['wrong-tls-expired.md', 'The root cause was an expired TLS certificate on the reports upstream.'],
      ['wrong-disk-full.md', 'The disk on edge-2 filled up with nginx logs and Ansible backup files.'],
    ] as const) {
      for (const wrong of rubric.wrongRootCauses) expect(status(cause, wrong.id), `${file}: ${wrong.id}`).not.toBe('affirmed');
      const report = corpus.grade(file);
      expect(criterion(report, 'root-cause-cap'), file).toBeDefined();
      // The feedback quotes what the learner named and cites their own session, never the answer.
      const rc = criterion(report, 'root-cause')!;
      expect(rc.feedback).toContain('reconciler log');
      expect(`${rc.feedback}\n${rc.evidence.join('\n')}`).not.toMatch(/never committed|fleet-config|hot-?fix/i);
    }
  });

  it('credits the uncommitted hot-fix only where it is affirmed', () => {
    for (const sentence of [
      'The INC-2291 hot-fix on edge-2 was never committed to fleet-config.',
      'That adjustment only ever lived on edge-2 itself.',
      'Git still had the 2 s timeout, and edge-2 had drifted from the repository for two weeks.',
      'The repository was never updated with the patch.',
    ])
      expect(status(sentence), sentence).toBe('affirmed');
    for (const sentence of [
      'It was not configuration drift or an uncommitted hot-fix on edge-2.',
      'We looked hard at configuration drift and ruled it out.',
      'The uncommitted hot-fix was a red herring.',
      'The hot-fix never being committed had nothing to do with it.',
    ])
      expect(['negated', 'dismissed'], sentence).toContain(status(sentence));
    expect(status('Maybe the hot-fix was never committed?')).toBe('hedged');
    // The trigger alone is not the cause.
    expect(status('The root cause was resuming the reconciler without checking what its first run would change.')).toBe('absent');
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

  it('keeps a correct write-up that adds a listed wrong cause above the cap but below its clean peers', () => {
    const mixed = corpus.grade('mixed-wrong.md');
    expect(mixed.score).toBeGreaterThan(ROOT_CAUSE_CAP);
    expect(rootCauseShare(mixed)).toBeLessThan(Math.min(...corpus.category('correct').map((f) => rootCauseShare(corpus.grade(f)))));
  });

  it('costs the blameful twin at least 10 points against the blameless write-up it was made from', () => {
    const blameful = corpus.grade('blameful.md');
    expect(criterion(blameful, 'blameless')!.points).toBeLessThanOrEqual(criterion(blameful, 'blameless')!.max / 2);
    expect(score('strong.md') - blameful.score).toBeGreaterThanOrEqual(10);
  });

  it('asks the review of a paused run to put the fix into fleet-config, and gives the points back when it does', () => {
    const paused = { events: session('paused'), resolutionId: 'paused' };
    const text = corpus.text('paused-resolution.md');
    const asPaused = criterion(corpus.grade('paused-resolution.md', paused), 'action-items')!.points;
    const asFixed = criterion(corpus.grade('paused-resolution.md'), 'action-items')!.points;
    expect(asPaused).toBeLessThan(asFixed);
    const withCommit = `${text.trimEnd()}\n- Commit the 30 s reports timeout to host_vars/edge-2.yml in fleet-config and resume the reconciler (prevent) — SRE team, SRE-500\n`;
    expect(criterion(corpus.grade('paused-resolution.md', { ...paused, text: withCommit }), 'action-items')!.points).toBeGreaterThan(asPaused);
  });
});
