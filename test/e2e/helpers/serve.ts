/**
 * Starts `firedrill serve --port 0` as a child process with its own FIREDRILL_HOME, waits for the URL
 * line on stdout, and stops it (and removes the home) on teardown. Reused by e2e tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServeHandle {
  /** The URL to open in a browser: `http://127.0.0.1:<port>/?token=<token>`. */
  openUrl: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  token: string;
  home: string;
  child: ChildProcess;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export const URL_PATTERN = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+)\/?\?token=([A-Za-z0-9_\-.~%]+)/;

export async function startServe(
  options: {
    args?: string[];
    env?: NodeJS.ProcessEnv;
    /** An existing FIREDRILL_HOME (kept on stop); by default a fresh temp dir, removed on stop. */
    home?: string;
    /** Runs on the home before the server starts (e.g. copy extra scenario packs into `<home>/scenarios`). */
    prepareHome?: (home: string) => Promise<void>;
    timeoutMs?: number;
    cwd?: string;
  } = {},
): Promise<ServeHandle> {
  const ownHome = !options.home;
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'firedrill-home-')));
  await options.prepareHome?.(home);
  const cwd = options.cwd ?? REPO_ROOT;
  const child = spawn(process.execPath, [join(cwd, 'bin/firedrill.js'), 'serve', '--port', '0', ...(options.args ?? [])], {
    cwd,
    env: { ...process.env, ...options.env, FIREDRILL_HOME: home, BROWSER: 'none', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownHome) await rm(home, { recursive: true, force: true }).catch(() => undefined);
  };

  const found = await new Promise<RegExpMatchArray>((resolveUrl, reject) => {
    const timeout = setTimeout(
      () => reject(new Error(`firedrill serve printed no URL within ${options.timeoutMs ?? 60_000} ms:\n${out}`)),
      options.timeoutMs ?? 60_000,
    );
    const check = () => {
      const match = URL_PATTERN.exec(out);
      if (match) {
        clearTimeout(timeout);
        child.stdout?.off('data', check);
        resolveUrl(match);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      reject(new Error(`firedrill serve exited (${code ?? signal}) before printing a URL:\n${out}`));
    });
    check();
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  const baseUrl = found[1]!;
  const token = decodeURIComponent(found[2]!);
  return { openUrl: `${baseUrl}/?token=${found[2]}`, baseUrl, token, home, child, output: () => out, stop };
}
