/** Every resolution provable: which steps reach which resolution, and what validate says about a resolution's own solution. */
import { describe, expect, it } from 'vitest';
import { provableResolutions, solutionFor } from '../../../main/engine/run/solutions.js';
import { applyVariant } from '../../../main/engine/run/variants.js';
import { lines, validateEdited } from '../scenario/helpers.js';

const RESTARTED = `    - id: restarted
      title: Mitigated by a restart
      points: 60
`;

describe('solutions per resolution', () => {
  it('`solution` reaches the resolution it names; another resolution uses its own steps', () => {
    const result = validateEdited([RESTARTED, `${RESTARTED}      solution:\n        steps:\n          - op: rollback\n`]);
    expect(result.diagnostics).toEqual([]);
    const scenario = result.scenario!;
    expect(solutionFor(scenario)).toMatchObject({ resolution: { id: 'fixed' }, source: 'solution', steps: [{ service: 'api' }] });
    expect(solutionFor(scenario, 'restarted')).toMatchObject({ resolution: { id: 'restarted', points: 60 }, source: 'resolution', steps: [{ op: 'rollback' }] });
    expect(provableResolutions(scenario)).toEqual([
      { id: 'fixed', provable: true },
      { id: 'restarted', provable: true },
    ]);
    // A variant that keeps the base resolutions keeps their solutions.
    expect(solutionFor(applyVariant(scenario, { variant: 'stopped', seed: 0 }).scenario, 'restarted').steps).toEqual([{ op: 'rollback' }]);
  });

  it('a resolution without steps, or an unknown one, says what to add', () => {
    const scenario = validateEdited().scenario!;
    expect(provableResolutions(scenario)).toEqual([
      { id: 'fixed', provable: true },
      { id: 'restarted', provable: false },
    ]);
    expect(() => solutionFor(scenario, 'restarted')).toThrow(
      'resolution "restarted" has no solution to prove it: add checks.resolutions[1].solution.steps (solution.resolution is "fixed")',
    );
    expect(() => solutionFor(scenario, 'restartd')).toThrow('scenario valid-minimal has no resolution "restartd" (resolutions: fixed, restarted)');
  });

  it("validate checks a resolution's own steps, and warns when `solution` already reaches it", () => {
    expect(lines(validateEdited([RESTARTED, `${RESTARTED}      solution:\n        steps:\n          - op: rolback\n          - { service: apii, run: 'true' }\n`]))).toEqual([
      '104:17: op "rolback" is not an operation of this pack; did you mean "rollback"? (operations: rollback) (at checks.resolutions[1].solution.steps[0].op)',
      '105:24: unknown service "apii"; did you mean "api"? (services: api, bastion) (at checks.resolutions[1].solution.steps[1].service)',
    ]);
    const both = validateEdited(['      points: 100\n', "      points: 100\n      solution: { steps: [{ run: 'true' }] }\n"]);
    expect(lines(both)).toEqual([
      '92:7: warning: resolution "fixed" has its own solution, but solution.resolution names it too, and those steps are the ones that run: keep one (at checks.resolutions[0].solution)',
    ]);
    expect(both.ok).toBe(true);
  });
});
