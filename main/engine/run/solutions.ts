/**
 * Which steps reach which resolution. `solution` reaches the resolution it names (the reference fix); every other
 * resolution may carry its own `solution.steps` (a rollback, a workaround), so `firedrill test --resolution <id>`
 * and `--all-resolutions` can prove each way out, not only the best one.
 */
import type { Resolution, Scenario, SolutionStep } from '../scenario/schema.js';

export interface ResolutionSolution {
  resolution: Resolution;
  steps: SolutionStep[];
  /** Where the steps are written: `solution`, or the resolution's own `solution`. */
  source: 'solution' | 'resolution';
}

/** The steps that reach `resolutionId` (default: the one `solution` names) in this (variant-applied) scenario. */
export function solutionFor(scenario: Scenario, resolutionId: string = scenario.solution.resolution): ResolutionSolution {
  const resolutions = scenario.checks.resolutions;
  const resolution = resolutions.find((r) => r.id === resolutionId);
  if (!resolution) {
    throw new Error(`scenario ${scenario.metadata.name} has no resolution "${resolutionId}" (resolutions: ${resolutions.map((r) => r.id).join(', ')})`);
  }
  if (resolution.id === scenario.solution.resolution) return { resolution, steps: scenario.solution.steps, source: 'solution' };
  if (resolution.solution) return { resolution, steps: resolution.solution.steps, source: 'resolution' };
  const index = resolutions.indexOf(resolution);
  throw new Error(
    `resolution "${resolution.id}" has no solution to prove it: add checks.resolutions[${index}].solution.steps (solution.resolution is "${scenario.solution.resolution}")`,
  );
}

/** Every resolution id, and whether steps exist that reach it. */
export function provableResolutions(scenario: Scenario): { id: string; provable: boolean }[] {
  return scenario.checks.resolutions.map((r) => ({ id: r.id, provable: r.id === scenario.solution.resolution || r.solution !== undefined }));
}
