import { describe, expect, it } from 'vitest';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import { draftPostmortem } from '../../../main/scoring/postmortem/draft.js';
import { fastLearner, slowQueryScenario } from './session.js';

// The editor opens pre-filled with the draft: submitting it untouched must not look like a write-up.
describe('an untouched postmortem draft', () => {
  const scenario = slowQueryScenario();
  const events = fastLearner();
  const report = gradePostmortem(draftPostmortem(events, scenario), scenario.postmortem!, { events, resolutionId: 'fixed' });
  const criterion = (id: string) => report.criteria.find((c) => c.id === id)!;

  it('earns nothing for root cause from the pre-filled timeline or the title', () => {
    expect(criterion('root-cause').points).toBe(0);
  });

  it('finds no blame in the draft’s own guidance, and earns no blameless credit for writing nothing', () => {
    expect(criterion('blameless').evidence.join('\n')).not.toMatch(/suggested/);
    expect(criterion('blameless').points).toBeLessThan(5);
  });

  it('scores well under the weak write-up band', () => {
    expect(report.score).toBeLessThan(30);
  });
});
