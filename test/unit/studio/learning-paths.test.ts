import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadLearningPaths, parseLearningPath, pathProgress } from '../../../main/studio/learning-paths.js';

const SHIPPED = new URL('../../../scenarios/', import.meta.url).pathname;
const SCENARIOS = ['slow-query', 'config-drift', 'alert-storm', 'tgw-routes'];

describe('learning paths', () => {
  it('ships on-call-foundations, valid against the shipped scenarios', () => {
    const loaded = loadLearningPaths([SHIPPED], SCENARIOS);
    expect(loaded.map((l) => [l.path?.id, l.diagnostics])).toEqual([['on-call-foundations', []]]);
  });

  it('reports an unknown scenario and a prerequisite that is not an earlier step at file:line:col', () => {
    const text = [
      'apiVersion: firedrill/v1',
      'kind: LearningPath',
      'id: course',
      'title: A course',
      'description: d',
      'steps:',
      '  - scenario: slow-qeury',
      '  - scenario: alert-storm',
      '    prerequisites: [tgw-routes]',
      '',
    ].join('\n');
    const { path, diagnostics } = parseLearningPath(text, '/p/course.yaml', SCENARIOS);
    expect(path).toBeNull();
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 7, column: 15, path: 'steps[0].scenario', message: expect.stringMatching(/no scenario "slow-qeury".*did you mean "slow-query"/) }),
      expect.objectContaining({ line: 9, column: 21, path: 'steps[1].prerequisites[0]', message: 'prerequisite "tgw-routes" must be an earlier step of this path' }),
    ]);
  });

  it('reports schema problems at their line', () => {
    const { diagnostics } = parseLearningPath('apiVersion: firedrill/v1\nkind: LearningPath\nid: x\ntitle: t\ndescription: d\nsteps:\n  - scenario: a\n    targetScore: 120\n', '/p/x.yaml');
    expect(diagnostics).toEqual([expect.objectContaining({ line: 8, path: 'steps[0].targetScore' })]);
  });

  it('progress from history: done at the target score, next up, locked behind prerequisites', () => {
    const text = readFileSync(`${SHIPPED}paths/on-call-foundations.yaml`, 'utf8');
    const { path } = parseLearningPath(text, 'on-call-foundations.yaml', SCENARIOS);
    const none = pathProgress(path!, []);
    expect(none.steps.map((s) => s.status)).toEqual(['next', 'locked', 'locked', 'locked']);
    const runs = [
      { scenario: 'slow-query', outcome: 'resolved', troubleshootingScore: 40 },
      { scenario: 'slow-query', outcome: 'resolved', troubleshootingScore: 75 },
      { scenario: 'alert-storm', outcome: 'resolved', troubleshootingScore: 50 },
      { scenario: 'config-drift', outcome: 'abandoned', troubleshootingScore: 90 },
    ];
    const progress = pathProgress(path!, runs);
    expect(progress.done).toBe(1);
    expect(progress.steps.map((s) => [s.scenario, s.status, s.bestScore])).toEqual([
      ['slow-query', 'done', 75],
      ['config-drift', 'next', null],
      ['alert-storm', 'open', 50],
      ['tgw-routes', 'locked', null],
    ]);
  });
});
