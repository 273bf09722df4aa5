/**
 * The incident channel (game-day comms) in the API contract: posting a status update, and the comms result
 * that the live view, the facilitator's board and the report show. PURE: zod only (the renderer imports it).
 */
import { z } from 'zod';

/** What a status update may be at the API's edge; longer text is refused with a message naming the limit. */
export const COMMS_LIMITS = { messageChars: 1000, authorChars: 80 } as const;

/** The cadence a run is held to (from the game file's `comms`); null where the game asks nothing. */
export const commsRequirementSchema = z.object({
  /** The first update is due this long after the page. */
  firstWithinMs: z.number().nullable(),
  /** At most this long between updates (and from the last one to the resolution or the end). */
  everyMs: z.number().nullable(),
});

/** One posted update and whether it counted (see main/scoring/comms.ts for the rule). */
export const statusUpdateViewSchema = z.object({
  id: z.string(),
  time: z.string(),
  /** ms since the page (null: the run was never paged). */
  sincePageMs: z.number().nullable(),
  author: z.string().nullable(),
  message: z.string(),
  counted: z.boolean(),
  /** Why it did not count (empty, a repeat, too short, before the page, after the end). */
  why: z.string().optional(),
});

/** One rule of the requirement, as held so far: `pending` while the run is live and it can still go either way. */
export const commsRuleSchema = z.object({
  id: z.enum(['firstWithin', 'every']),
  title: z.string(),
  state: z.enum(['met', 'failed', 'pending']),
  detail: z.string(),
});

export const commsResultSchema = z.object({
  requirement: commsRequirementSchema.nullable(),
  updates: z.array(statusUpdateViewSchema),
  /** Updates that counted. */
  counted: z.number(),
  /** The first counted update, ms of playing time after the page (a paused game clock left out). */
  firstAfterMs: z.number().nullable(),
  /** The longest stretch without a counted update (to the end, or to now while live), paused clock left out. */
  longestGapMs: z.number().nullable(),
  /** When the channel's window closed (the resolution or the end of the run), ms after the page; null while open. */
  closedAtMs: z.number().nullable(),
  rules: z.array(commsRuleSchema),
  /** null: nothing required, or nothing decided yet. */
  met: z.boolean().nullable(),
  /** While the run is live and a cadence is required: ms until the next update is due (negative: overdue). */
  nextDueInMs: z.number().nullable(),
});

/** The facilitator's board line per team. */
export const commsBoardSchema = z.object({
  updates: z.number(),
  /** The last counted update, ms after the page. */
  lastUpdateMs: z.number().nullable(),
  nextDueInMs: z.number().nullable(),
  met: z.boolean().nullable(),
});

const runRef = z.object({ runId: z.string().min(1) });

export const commsMethods = {
  /** Posts a status update in the run's incident channel (while it is live). A team token: its own run only. */
  'comms.post': {
    request: runRef.extend({
      /** Who posts it; in a game, one of the team's members. */
      author: z.string().trim().min(1).max(COMMS_LIMITS.authorChars, `an author name is at most ${COMMS_LIMITS.authorChars} characters`).optional(),
      message: z
        .string()
        .trim()
        .min(1, 'a status update needs a message')
        .max(COMMS_LIMITS.messageChars, `a status update is at most ${COMMS_LIMITS.messageChars} characters; shorten it`),
    }),
    response: commsResultSchema,
  },
  /** Who may sign the run's updates: its game team's members (none for a run outside a game: it posts unsigned). */
  'comms.channel': { request: runRef, response: z.object({ members: z.array(z.string()) }) },
} as const;

export type CommsRequirement = z.infer<typeof commsRequirementSchema>;
export type StatusUpdateView = z.infer<typeof statusUpdateViewSchema>;
export type CommsRule = z.infer<typeof commsRuleSchema>;
export type CommsResult = z.infer<typeof commsResultSchema>;
export type CommsBoard = z.infer<typeof commsBoardSchema>;
export type CommsMethodName = keyof typeof commsMethods;
