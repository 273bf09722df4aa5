/**
 * A game (game-day mode): a facilitator's plan for one incident played by several teams at once. Saved as
 * YAML (`<name>.game.yaml`), validated like a scenario pack (zod, errors naming file, line and field).
 * The format names scenarios and teams, never a runtime's objects: the same file runs on Docker today and
 * on a shared Kubernetes cluster (one namespace per team) once that runtime lands.
 */
import { z } from 'zod';
import { commsCadenceSchema, duration } from '../engine/scenario/schema.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'use lowercase letters, digits and dashes, at most 31 characters (e.g. "red-team")');

export const ROLES = ['incidentCommander', 'operations', 'communications'] as const;

export const teamSchema = z.strictObject({
  id,
  name: z.string().min(1),
  members: z.array(z.string().min(1)).min(1, 'a team needs at least one member'),
  /** Who holds which role; each must be one of the members. */
  roles: z.strictObject({ incidentCommander: z.string().optional(), operations: z.string().optional(), communications: z.string().optional() }).default({}),
  /** The team's scenario pack (name or path); default the game's `scenario`. */
  scenario: z.string().min(1).optional(),
  /** The variant the team plays, so teams can get different faults. */
  variant: z.string().min(1).optional(),
  seed: z.number().int().nonnegative().optional(),
});

export const gameSchema = z.strictObject({
  apiVersion: z.literal('firedrill/v1'),
  kind: z.literal('Game'),
  metadata: z.strictObject({
    name: id,
    title: z.string().min(1),
    description: z.string().optional(),
  }),
  /** The scenario every team plays unless it names its own. */
  scenario: z.string().min(1).optional(),
  /** How long the game lasts; the facilitator may end it sooner. */
  timeBox: duration.default('45m'),
  hints: z.strictObject({ allowed: z.boolean().default(true) }).default({ allowed: true }),
  /**
   * The dead man's switch: every team's sandbox is torn down this long after the facilitator's Firedrill
   * process dies (by a watchdog), and in any case once the time box plus this has passed (labels carry the
   * deadline; `firedrill clean --expired` and the next start enforce it).
   */
  deadMansSwitch: z.strictObject({ ttl: duration.default('5m') }).default({ ttl: '5m' }),
  /** The incident channel's cadence for every team (replaces a pack's scoring.comms); judged in the report. */
  comms: commsCadenceSchema.optional(),
  teams: z.array(teamSchema).min(1, 'a game needs at least one team').max(16, 'at most 16 teams per game'),
});

export type GameFile = z.output<typeof gameSchema>;
export type TeamPlan = z.output<typeof teamSchema>;
