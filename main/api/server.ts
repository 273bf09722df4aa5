/**
 * Web mode's transport (and the Electron window's WebSocket/file server): the built renderer, the API
 * over `POST /api/<method>`, run events on `/ws/events`, terminals on `/ws/terminal`, and session files
 * under `/files/`. Bound to 127.0.0.1 by default; every request and socket needs the random token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, isMethodName, LIMITS, parseRequest, type ApiHandlers } from '../../shared/api/contract.js';
import { formatBytes } from '../../shared/format/bytes.js';
import { callHandler } from './dispatch.js';
import { isJsonRequest, originProblem, type AuthMethod } from './origin.js';
import { SOCKET_REFUSED } from '../../shared/api/terminal-protocol.js';
import { asMember, mayReadRun, MEMBER_HEADER, MEMBER_PARAM, refusal, scopeResponse, scopeSocket, type AccessPolicy, type Principal } from './access.js';

export const TOKEN_COOKIE = 'firedrill_token';

/** A file the server can stream: session recordings, bundles. */
export interface FileSource {
  open(runId: string, name: string): Promise<{ stream: Readable; contentType: string; filename?: string } | null>;
}

export interface ApiServerOptions {
  handlers: ApiHandlers;
  /** The built renderer (dist/renderer); absent in API-only tests. */
  staticDir?: string;
  host?: string;
  port?: number;
  token?: string;
  files?: FileSource;
  /** Called for each authenticated socket on a WebSocket path (`/ws/events`, `/ws/terminal`), with who opened it. */
  sockets?: Record<string, (socket: WebSocket, principal: Principal) => void>;
  /** Origins besides the server's own that may open WebSockets (the Electron window's page: `file://`). */
  socketOrigins?: string[];
  log?: (line: string) => void;
  /** Tokens other than the server's own (a game's team join tokens) and what they may reach (access.ts). */
  access?: AccessPolicy;
}

export interface ApiServer {
  url: string;
  /** The URL a browser opens: with the token, so the page can authenticate. */
  openUrl: string;
  /** Served on every interface (`--host 0.0.0.0`): the URLs other machines on the LAN use (no token). */
  lanUrls: string[];
  token: string;
  port: number;
  host: string;
  server: Server;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:* ws://localhost:* http://localhost:*; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const WILDCARD_HOSTS = ['0.0.0.0', '::'];

/** The IP addresses of this machine's interfaces, as a Host header names them. */
function localAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) addresses.add(entry.family === 'IPv6' ? `[${entry.address}]` : entry.address);
  }
  return addresses;
}

/**
 * Where other machines reach a server bound to every interface: one URL per IPv4 address of this machine
 * that is not loopback, the ones on real interfaces first (container bridges and veths last: a team's
 * laptop is rarely on a Docker bridge).
 */
export function lanUrls(port: number, interfaces = networkInterfaces()): string[] {
  const virtual = /^(docker|br-|veth|cni|flannel|virbr|kube)/;
  const found: { url: string; virtual: boolean }[] = [];
  for (const [name, list] of Object.entries(interfaces)) {
    for (const entry of list ?? []) {
      if (entry.family !== 'IPv4' || entry.internal) continue;
      found.push({ url: `http://${entry.address}:${port}`, virtual: virtual.test(name) });
    }
  }
  return [...found.filter((f) => !f.virtual), ...found.filter((f) => f.virtual)].map((f) => f.url);
}

/** An API call's body: the largest is a bundle import (base64, a third larger than the archive). */
const MAX_BODY_BYTES = Math.ceil((LIMITS.bundleBytes * 4) / 3) + 1024 * 1024;

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const expected = Buffer.from(token);

  const tokenMatches = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const OWNER: Principal = { kind: 'owner' };
  const principalOfToken = (candidate: string | undefined | null): Principal | null => {
    if (!candidate) return null;
    if (tokenMatches(candidate)) return OWNER;
    return options.access?.resolve(candidate) ?? null;
  };
  /**
   * Who is calling, the owner (the server's token) or a team (a join token), and how the request proved it
   * (null: it did not). Sockets never accept the cookie.
   */
  const authenticate = (req: IncomingMessage, url: URL, cookie = true): { principal: Principal; method: AuthMethod } | null => {
    const header = req.headers.authorization;
    const byHeader = header?.startsWith('Bearer ') ? principalOfToken(header.slice(7)) : null;
    if (byHeader) return { principal: byHeader, method: 'header' };
    const byQuery = principalOfToken(url.searchParams.get('token'));
    if (byQuery) return { principal: byQuery, method: 'query' };
    const byCookie = cookie ? principalOfToken(readCookie(req, cookieName())) : null;
    return byCookie ? { principal: byCookie, method: 'cookie' } : null;
  };
  /** The member a request names (a team member joining as someone), checked against the team (access.ts). */
  const named = (req: IncomingMessage, url: URL, principal: Principal): ReturnType<typeof asMember> => {
    const header = req.headers[MEMBER_HEADER];
    const name = (typeof header === 'string' ? header : null) ?? url.searchParams.get(MEMBER_PARAM);
    return asMember(principal, name);
  };
  // One cookie per port: another local server (or a second Firedrill) never receives or overwrites ours.
  const cookieName = (): string => `${TOKEN_COOKIE}_${port}`;

  let port = options.port ?? 0;
  // Reject other Host headers so a web page elsewhere cannot reach us through DNS rebinding.
  const hostAllowed = (req: IncomingMessage): boolean => {
    const hostHeader = req.headers.host ?? '';
    const name = hostHeader.replace(/:\d+$/, '');
    // Served on every interface (`--host 0.0.0.0`, game days on a LAN): this machine's own addresses too.
    return ['127.0.0.1', 'localhost', '[::1]', host].includes(name) || (WILDCARD_HOSTS.includes(host) && localAddresses().has(name));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    if (!hostAllowed(req)) return sendError(res, 403, 'unauthorized', 'unexpected Host header');
    const auth = authenticate(req, url);
    if (!auth) {
      return sendError(
        res,
        401,
        'unauthorized',
        'missing or wrong access token',
        'Open the URL that `firedrill serve` printed; it carries the token.',
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const problem = originProblem(req, port, auth.method);
      if (problem) return sendError(res, 403, 'unauthorized', problem);
    }
    const member = named(req, url, auth.principal);
    if ('refused' in member) return sendError(res, 403, 'unauthorized', member.refused, 'Join with the name of one of your team\'s members.');
    // The first page load carries ?token=; a cookie lets the page's own scripts and styles load after it.
    const given = url.searchParams.get('token');
    if (given && principalOfToken(given)) {
      res.setHeader('Set-Cookie', `${cookieName()}=${auth.principal.kind === 'owner' ? token : given}; HttpOnly; SameSite=Strict; Path=/`);
    }
    handle(req, res, url, member.principal).catch((error: unknown) => {
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) sendError(res, 500, 'internal', error instanceof Error ? error.message : String(error));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal): Promise<void> {
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (req.method !== 'POST') return sendError(res, 405, 'bad_request', 'use POST for API calls');
      const method = decodeURIComponent(path.slice('/api/'.length));
      if (!isMethodName(method)) return sendError(res, 404, 'not_found', `unknown API method "${method}"`);
      if (!isJsonRequest(req)) return sendError(res, 415, 'bad_request', 'API calls carry JSON: send Content-Type: application/json');
      let raw: string;
      try {
        raw = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) return sendError(res, 413, 'bad_request', error.message);
        throw error;
      }
      let body: unknown;
      try {
        body = raw.length === 0 ? {} : JSON.parse(raw);
      } catch (error) {
        return sendError(res, 400, 'bad_request', `request body is not JSON: ${(error as Error).message}`);
      }
      try {
        const request = parseRequest(method, body);
        const refused = refusal(principal, method, request);
        if (refused) return sendError(res, 403, 'unauthorized', refused);
        const response = await callHandler(options.handlers, method, request);
        return sendJson(res, 200, scopeResponse(principal, method, response));
      } catch (error) {
        if (error instanceof ApiError) return sendError(res, statusOf(error.code), error.code, error.message, error.fix);
        throw error;
      }
    }
    if (path.startsWith('/files/')) {
      const [, , runId, name] = path.split('/');
      if (!runId || !name || !options.files) return sendError(res, 404, 'not_found', 'no such file');
      if (!mayReadRun(principal, decodeURIComponent(runId))) return sendError(res, 403, 'unauthorized', 'a team may only read its own run');
      const file = await options.files.open(decodeURIComponent(runId), decodeURIComponent(name));
      if (!file) return sendError(res, 404, 'not_found', `no file ${name} for run ${runId}`);
      res.writeHead(200, {
        'Content-Type': file.contentType,
        ...(file.filename ? { 'Content-Disposition': `attachment; filename="${file.filename}"` } : {}),
      });
      file.stream.pipe(res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'bad_request', 'method not allowed');
    return serveStatic(res, path);
  }

  function serveStatic(res: ServerResponse, path: string): void {
    const root = options.staticDir;
    if (!root || !existsSync(join(root, 'index.html'))) {
      return sendError(
        res,
        404,
        'not_found',
        'the UI is not built',
        'Run `npm run build` (it builds the renderer into dist/renderer).',
      );
    }
    const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    let file = join(root, relative);
    if (!file.startsWith(root + sep) && file !== root) return sendError(res, 403, 'unauthorized', 'outside the UI');
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    const onSocket = options.sockets?.[url.pathname];
    const auth = hostAllowed(req) ? authenticate(req, url, false) : null;
    if (!auth) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (originProblem(req, port, auth.method, options.socketOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!onSocket) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const member = named(req, url, auth.principal);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Accepted, then closed with the reason: a browser cannot read the body of a refused upgrade.
      if ('refused' in member) return ws.close(SOCKET_REFUSED, closeReason(member.refused));
      scopeSocket(ws, member.principal, url.pathname);
      onSocket(ws, member.principal);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  // On every interface, this machine's own browser still opens the loopback address; others get lanUrls.
  const wildcard = WILDCARD_HOSTS.includes(host);
  const displayHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${displayHost}:${port}`;
  return {
    url,
    lanUrls: wildcard ? lanUrls(port) : [],
    openUrl: `${url}/?token=${token}`,
    token,
    port,
    host,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function statusOf(code: ApiError['code']): number {
  return { bad_request: 400, unauthorized: 401, not_found: 404, conflict: 409, internal: 500 }[code];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, fix?: string): void {
  sendJson(res, status, { error: { code, message, ...(fix ? { fix } : {}) } });
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge(`the request body is larger than ${formatBytes(MAX_BODY_BYTES)}, the limit of an API call`));
        // Drain the rest unread so the 413 still reaches the client.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

class BodyTooLarge extends Error {}

/** A WebSocket close reason holds at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = `${reason.slice(0, -2)}…`;
  return reason;
}
