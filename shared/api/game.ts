/**
 * The game-day part of the API contract (facilitator console and team views). PURE: zod only.
 * The facilitator's methods need the server's own token; a team's join token may call only `game.team`
 * (and its own run's methods), checked at the API (main/api/access.ts).
 */
import { z } from 'zod';
import { commsBoardSchema } from './comms.js';

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

export const debriefSchema = z.array(
  z.object({
    team: z.string(),
    runId: z.string(),
    scenario: z.string(),
    parMinutes: z.number(),
    score: z.number().nullable(),
    timeline: z.array(z.object({ atMs: z.number().nullable(), kind: z.string(), text: z.string() })),
  }),
);

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

/** One problem in a game file, where the editor draws it (the validator's Diagnostic). */
const gameDiagnosticSchema = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number(),
  path: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});
const gameFileRef = z.object({ path: z.string().min(1).max(4096) });

export const gameMethods = {
  /** A game file for the console's editor: its text (the template when it does not exist yet) and problems. */
  'game.open': {
    request: gameFileRef,
    response: z.object({
      path: z.string(),
      text: z.string(),
      exists: z.boolean(),
      diagnostics: z.array(gameDiagnosticSchema),
      schema: z.record(z.string(), z.unknown()),
    }),
  },
  'game.validate': { request: gameFileRef.extend({ text: z.string().max(1_000_000) }), response: z.object({ diagnostics: z.array(gameDiagnosticSchema) }) },
  'game.save': { request: gameFileRef.extend({ text: z.string().max(1_000_000) }), response: z.object({ diagnostics: z.array(gameDiagnosticSchema) }) },
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
  /** A team's own view of the game (its run id names the team); a join token may ask only for its own run. */
  'game.team': { request: z.object({ runId: z.string().min(1) }), response: teamViewSchema },
} as const;

export type GameMethodName = keyof typeof gameMethods;

export type GameBoardView = z.infer<typeof gameBoardSchema>;
export type TeamBoardView = z.infer<typeof teamBoardSchema>;
export type KillReportView = z.infer<typeof killReportSchema>;
export type DebriefView = z.infer<typeof debriefSchema>;
export type TeamView = z.infer<typeof teamViewSchema>;
