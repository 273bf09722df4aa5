import type { PostmortemRubric, ScoringScenario } from './types.js';
import type { RunEvent } from '../engine/events/types.js';

/**
 * The scenario as a run saw it: a variant's resolutions, investigation signals and rubric replace the
 * base ones (the engine applies faults and checks the same way).
 */
export function applyVariant(scenario: ScoringScenario, variant: string | null | undefined): ScoringScenario {
  if (!variant) return scenario;
  const v = scenario.variants?.find((candidate) => candidate.name === variant);
  if (!v) return scenario;
  return {
    ...scenario,
    checks: { ...scenario.checks, resolutions: v.resolutions ?? scenario.checks.resolutions },
    investigation: v.investigation ?? scenario.investigation,
    postmortem: v.postmortem ?? scenario.postmortem,
  };
}

/** Minimal shape check of what a loader returned, with a message naming the missing field. */
export function asScoringScenario(value: unknown, source: string): ScoringScenario {
  const problems: string[] = [];
  const v = value as Partial<ScoringScenario> | null;
  if (!v || typeof v !== 'object') throw new Error(`${source}: scenario is not an object`);
  if (!v.metadata || typeof v.metadata.name !== 'string') problems.push('metadata.name');
  if (!v.metadata || typeof v.metadata.parMinutes !== 'number') problems.push('metadata.parMinutes');
  if (!v.checks || !Array.isArray(v.checks.resolutions)) problems.push('checks.resolutions');
  if (problems.length > 0) throw new Error(`${source}: scenario is missing ${problems.join(', ')}`);
  return v as ScoringScenario;
}

export function rubricOf(scenario: ScoringScenario, source: string): PostmortemRubric {
  if (!scenario.postmortem)
    throw new Error(`${source}: scenario has no postmortem rubric (field: postmortem)`);
  return scenario.postmortem;
}

/** The best resolution the run reached (highest points), or null. */
export function reachedResolution(
  events: readonly RunEvent[],
): { id: string; points: number; eventId: string } | null {
  let best: { id: string; points: number; eventId: string } | null = null;
  for (const event of events) {
    if (event.type !== 'resolution.reached') continue;
    if (!best || event.points > best.points)
      best = { id: event.resolutionId, points: event.points, eventId: event.id };
  }
  return best;
}

/** Accepts what a loader returns: a scenario, or the engine's `{ dir, file, scenario, hash }`. */
export function unwrapLoaded(value: unknown): unknown {
  if (value && typeof value === 'object' && !('metadata' in value) && 'scenario' in value)
    return (value as { scenario: unknown }).scenario;
  return value;
}

/** The engine's loader, imported lazily so scoring stays free of it in pure use. */
export async function defaultLoadScenario(dir: string): Promise<unknown> {
  const { loadScenario } = await import('../engine/scenario/load.js');
  return (await loadScenario(dir)).scenario;
}
