/**
 * The game-day part of the API contract (facilitator console and team views). PURE: zod only.
 * The facilitator's methods need the server's own token; a team's join token may call only `game.team`
 * (and its own run's methods), checked at the API (main/api/access.ts).
 */
import { z } from 'zod';
import { commsBoardSchema } from './comms.js';
import { diagnosticSchema } from './diagnostic.js';

export const teamBoardSchema = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(z.string()),
  roles: z.object({ incidentCommander: z.string().optional(), operations: z.string().optional(), communications: z.string().optional() }),
  runId: z.string(),
  scenario: z.string(),
  variant: z.string().nullable(),
  phase: z.string(),
  progress: z.string().nullable(),
  error: z.string().nullable(),
  sincePageMs: z.number().nullable(),
  timeToEngageMs: z.number().nullable(),
  timeToMitigateMs: z.number().nullable(),
  hintsTaken: z.number(),
  checks: z.object({ passing: z.number(), total: z.number() }),
  /** The team's last commands, each as "member: command" when a member typed it in a shared terminal. */
  lastCommands: z.array(z.string()),
  score: z.number().nullable(),
  faultsApplied: z.array(z.string()),
  injectable: z.object({ steps: z.array(z.string()), operations: z.array(z.string()) }),
  /** The incident channel (shared/api/comms.ts). */
  comms: commsBoardSchema.nullable(),
  /** The team's join link (path and token), for the facilitator to hand out. */
  joinPath: z.string(),
});

export const gameBoardSchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  file: z.string(),
  state: z.enum(['running', 'stopping', 'ended', 'killed']),
  startedAt: z.string(),
  timeBoxMs: z.number(),
  deadline: z.number(),
  /** The game clock (main/game/clock.ts): paused, extended, time left. */
  clock: z.object({
    paused: z.boolean(),
    pausedAt: z.number().nullable(),
    pausedMs: z.number(),
    extendedMs: z.number(),
    timeBoxMs: z.number(),
    remainingMs: z.number(),
    endsAt: z.number(),
  }),
  ttlMs: z.number(),
  hintsAllowed: z.boolean(),
  broadcasts: z.array(z.object({ at: z.string(), message: z.string() })),
  teams: z.array(teamBoardSchema),
});

export const killReportSchema = z.object({
  elapsedMs: z.number(),
  reverted: z.number(),
  revertFailures: z.number(),
  removed: z.number(),
  leftover: z.number(),
});

/** One moment of a team's debrief: ms since the team's page (negative before it: the fault goes in first). */
export const debriefMarkSchema = z.object({
  kind: z.enum(['fault', 'page', 'root-cause', 'mitigation', 'resolution', 'end', 'status', 'hint', 'facilitator']),
  atMs: z.number(),
  text: z.string(),
  /** Who posted a status update (null: the poster named nobody). */
  author: z.string().nullable().optional(),
});

/** A score as the debrief shows it: the report's, with the reviewer's overrides applied (main/sessions/reviews.ts). */
export const debriefScoreSchema = z.object({
  automatic: z.number(),
  /** The reviewed total, null when no reviewer overrode a criterion. */
  reviewed: z.number().nullable(),
  max: z.number(),
  overridden: z.array(z.object({ id: z.string(), title: z.string(), automatic: z.number(), reviewed: z.number(), reviewer: z.string(), note: z.string() })),
});

export const teamDebriefSchema = z.object({
  team: z.string(),
  name: z.string(),
  members: z.array(z.string()),
  runId: z.string(),
  scenario: z.string(),
  parMinutes: z.number(),
  /** `not started`: never paged, or nothing done after the page (main/game/engaged.ts). */
  status: z.enum(['not started', 'resolved', 'mitigated', 'unresolved']),
  /** The key moments, ms since the page (null: not reached). */
  milestones: z.object({
    rootCauseMs: z.number().nullable(),
    mitigatedMs: z.number().nullable(),
    resolvedMs: z.number().nullable(),
    /** Of the time to resolve, how long the facilitator held the game clock (not counted against par). */
    pausedToResolveMs: z.number(),
    endedMs: z.number().nullable(),
  }),
  /** The first root-cause signal the scoring credited (its evidence rules), with the command that showed it. */
  rootCause: z.object({ signal: z.string(), command: z.string() }).nullable(),
  /** Time to resolve against par, in words: "resolved at 12m, par 15m: 3m under". */
  parVerdict: z.string(),
  /** Resolution minus par, pauses not counted (negative: under par); null when not resolved. */
  parDeltaMs: z.number().nullable(),
  marks: z.array(debriefMarkSchema),
  /** null when the team never started (a score of doing nothing is not a score). */
  scores: z.object({ troubleshooting: debriefScoreSchema.nullable(), postmortem: debriefScoreSchema.nullable() }).nullable(),
});

export const debriefSchema = z.object({
  game: z.string(),
  title: z.string(),
  state: z.enum(['running', 'stopping', 'ended', 'killed']),
  teams: z.array(teamDebriefSchema),
});

/** What `game.exportReports` wrote: one HTML file of every report (also returned, to download) and each session bundle. */
export const gameExportSchema = z.object({
  dir: z.string(),
  html: z.string(),
  filename: z.string(),
  htmlPath: z.string(),
  bundles: z.array(z.object({ team: z.string(), runId: z.string(), path: z.string() })),
});

export const teamViewSchema = z.object({
  game: z.string(),
  title: z.string(),
  team: z.string(),
  name: z.string(),
  /** Who may join (the game file's members): a member picks their name to type in the team's terminals. */
  members: z.array(z.string()),
  runId: z.string(),
  broadcasts: z.array(z.object({ at: z.string(), message: z.string() })),
});

const empty = z.object({}).strict();

const gameFileRef = z.object({ path: z.string().min(1).max(4096) });

export const gameMethods = {
  /** A game file for the console's editor: its text (the template when it does not exist yet) and problems. */
  'game.open': {
    request: gameFileRef,
    response: z.object({
      path: z.string(),
      text: z.string(),
      exists: z.boolean(),
      diagnostics: z.array(diagnosticSchema),
      schema: z.record(z.string(), z.unknown()),
    }),
  },
  'game.validate': { request: gameFileRef.extend({ text: z.string().max(1_000_000) }), response: z.object({ diagnostics: z.array(diagnosticSchema) }) },
  'game.save': { request: gameFileRef.extend({ text: z.string().max(1_000_000) }), response: z.object({ diagnostics: z.array(diagnosticSchema) }) },
  'game.start': { request: z.object({ path: z.string().min(1) }), response: gameBoardSchema },
  'game.board': { request: empty, response: gameBoardSchema.nullable() },
  'game.inject': {
    request: z.object({
      team: z.string().min(1).describe('a team id, or "all"'),
      target: z.string().min(1),
      kind: z.enum(['step', 'operation']).default('step'),
    }),
    response: z.array(z.object({ team: z.string(), ok: z.boolean(), detail: z.string() })),
  },
  'game.broadcast': { request: z.object({ message: z.string().trim().min(1).max(2000) }), response: gameBoardSchema },
  'game.pause': { request: empty, response: gameBoardSchema },
  'game.resume': { request: empty, response: gameBoardSchema },
  'game.extend': {
    request: z.object({ minutes: z.number().positive().max(240).describe('minutes added to the time box') }),
    response: gameBoardSchema,
  },
  'game.kill': { request: empty, response: killReportSchema },
  'game.end': { request: empty, response: killReportSchema },
  'game.debrief': { request: empty, response: debriefSchema },
  /** Every team's report in one HTML file (a debrief cover first) and every session bundle, written to the game's export folder. */
  'game.exportReports': { request: empty, response: gameExportSchema },
  /** A team's own view of the game (its run id names the team); a join token may ask only for its own run. */
  'game.team': { request: z.object({ runId: z.string().min(1) }), response: teamViewSchema },
} as const;

export type GameMethodName = keyof typeof gameMethods;

export type GameBoardView = z.infer<typeof gameBoardSchema>;
export type TeamBoardView = z.infer<typeof teamBoardSchema>;
export type KillReportView = z.infer<typeof killReportSchema>;
export type DebriefView = z.infer<typeof debriefSchema>;
export type TeamDebriefView = z.infer<typeof teamDebriefSchema>;
export type DebriefMark = z.infer<typeof debriefMarkSchema>;
export type DebriefScore = z.infer<typeof debriefScoreSchema>;
export type GameExportView = z.infer<typeof gameExportSchema>;
export type TeamView = z.infer<typeof teamViewSchema>;
