/**
 * Calibration corpus for config-drift's postmortem rubric (scenarios/config-drift/scenario.yaml): write-ups of
 * the incident, from excellent to wrong, each with the band a trainer would put it in (bands.json). The
 * rubric is the pack's own, loaded from the pack, so the corpus grades exactly what learners are graded with.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import type { GradeReport } from '../../../main/scoring/types.js';
import { SessionBuilder } from './session.js';

const DIR = fileURLToPath(new URL('../../fixtures/postmortems/config-drift/', import.meta.url));
const PACK = fileURLToPath(new URL('../../../scenarios/config-drift', import.meta.url));
const rubric = (await loadScenario(PACK)).scenario.postmortem!;

interface Band {
  min: number;
  max: number;
  /** The resolution the run the write-up describes ended with (default fixed). */
  resolution?: string;
  /** Why the band is what it is, for the next trainer. */
  why: string;
  /** Set when today's grader cannot hold the band: what it scores instead, and why. */
  knownMiss?: string;
}
const bands = JSON.parse(readFileSync(`${DIR}bands.json`, 'utf8')) as Record<string, Band>;

/** A config-drift run as the corpus describes it: drift laid at 14:00:31, resume 14:00:51, page 14:01:20. */
function session(resolution: string): RunEvent[] {
  const b = new SessionBuilder()
    .at('14:00:00', {
      type: 'run.created',
      runId: 'run-cd',
      scenario: 'config-drift',
      scenarioDir: '/scenarios/config-drift',
      scenarioTitle: 'A resumed reconciler brings back an outage its hot-fix had hidden',
      variant: null,
      seed: 1,
      runtime: 'docker',
      parMinutes: 20,
    })
    .at('14:00:05', { type: 'phase.changed', from: 'preparing', to: 'baseline' })
    .at('14:00:30', { type: 'phase.changed', from: 'baseline', to: 'injecting' })
    .at('14:00:51', {
      type: 'fault.step',
      stepId: 'resume-reconciler',
      action: 'exec reconciler',
      status: 'applied',
    })
    .at('14:01:10', {
      type: 'check.changed',
      group: 'broken',
      checkId: 'reports-5xx-high',
      title: '5xx > 10 %',
      pass: true,
    })
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
  if (resolution === 'paused') {
    b.cmd('14:08:30', 'reconciler pause --reason "INC-2304: keep edge-2 fix"').cmd('14:09:10', 'ssh edge-2');
  } else {
    b.cmd('14:12:00', 'git commit -am "edge-2: commit the INC-2291 hot-fix"')
      .cmd('14:12:30', 'git push')
      .cmd('14:13:00', 'reconciler run --wait')
      .cmd('14:15:00', 'ansible-playbook site.yml --check --diff');
  }
  return b
    .at('14:16:40', { type: 'resolution.holding', resolutionId: resolution })
    .at('14:16:50', {
      type: 'resolution.reached',
      resolutionId: resolution,
      points: resolution === 'paused' ? 50 : 100,
      heldMs: 10_000,
    })
    .at('14:16:50', { type: 'phase.changed', from: 'live', to: 'resolved' }).events;
}

const grade = (file: string, options: { events?: boolean } = {}): GradeReport => {
  const resolution = bands[file]?.resolution ?? 'fixed';
  return gradePostmortem(readFileSync(`${DIR}${file}`, 'utf8'), rubric, {
    ...(options.events === false ? {} : { events: session(resolution) }),
    resolutionId: resolution,
    timeZone: 'UTC',
  });
};
const criterion = (r: GradeReport, id: string) => r.criteria.find((c) => c.id === id)!;

describe('config-drift postmortem calibration corpus', () => {
  it('has at least ten write-ups, each with a band and a reason', () => {
    expect(Object.keys(bands).length).toBeGreaterThanOrEqual(10);
    for (const band of Object.values(bands)) expect(band.why.length).toBeGreaterThan(20);
  });

  for (const [file, band] of Object.entries(bands)) {
    if (band.knownMiss) {
      it.fails(`${file} lands in its band [${band.min}, ${band.max}] (known miss: ${band.knownMiss})`, () => {
        const score = grade(file).score;
        expect(score).toBeGreaterThanOrEqual(band.min);
        expect(score).toBeLessThanOrEqual(band.max);
      });
      continue;
    }
    it(`${file} lands in its band [${band.min}, ${band.max}]`, () => {
      const report = grade(file);
      expect(report.score).toBeGreaterThanOrEqual(band.min);
      expect(report.score).toBeLessThanOrEqual(band.max);
      expect(report.score).toBeCloseTo(
        report.criteria.reduce((a, c) => a + c.points, 0),
        5,
      );
    });
  }

  it('orders the write-ups the way a trainer would: strong > adequate > terse > weak', () => {
    const s = (f: string) => grade(f).score;
    expect(s('strong.md') - s('adequate.md')).toBeGreaterThanOrEqual(15);
    expect(s('adequate.md')).toBeGreaterThan(s('terse-correct.md'));
    expect(s('terse-correct.md')).toBeGreaterThan(s('weak.md'));
  });

  it('gives root-cause credit for the uncommitted hot-fix, never for a cause that denies it', () => {
    const strong = criterion(grade('strong.md'), 'root-cause').evidence.join('\n');
    expect(strong).toContain('root cause "hotfix-never-committed" stated in the root-cause section');
    expect(strong).toContain('root cause "git-too-short-timeout" stated in the root-cause section');
    const negated = criterion(grade('negated-drift.md'), 'root-cause');
    expect(negated.evidence.join('\n')).toContain('wrong root cause "reports-service" asserted');
    expect(negated.points).toBeLessThanOrEqual(negated.max * 0.15 + 0.05);
  });

  it('caps a confidently wrong cause (reports service, a reconciler bug) below a pass', () => {
    for (const f of ['wrong-reports-service.md', 'wrong-reconciler-bug.md', 'negated-drift.md']) {
      const report = grade(f);
      expect(report.score).toBeLessThanOrEqual(40);
      expect(criterion(report, 'wrong-root-cause')).toBeDefined();
    }
  });

  it('costs the blameful twin its blameless points, with the names as evidence', () => {
    const blameless = criterion(grade('blameful.md'), 'blameless');
    expect(blameless.points).toBeLessThanOrEqual(blameless.max / 2);
    expect(blameless.evidence.join('\n')).toMatch(/Marta forgot/);
    expect(grade('strong.md').score - grade('blameful.md').score).toBeGreaterThanOrEqual(15);
  });

  it('asks a paused (by-hand) resolution to commit the fix in its action items', () => {
    const paused = criterion(grade('paused-resolution.md'), 'action-items');
    expect(paused.evidence.join('\n')).toContain('missing required item(s): commit-the-fix');
  });

  it('covers the three action-item themes in the strong write-up', () => {
    const evidence = criterion(grade('strong.md'), 'action-items').evidence.join('\n');
    for (const theme of ['hotfix-through-git', 'drift-detection', 'pause-expiry'])
      expect(evidence).toContain(`theme ${theme} covered`);
  });

  it('keeps the order without an event log too', () => {
    const s = (f: string) => grade(f, { events: false }).score;
    expect(s('strong.md')).toBeGreaterThan(s('adequate.md'));
    expect(s('adequate.md')).toBeGreaterThan(s('weak.md'));
  });
});
