/**
 * Scoring reads the scenario as the run played it (variant applied: see playedScenario in
 * main/engine/run/variants.ts), through Pick<>s of the zod-inferred types in main/engine/scenario/schema.ts:
 * no second definition of a scenario shape lives here. What is defined here is what scoring produces.
 */
import type { Check, PostmortemRubric, Resolution, Scenario } from '../engine/scenario/schema.js';

export type { PostmortemRubric } from '../engine/scenario/schema.js';

/** A rubric concept (root cause, wrong root cause, must-mention, action-item theme). */
export type PhraseConcept = PostmortemRubric['rootCause'][number];

/** A resolution as scoring names it: its checks by id and title only. */
export type ScoredResolution = Pick<Resolution, 'id' | 'title' | 'points'> & { checks: Pick<Check, 'id' | 'title'>[] };

/** The parts of a played scenario the troubleshooting score and the postmortem draft read. */
export interface ScoringScenario {
  metadata: Pick<Scenario['metadata'], 'name' | 'title' | 'parMinutes'>;
  investigation: Scenario['investigation'];
  scoring: Scenario['scoring'];
  checks: { resolutions: ScoredResolution[] };
}

/** One piece of evidence for a troubleshooting criterion: an event, the command, when, and why. */
export interface Evidence {
  eventId?: string;
  command?: string;
  time?: string;
  note?: string;
}

export interface TroubleshootingCriterion {
  id: 'outcome' | 'time' | 'investigation' | 'safety' | 'hints';
  title: string;
  points: number;
  max: number;
  evidence: Evidence[];
  /** One sentence. */
  feedback: string;
}

/** How a session was troubleshot, from its event log. */
export interface TroubleshootingReport {
  score: number;
  max: 100;
  runId: string | null;
  scenario: string;
  /** The resolution reached (best one), or null. */
  resolutionId: string | null;
  criteria: TroubleshootingCriterion[];
}

export interface GradeCriterion {
  id: string;
  title: string;
  points: number;
  max: number;
  evidence: string[];
  feedback: string;
}

/** How a postmortem reads against the rubric. */
export interface GradeReport {
  score: number;
  max: 100;
  criteria: GradeCriterion[];
}
