/**
 * The parts of a scenario that scoring reads, typed structurally so the engine can pass its parsed
 * scenario (`Scenario` from `main/engine/scenario/schema.ts`) as is. Field names follow the YAML.
 * Fields the schema fills with defaults are optional here, so hand-written fixtures stay small.
 */

export interface PhraseConcept {
  id: string;
  description?: string | undefined;
  phrases: string[];
}

export interface PostmortemRubric {
  rootCause: PhraseConcept[];
  wrongRootCauses?: PhraseConcept[] | undefined;
  trigger?: { phrases: string[] } | undefined;
  detection?: { phrases: string[] } | undefined;
  mustMention?: PhraseConcept[] | undefined;
  actionItemThemes?: PhraseConcept[] | undefined;
  /** resolution id -> action-item theme ids (or bare phrases) a write-up of that outcome must cover. */
  requiredThemesByResolution?: Record<string, string[]> | undefined;
}

export interface InvestigationSignal {
  id: string;
  description?: string | undefined;
  /** JavaScript regex sources, matched case-insensitively against learner commands. */
  patterns: string[];
  rootCause?: boolean | undefined;
  order?: number | undefined;
}

export interface ScoringWeights {
  outcome: number;
  time: number;
  investigation: number;
  safety: number;
  hints: number;
}

export interface RiskyPattern {
  pattern: string;
  reason: string;
  cost?: number | undefined;
}

export interface ScoringConfig {
  weights?: Partial<ScoringWeights> | undefined;
  hintCost?: number | undefined;
  risky?: RiskyPattern[] | undefined;
}

export interface ScoringResolution {
  id: string;
  title: string;
  points: number;
  checks: { id: string; title: string }[];
}

export interface ScoringVariant {
  name: string;
  resolutions?: ScoringResolution[] | undefined;
  postmortem?: PostmortemRubric | undefined;
  investigation?: InvestigationSignal[] | undefined;
}

export interface ScoringScenario {
  metadata: { name: string; title: string; parMinutes: number };
  investigation?: InvestigationSignal[] | undefined;
  scoring?: ScoringConfig | undefined;
  checks: { resolutions: ScoringResolution[] };
  postmortem?: PostmortemRubric | undefined;
  variants?: ScoringVariant[] | undefined;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  outcome: 40,
  time: 20,
  investigation: 20,
  safety: 10,
  hints: 10,
};
export const DEFAULT_HINT_COST = 5;
export const DEFAULT_RISKY_COST = 5;

/** One piece of evidence for a troubleshooting criterion: an event, the command, when, and why. */
export interface Evidence {
  eventId?: string;
  command?: string;
  time?: string;
  note?: string;
}

export interface ScoreCriterion {
  id: 'outcome' | 'time' | 'investigation' | 'safety' | 'hints';
  title: string;
  points: number;
  max: number;
  evidence: Evidence[];
  /** One sentence. */
  feedback: string;
}

export interface ScoreReport {
  score: number;
  max: 100;
  runId: string | null;
  scenario: string;
  /** The resolution reached (best one), or null. */
  resolutionId: string | null;
  criteria: ScoreCriterion[];
}

export interface GradeCriterion {
  id: string;
  title: string;
  points: number;
  max: number;
  evidence: string[];
  feedback: string;
}

export interface GradeReport {
  score: number;
  max: 100;
  criteria: GradeCriterion[];
}
