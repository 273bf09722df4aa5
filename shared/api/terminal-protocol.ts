/**
 * The terminal WebSocket protocol: small JSON messages, one per WebSocket text frame.
 * Pure TypeScript + zod (no Node imports): the React renderer imports this file too.
 *
 * Terminal ids on the wire are `<runId>:<n>` (n = 1, 2, ... per run); see `terminalId()`.
 *
 * Flow: the client sends `attach`; the server answers `status`, then replays the terminal's
 * scrollback as `stdout`, then streams live `stdout`. A client that reconnects attaches again and
 * gets the same pty (the client should reset its screen before re-attaching, since the replay
 * redraws it). `detach` without a terminal detaches everything; closing the socket does the same.
 * The pty keeps running after a detach.
 *
 * Shared terminals (a game's team run): several sockets watch one pty and one member types at a time. The
 * server tells every attached socket who holds the keyboard (`keyboard`, on attach and on every change) and
 * who the socket itself is (`you`: null when the team member has not said who they are). A socket takes,
 * takes over or releases it with `keyboard`; stdin from anyone but the holder is refused (`not-holder`) and
 * never reaches the pty. Solo terminals send no `keyboard` message: anyone attached types, as before.
 */
import { z } from 'zod';

export const terminalIdSchema = z.string().regex(/^.+:[1-9][0-9]*$/, 'terminal id must be <runId>:<n>');

/** Largest stdin message we accept (a big paste is split by the client). */
export const MAX_STDIN_CHARS = 64 * 1024;

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attach'), terminal: terminalIdSchema }),
  z.object({ type: z.literal('stdin'), terminal: terminalIdSchema, data: z.string().max(MAX_STDIN_CHARS) }),
  z.object({
    type: z.literal('resize'),
    terminal: terminalIdSchema,
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
  z.object({ type: z.literal('detach'), terminal: terminalIdSchema.optional() }),
  /** Shared terminals only: `take` when nobody holds it, `take-over` from whoever does, `release` your own. */
  z.object({ type: z.literal('keyboard'), terminal: terminalIdSchema, action: z.enum(['take', 'take-over', 'release']) }),
]);

export const terminalStatusSchema = z.enum(['running', 'exited']);

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stdout'),
    terminal: terminalIdSchema,
    data: z.string(),
    /** true for the scrollback replayed right after `attach`. */
    replay: z.boolean().optional(),
  }),
  z.object({ type: z.literal('exit'), terminal: terminalIdSchema, code: z.number().int().nullable() }),
  z.object({
    type: z.literal('status'),
    terminal: terminalIdSchema,
    status: terminalStatusSchema,
    cols: z.number().int().optional(),
    rows: z.number().int().optional(),
  }),
  /** Shared terminals only: who holds the keyboard now (null: nobody), and who this socket is. */
  z.object({ type: z.literal('keyboard'), terminal: terminalIdSchema, holder: z.string().nullable(), you: z.string().nullable() }),
  z.object({
    type: z.literal('error'),
    terminal: terminalIdSchema.optional(),
    /**
     * `not-holder`: input (or a release) from someone who does not hold a shared terminal's keyboard;
     * `keyboard-held`: `take` while someone else holds it (`take-over` is the explicit way);
     * `not-shared`: a keyboard action on a terminal that has no keyboard (a solo run's).
     */
    code: z.enum(['bad-message', 'unknown-terminal', 'not-attached', 'exited', 'internal', 'not-holder', 'keyboard-held', 'not-shared']),
    message: z.string(),
  }),
]);

/**
 * The close code of a socket the server accepted and then refused because of who it claims to be (a team
 * member name the team does not have); the close reason says why. Clients must not reconnect as the same.
 */
export const SOCKET_REFUSED = 4403;

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type TerminalStatus = z.infer<typeof terminalStatusSchema>;
export type TerminalErrorCode = Extract<ServerMessage, { type: 'error' }>['code'];

export function terminalId(runId: string, n: number): string {
  return `${runId}:${n}`;
}

/** Splits `<runId>:<n>` (the run id may itself contain colons). */
export function parseTerminalId(id: string): { runId: string; terminal: number } | null {
  const at = id.lastIndexOf(':');
  if (at <= 0) return null;
  const n = Number(id.slice(at + 1));
  if (!Number.isInteger(n) || n < 1) return null;
  return { runId: id.slice(0, at), terminal: n };
}

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, raw: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: `${where}${issue?.message ?? 'invalid message'}` };
  }
  return { ok: true, message: result.data };
}

export function parseClientMessage(raw: string): Parsed<ClientMessage> {
  return parseWith(clientMessageSchema, raw);
}

export function parseServerMessage(raw: string): Parsed<ServerMessage> {
  return parseWith(serverMessageSchema, raw);
}
