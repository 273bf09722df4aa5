import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createClient,
  createElectronClient,
  createWebClient,
  preloadName,
  subscribeEvents,
  takeTokenFromUrl,
  TOKEN_STORAGE_KEY,
  UNREACHABLE_FIX,
  type SocketLike,
} from '../../../renderer/src/api/client';
import { methodNames } from '../../../shared/api/contract';
import { doctorOk, scenario, snapshot } from './fixtures';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readyState = 0;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

describe('web client', () => {
  it('posts JSON to /api/<method> with the bearer token and returns the validated response', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, [scenario()]));
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: 'tok', fetch });
    const list = await client.call('scenarios.list', {});
    expect(list[0]?.name).toBe('slow-query');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:4000/api/scenarios.list');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init.body).toBe('{}');
  });

  it('turns an error body into an ApiError carrying code, message and fix', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(409, { error: { code: 'conflict', message: 'a run is already live', fix: 'Finish or abandon it first.' } }),
    );
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: 'tok', fetch });
    const error = await client.call('runs.start', { scenario: 'slow-query' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'conflict', message: 'a run is already live', fix: 'Finish or abandon it first.' });
  });

  it('rejects a response that does not match the contract instead of passing it on', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { ok: 'yes' }));
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: 'tok', fetch });
    const error = (await client.call('doctor.run', {}).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/doctor\.run: the server answered with an unexpected shape/);
    expect(error.message).toMatch(/ok/);
    expect(error.fix).toMatch(/npm run build/);
  });

  it('reports an unreachable server with a fix', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: 'tok', fetch });
    const error = (await client.call('doctor.run', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toMatch(/Cannot reach the Firedrill server/);
    expect(error.fix).toBe(UNREACHABLE_FIX);
  });

  it('an unauthorized answer without JSON still becomes an ApiError', async () => {
    const fetch = vi.fn(async () => new Response('nope', { status: 401 }));
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: 'tok', fetch });
    await expect(client.call('doctor.run', {})).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('builds authenticated file and terminal URLs on the same server', () => {
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: 'a b', fetch: vi.fn() });
    expect(client.fileUrl('/files/run-1/bundle.tar.gz')).toBe('http://127.0.0.1:4000/files/run-1/bundle.tar.gz?token=a+b');
    expect(client.terminalSocketUrl()).toBe('ws://127.0.0.1:4000/ws/terminal?token=a+b');
  });
});

describe('events socket', () => {
  it('subscribes on open, passes validated messages, and flags malformed ones', () => {
    FakeSocket.all = [];
    const messages: unknown[] = [];
    const client = createWebClient({
      baseUrl: 'http://127.0.0.1:4000',
      token: 'tok',
      fetch: vi.fn(),
      socketFactory: (url) => new FakeSocket(url),
    });
    const stop = client.events('run-1', (m) => messages.push(m));
    const socket = FakeSocket.all[0]!;
    expect(socket.url).toBe('ws://127.0.0.1:4000/ws/events?token=tok');
    socket.open();
    expect(JSON.parse(socket.sent[0]!)).toEqual({ type: 'subscribe', runId: 'run-1' });
    socket.receive({ type: 'run.progress', runId: 'run-1', progress: { current: 1, max: 4, description: 'building images' } });
    socket.receive({ type: 'run.snapshot', snapshot: snapshot() });
    socket.receive({ type: 'run.snapshot', snapshot: { runId: 'x' } });
    socket.receive('not json');
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatchObject({ type: 'run.progress', progress: { current: 1 } });
    expect(messages[1]).toMatchObject({ type: 'run.snapshot' });
    expect(messages[2]).toMatchObject({ type: 'error', message: expect.stringMatching(/unexpected event/) });
    expect(messages[3]).toMatchObject({ type: 'error' });
    stop();
    expect(socket.closed).toBe(true);
    expect(JSON.parse(socket.sent.at(-1)!)).toEqual({ type: 'unsubscribe', runId: 'run-1' });
  });

  it('reconnects after a drop and re-subscribes, until unsubscribed', () => {
    FakeSocket.all = [];
    const scheduled: (() => void)[] = [];
    const states: string[] = [];
    const stop = subscribeEvents('ws://x/ws/events', 'run-1', () => undefined, {
      socketFactory: (url) => new FakeSocket(url),
      schedule: (fn) => scheduled.push(fn),
      onState: (s) => states.push(s),
    });
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop();
    expect(scheduled).toHaveLength(1);
    scheduled[0]!();
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.open();
    expect(JSON.parse(FakeSocket.all[1]!.sent[0]!)).toEqual({ type: 'subscribe', runId: 'run-1' });
    stop();
    FakeSocket.all[1]!.drop();
    expect(scheduled).toHaveLength(1);
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
  });
});

describe('Electron client', () => {
  const info = {
    version: '0.1.0',
    host: 'electron' as const,
    serverUrl: 'http://127.0.0.1:5555/?token=xyz',
    token: 'xyz',
    dataDir: '/tmp/fd',
  };

  it('names preload methods by camel-casing the contract method', () => {
    expect(preloadName('doctor.run')).toBe('doctorRun');
    expect(preloadName('runs.checkFix')).toBe('runsCheckFix');
    expect(preloadName('reports.exportHtml')).toBe('reportsExportHtml');
    expect(new Set(methodNames.map(preloadName)).size).toBe(methodNames.length);
  });

  it('calls window.firedrill and uses app.info for sockets and files', async () => {
    const doctorRun = vi.fn(async () => doctorOk);
    const client = await createElectronClient({ appInfo: async () => info, doctorRun });
    expect(client.host).toBe('electron');
    expect((await client.call('doctor.run', {})).ok).toBe(true);
    expect(doctorRun).toHaveBeenCalledWith({});
    expect(client.terminalSocketUrl()).toBe('ws://127.0.0.1:5555/ws/terminal?token=xyz');
    expect(client.fileUrl('/files/r/terminal-1.cast')).toBe('http://127.0.0.1:5555/files/r/terminal-1.cast?token=xyz');
  });

  it('keeps the fix of errors returned as data and cleans up errors thrown across IPC', async () => {
    const client = await createElectronClient({
      appInfo: async () => info,
      doctorRun: async () => ({ error: { code: 'internal', message: 'Docker is down', fix: 'Start Docker.' } }),
      scenariosList: async () => {
        throw new Error("Error invoking remote method 'scenariosList': Error: scenarios folder missing");
      },
    });
    await expect(client.call('doctor.run', {})).rejects.toMatchObject({ message: 'Docker is down', fix: 'Start Docker.' });
    await expect(client.call('scenarios.list', {})).rejects.toMatchObject({ message: 'scenarios folder missing' });
    await expect(client.call('history.list', {})).rejects.toMatchObject({ message: expect.stringMatching(/historyList/) });
  });
});

describe('choosing the host and the token', () => {
  function fakeWindow(href: string, stored: string | null = null) {
    const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
    const win = {
      location: { href, origin: new URL(href).origin },
      history: { state: null, replaceState: vi.fn() },
      sessionStorage: {
        getItem: (k: string) => storage.get(k) ?? null,
        setItem: (k: string, v: string) => void storage.set(k, v),
      },
    };
    return { win, storage };
  }

  it('takes the token from the URL, keeps it in sessionStorage and removes it from the address bar', () => {
    const { win, storage } = fakeWindow('http://127.0.0.1:4000/?token=secret#/history');
    expect(takeTokenFromUrl(win)).toBe('secret');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('secret');
    expect(win.history.replaceState).toHaveBeenCalledWith(null, '', '/#/history');
  });

  it('falls back to sessionStorage after a reload', () => {
    const { win } = fakeWindow('http://127.0.0.1:4000/#/', 'kept');
    expect(takeTokenFromUrl(win)).toBe('kept');
    expect(win.history.replaceState).not.toHaveBeenCalled();
  });

  it('without any token, asks for it through the session cookie so sockets carry it (sockets take no cookie)', async () => {
    const { win, storage } = fakeWindow('http://127.0.0.1:4000/');
    const info = { version: '0', host: 'web', serverUrl: 'http://127.0.0.1:4000', token: 'from-cookie', dataDir: '/' };
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse(200, info));
    const client = await createClient(win, { fetch });
    expect(String(fetch.mock.calls[0]![0])).toBe('http://127.0.0.1:4000/api/app.info');
    expect(client.terminalSocketUrl()).toBe('ws://127.0.0.1:4000/ws/terminal?token=from-cookie');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('from-cookie');
  });

  it('without any token, relies on the session cookie and explains which URL to open when refused', async () => {
    const { win } = fakeWindow('http://127.0.0.1:4000/');
    const refused = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse(401, { error: { code: 'unauthorized', message: 'missing or wrong access token' } }));
    const client = await createClient(win, { fetch: refused });
    expect(client.fileUrl('/files/r/bundle.tar.gz')).toBe('http://127.0.0.1:4000/files/r/bundle.tar.gz');
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse(401, { error: { code: 'unauthorized', message: 'missing or wrong access token' } }));
    const cookieOnly = createWebClient({ baseUrl: 'http://127.0.0.1:4000', token: '', fetch });
    await expect(cookieOnly.call('doctor.run', {})).rejects.toMatchObject({ code: 'unauthorized', fix: expect.stringMatching(/firedrill serve/) });
    expect((fetch.mock.calls[0]![1]!.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('prefers the Electron preload when present', async () => {
    const { win } = fakeWindow('file:///app/index.html');
    const client = await createClient({
      ...win,
      firedrill: {
        appInfo: async () => ({ version: '0', host: 'electron', serverUrl: 'http://127.0.0.1:9/', token: 't', dataDir: '/' }),
      },
    });
    expect(client.host).toBe('electron');
  });
});
