/**
 * Who may do what through the API (game-day mode). The server's own token is the owner's (the facilitator):
 * it may do everything. A team's join token reaches only that team's run: its snapshot and events, its
 * terminals, its hints (when the game allows them), its checks, its postmortem and its report, and the
 * team's own game view. Everything else (other runs, the catalog, history, starting runs, the facilitator's
 * game methods) is refused here, at the API and on the sockets, whatever the UI shows.
 *
 * A team member says who they are when joining (`?member=` on a socket, `X-Firedrill-Member` on a call): one of
 * the team's `members` in the game file, or the request is refused. The name attributes what they type in the
 * team's shared terminals; the facilitator (the owner) types as "facilitator".
 */
import { timingSafeEqual } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { MethodName } from '../../shared/api/contract.js';

export type Principal =
  | { kind: 'owner' }
  | {
      kind: 'team';
      teamId: string;
      runId: string;
      token: string;
      hintsAllowed: boolean;
      /** The team's members (the game file's). */
      members: readonly string[];
      /** Who is calling, once they said so (asMember); absent: not said yet, they may only watch terminals. */
      member?: string;
    };

/** Who the owner is in a shared terminal's keyboard and its commands' `by`. */
export const FACILITATOR = 'facilitator';

/** The name a socket or call gives for its member (query `member`, header `X-Firedrill-Member`). */
export const MEMBER_PARAM = 'member';
export const MEMBER_HEADER = 'x-firedrill-member';

/** Finds the principal of a token that is not the owner's (a team's join token), or null. */
export interface AccessPolicy {
  resolve(token: string): Principal | null;
}

/** What a team token may call; each of them names a run, which must be the team's. */
const TEAM_RUN_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'runs.get',
  'runs.checkFix',
  'runs.takeHint',
  'runs.submit',
  'runs.abandon',
  'observability.query',
  'observability.fetch',
  'terminals.open',
  'postmortem.draft',
  'postmortem.grade',
  'postmortem.submit',
  'reports.get',
  'reports.exportHtml',
  'game.team',
]);

/** Methods a team may call that name no run. */
const TEAM_OPEN_METHODS: ReadonlySet<MethodName> = new Set<MethodName>(['app.info']);

/** Compares tokens in constant time (for equal lengths). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The principal as the member it names (null: it names nobody). A team's name must be one of its members;
 * the owner is always the facilitator, whatever it names.
 */
export function asMember(principal: Principal, name: string | null): { principal: Principal } | { refused: string } {
  if (principal.kind === 'owner' || name === null) return { principal };
  if (!principal.members.includes(name)) {
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    return { refused: `"${shown}" is not a member of team ${principal.teamId} (members: ${principal.members.join(', ')})` };
  }
  return { principal: { ...principal, member: name } };
}

/** Who types in a shared terminal through this principal (null: a team member who has not said who they are). */
export function typistOf(principal: Principal): string | null {
  return principal.kind === 'owner' ? FACILITATOR : (principal.member ?? null);
}

/** null when the principal may make this call; otherwise why not (for a 403). */
export function refusal(principal: Principal, method: MethodName, request: unknown): string | null {
  if (principal.kind === 'owner') return null;
  if (TEAM_OPEN_METHODS.has(method)) return null;
  if (!TEAM_RUN_METHODS.has(method)) return `a team's join link cannot call ${method}`;
  const runId = (request as { runId?: unknown } | null)?.runId;
  if (runId !== principal.runId) return `team ${principal.teamId} may only reach its own run`;
  if (method === 'runs.takeHint' && !principal.hintsAllowed) return 'hints are not allowed in this game';
  return null;
}

/** May the principal read this run's files (`/files/<runId>/…`)? */
export function mayReadRun(principal: Principal, runId: string): boolean {
  return principal.kind === 'owner' || principal.runId === runId;
}

/** Rewrites what a team sees of a response: `app.info` carries the caller's own token, never the owner's. */
export function scopeResponse(principal: Principal, method: MethodName, response: unknown): unknown {
  if (principal.kind === 'team' && method === 'app.info') return { ...(response as object), token: principal.token };
  return response;
}

/**
 * Guards a team's socket: an events subscription or a terminal attach/input/resize that names another run is
 * answered with an error and never reaches the handler. Installed before the path's handler attaches.
 */
export function scopeSocket(socket: WebSocket, principal: Principal, path: string): void {
  if (principal.kind === 'owner') return;
  const emit = socket.emit.bind(socket);
  const allowed = (data: unknown): boolean => {
    let message: { runId?: unknown; terminal?: unknown };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return true; // the handler answers malformed messages itself
    }
    if (path === '/ws/events') return message.runId === undefined || message.runId === principal.runId;
    if (path === '/ws/terminal') return typeof message.terminal !== 'string' || message.terminal.startsWith(`${principal.runId}:`);
    return false;
  };
  socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'message' && !allowed(args[0])) {
      if (socket.readyState === socket.OPEN) {
        const message = `team ${principal.teamId} may only reach its own run`;
        // Each protocol's own error shape (shared/api/contract.ts, shared/api/terminal-protocol.ts).
        socket.send(JSON.stringify(path === '/ws/terminal' ? { type: 'error', code: 'unknown-terminal', message } : { type: 'error', message }));
      }
      return true;
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
}
