/**
 * The renderer's one way to reach the Node side. Two hosts, one interface:
 * - web mode (`firedrill serve`): `POST /api/<method>` with a bearer token, WebSockets and files on the same origin;
 * - Electron: `window.firedrill.<camelCasedMethod>(request)` from the preload, plus the same local server
 *   (URL and token from `app.info`) for WebSockets and files.
 * Every response is validated against the contract's zod schema; every failure surfaces as an `ApiError`
 * carrying the fix when the server knows one.
 */
import {
  ApiError,
  apiErrorSchema,
  eventsServerMessageSchema,
  formatIssues,
  methods,
  type EventsServerMessage,
  type MethodName,
  type RequestOf,
  type ResponseOf,
} from '../../../shared/api/contract';
import { Reconnect, type Schedule } from './reconnect';

export { ApiError };

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface EventsOptions {
  /** Told when the socket opens, drops, and reconnects. */
  onState?: (state: ConnectionState) => void;
}

export interface ApiClient {
  readonly host: 'web' | 'electron';
  /** Calls one contract method; resolves with the validated response or rejects with an `ApiError`. */
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  /** Subscribes to a run's events (`run.snapshot`, `run.progress`); reconnects on drops. Returns the unsubscribe. */
  events(runId: string, onMessage: (message: EventsServerMessage) => void, options?: EventsOptions): () => void;
  /** `ws://127.0.0.1:<port>/ws/terminal?token=…` for the terminal components. */
  terminalSocketUrl(): string;
  /** An absolute, authenticated URL for a server path such as `/files/<runId>/bundle.tar.gz`. */
  fileUrl(path: string): string;
}

// ---------------------------------------------------------------- shared helpers

export const TOKEN_FIX = 'Open the exact URL that `firedrill serve` printed (it ends with ?token=…).';

export const UNREACHABLE_FIX =
  'Is `firedrill serve` still running? Start it again and open the URL it prints (it carries a fresh token).';

/** `doctor.run` → `doctorRun`: the preload's method name for a contract method. */
export function preloadName(method: MethodName): string {
  return method.replace(/\.([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Checks a response against the contract; a mismatch is a bug between hosts, reported as such. */
export function validateResponse<M extends MethodName>(method: M, body: unknown): ResponseOf<M> {
  const result = methods[method].response.safeParse(body);
  if (!result.success) {
    throw new ApiError(
      'internal',
      `${method}: the server answered with an unexpected shape (${formatIssues(result.error)})`,
      'The UI and the Node side are from different builds. Run `npm run build` and restart Firedrill.',
    );
  }
  return result.data as ResponseOf<M>;
}

/** Turns anything thrown or returned as an error into an `ApiError`. */
export function toApiError(error: unknown, fallbackFix?: string): ApiError {
  if (error instanceof ApiError) return error;
  const body = apiErrorSchema.safeParse(error);
  if (body.success) return new ApiError(body.data.error.code, body.data.error.message, body.data.error.fix);
  if (error && typeof error === 'object') {
    const { code, message, fix } = error as { code?: unknown; message?: unknown; fix?: unknown };
    const knownCode = ['bad_request', 'unauthorized', 'not_found', 'conflict', 'internal'].includes(String(code))
      ? (code as ApiError['code'])
      : 'internal';
    if (typeof message === 'string') {
      // Electron wraps errors thrown in the main process: "Error invoking remote method 'x': Error: message".
      const cleaned = message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
      return new ApiError(knownCode, cleaned, typeof fix === 'string' ? fix : fallbackFix);
    }
  }
  return new ApiError('internal', String(error), fallbackFix);
}

function wsUrlFrom(httpBase: string, path: string, token: string): string {
  const url = new URL(path, httpBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  readonly readyState: number;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

/**
 * One events socket per subscription: subscribes on open, validates every message, and reconnects with
 * a capped backoff until unsubscribed.
 */
export function subscribeEvents(
  url: string,
  runId: string,
  onMessage: (message: EventsServerMessage) => void,
  options: EventsOptions & { socketFactory?: SocketFactory; schedule?: Schedule } = {},
): () => void {
  const factory: SocketFactory = options.socketFactory ?? ((u) => new WebSocket(u) as unknown as SocketLike);
  const reconnect = new Reconnect(options.schedule ?? ((fn, ms) => setTimeout(fn, ms)), () => undefined);
  let socket: SocketLike | null = null;
  let stopped = false;

  const connect = (): void => {
    if (stopped) return;
    options.onState?.('connecting');
    const ws = factory(url);
    socket = ws;
    ws.onopen = () => {
      reconnect.succeeded();
      options.onState?.('open');
      ws.send(JSON.stringify({ type: 'subscribe', runId }));
    };
    ws.onmessage = (event) => {
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        onMessage({ type: 'error', message: 'the events socket sent something that is not JSON' });
        return;
      }
      const parsed = eventsServerMessageSchema.safeParse(data);
      if (parsed.success) onMessage(parsed.data);
      else onMessage({ type: 'error', message: `unexpected event: ${formatIssues(parsed.error)}` });
    };
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      options.onState?.('closed');
      if (stopped) return;
      reconnect.retry(connect);
    };
  };
  connect();

  return () => {
    stopped = true;
    const ws = socket;
    socket = null;
    if (ws) {
      try {
        if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'unsubscribe', runId }));
        ws.close();
      } catch {
        // closing a socket that is already gone is fine
      }
    }
  };
}

// ---------------------------------------------------------------- web mode

export interface WebClientOptions {
  /** Origin of the local server, e.g. `http://127.0.0.1:4123`. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  socketFactory?: SocketFactory;
}

export function createWebClient(options: WebClientOptions): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const { baseUrl, token } = options;
  return {
    host: 'web',
    async call(method, request) {
      let response: Response;
      try {
        response = await doFetch(new URL(`/api/${method}`, baseUrl).toString(), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          credentials: 'same-origin',
          body: JSON.stringify(request ?? {}),
        });
      } catch (error) {
        throw new ApiError('internal', `Cannot reach the Firedrill server (${(error as Error).message})`, UNREACHABLE_FIX);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ApiError(
          response.ok ? 'internal' : codeForStatus(response.status),
          `${method}: the server answered ${response.status} without JSON`,
          UNREACHABLE_FIX,
        );
      }
      if (!response.ok) {
        const parsed = apiErrorSchema.safeParse(body);
        if (parsed.success) {
          const { code, message, fix } = parsed.data.error;
          throw new ApiError(code, message, fix ?? (code === 'unauthorized' ? TOKEN_FIX : undefined));
        }
        throw new ApiError(codeForStatus(response.status), `${method}: HTTP ${response.status}`);
      }
      return validateResponse(method, body);
    },
    events(runId, onMessage, eventOptions) {
      return subscribeEvents(wsUrlFrom(baseUrl, '/ws/events', token), runId, onMessage, {
        ...eventOptions,
        ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
      });
    },
    terminalSocketUrl() {
      return wsUrlFrom(baseUrl, '/ws/terminal', token);
    },
    fileUrl(path) {
      const url = new URL(path, baseUrl);
      if (token) url.searchParams.set('token', token);
      return url.toString();
    },
  };
}

function codeForStatus(status: number): ApiError['code'] {
  if (status === 400) return 'bad_request';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  return 'internal';
}

// ---------------------------------------------------------------- Electron

/** What the preload exposes: one async function per contract method, camel-cased. */
export type FiredrillBridge = Record<string, (request: unknown) => Promise<unknown>>;

export async function createElectronClient(
  bridge: FiredrillBridge,
  options: { socketFactory?: SocketFactory } = {},
): Promise<ApiClient> {
  const invoke = async <M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> => {
    const fn = bridge[preloadName(method)];
    if (typeof fn !== 'function') {
      throw new ApiError('internal', `the Electron preload has no ${preloadName(method)}()`, 'Rebuild and restart Firedrill.');
    }
    let result: unknown;
    try {
      result = await fn(request ?? {});
    } catch (error) {
      throw toApiError(error);
    }
    // A preload may return errors as data (`{error:{code,message,fix}}`) to keep `fix` across IPC.
    const asError = apiErrorSchema.safeParse(result);
    if (asError.success) throw toApiError(asError.data);
    return validateResponse(method, result);
  };
  const info = await invoke('app.info', {});
  const base = new URL(info.serverUrl);
  const baseUrl = base.origin;
  const token = info.token || base.searchParams.get('token') || '';
  const web = createWebClient({ baseUrl, token, ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}) });
  return {
    host: 'electron',
    call: invoke,
    events: web.events,
    terminalSocketUrl: web.terminalSocketUrl,
    fileUrl: web.fileUrl,
  };
}

// ---------------------------------------------------------------- choosing a host

export const TOKEN_STORAGE_KEY = 'firedrill.token';

interface BrowserLike {
  location: { href: string; origin: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void; state: unknown };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  firedrill?: FiredrillBridge;
}

/**
 * Web mode: takes `?token=` from the address bar, keeps it in sessionStorage (so a reload still works)
 * and removes it from the address bar so it does not end up in screenshots or bookmarks.
 */
export function takeTokenFromUrl(win: BrowserLike): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

/** Picks the host at start: the Electron preload when present, web mode otherwise. */
export async function createClient(
  win: BrowserLike = window as unknown as BrowserLike,
  options: { fetch?: typeof fetch } = {},
): Promise<ApiClient> {
  if (win.firedrill) return createElectronClient(win.firedrill);
  const baseUrl = win.location.origin;
  const token = takeTokenFromUrl(win) ?? '';
  const client = createWebClient({ baseUrl, token, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (token) return client;
  // A new tab on the plain URL: the server's HttpOnly cookie authenticates this page's own API calls, but
  // sockets never take the cookie, so the page asks for the token once. If the cookie is refused too, the
  // first call on screen fails with `unauthorized` and its fix.
  try {
    const info = await client.call('app.info', {});
    if (info.token) {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, info.token);
      return createWebClient({ baseUrl, token: info.token, ...(options.fetch ? { fetch: options.fetch } : {}) });
    }
  } catch {
    // Shown by the first call the UI makes.
  }
  return client;
}
