import type { Scenario } from '../scenario/schema.js';

/** A small seeded PRNG (mulberry32): the same seed picks the same variant on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function newSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * The scenario as this run plays it. With `variant` that variant; otherwise, when the pack has variants,
 * one picked from the seed among the base scenario and its variants, so a recorded seed replays the run.
 */
export function applyVariant(
  scenario: Scenario,
  options: { variant?: string; seed: number },
): { scenario: Scenario; variant: string | null } {
  let name: string | null = options.variant ?? null;
  if (name === null && scenario.variants.length > 0) {
    const choices = [null, ...scenario.variants.map((v) => v.name)];
    name = choices[Math.floor(seededRandom(options.seed)() * choices.length)] ?? null;
  }
  if (name === null || name === 'default') return { scenario, variant: null };
  const variant = scenario.variants.find((v) => v.name === name);
  if (!variant) {
    const known = scenario.variants.map((v) => v.name).join(', ') || 'none';
    throw new Error(`scenario ${scenario.metadata.name} has no variant "${name}" (variants: ${known})`);
  }
  return {
    variant: variant.name,
    scenario: {
      ...scenario,
      faults: variant.faults ?? scenario.faults,
      hints: variant.hints ?? scenario.hints,
      investigation: variant.investigation ?? scenario.investigation,
      solution: variant.solution ?? scenario.solution,
      postmortem: variant.postmortem ?? scenario.postmortem,
      scoring: variant.scoring ?? scenario.scoring,
      checks: {
        ...scenario.checks,
        broken: variant.broken ?? scenario.checks.broken,
        resolutions: variant.resolutions ?? scenario.checks.resolutions,
        ...(variant.replay ? { replay: variant.replay } : {}),
      },
    },
  };
}

/**
 * The scenario a recorded run played, from its `run.created` event: the variant it names, or the base
 * scenario when it names none (never a fresh pick from a seed: reopened from history, a session is
 * scored against its own variant's rubric).
 */
export function playedScenario(scenario: Scenario, created: { variant: string | null }): Scenario {
  return applyVariant(scenario, { variant: created.variant ?? 'default', seed: 0 }).scenario;
}
