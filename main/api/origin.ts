/**
 * Cross-site defences of the local server (web mode), kept apart from the transport in server.ts:
 * - a state-changing request (anything but GET/HEAD) and every WebSocket upgrade must come from the
 *   server's own origin: `Origin` equal to `http://<Host>` where Host is a loopback name on our port.
 *   A request without `Origin` is not a browser's (browsers send it on every POST and upgrade) and must
 *   then carry the token itself (Authorization header or `?token=`): a cookie, which a page on another
 *   local port would get sent too (SameSite sees one site), never suffices on its own;
 * - API calls carry JSON (`Content-Type: application/json`), which a cross-site form cannot send;
 * - sockets authenticate with the token in the URL or the Authorization header, never a cookie.
 */
import type { IncomingMessage } from 'node:http';

/** How a request proved it holds the token. */
export type AuthMethod = 'header' | 'query' | 'cookie';

/** The origin a request from our own page would carry: `http://` + its Host header, if that names our port. */
export function ownOrigin(req: IncomingMessage, port: number): string | null {
  const host = req.headers.host;
  if (!host) return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
  if (!match || Number(match[2] ?? 80) !== port) return null;
  return `http://${host.toLowerCase()}`;
}

/**
 * Why a state-changing request or an upgrade is refused, or null when it may go on. `extraOrigins` are
 * origins besides our own that may open sockets (the Electron window's page is `file://`).
 */
export function originProblem(
  req: IncomingMessage,
  port: number,
  auth: AuthMethod,
  extraOrigins: readonly string[] = [],
): string | null {
  const origin = req.headers.origin;
  if (origin === undefined) {
    // Browsers send Origin on every POST and upgrade; without one, only a token the client holds itself counts.
    return auth === 'cookie' ? 'a request without an Origin header must carry the token itself (Authorization header or ?token=), not only a cookie' : null;
  }
  const own = ownOrigin(req, port);
  if (own !== null && origin.toLowerCase() === own) return null;
  if (extraOrigins.includes(origin)) return null;
  return `requests from ${JSON.stringify(origin)} are refused: only this server's own page may change state`;
}

/** Is the body declared as JSON (`application/json`, any parameters)? */
export function isJsonRequest(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}
