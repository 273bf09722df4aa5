/**
 * Starts a game's dead man's switch watchdog as its own detached process (`firedrill game watchdog`), so it
 * outlives this one: a SIGKILL, a crash or a closed laptop lid cannot take it along. It exits by itself once
 * the game ended normally (the marker file), or after it removed the game's objects.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../platform/package-root.js';

export function startGameWatchdog(watch: { gameId: string; ttlMs: number; deadline: number; endedMarker: string; home: string }): { stop(): void; pid: number | undefined } {
  const dir = join(watch.home, 'games', watch.gameId);
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'watchdog.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      join(packageRoot(), 'bin', 'firedrill.js'),
      'game',
      'watchdog',
      '--owner-pid',
      String(process.pid),
      '--game',
      watch.gameId,
      '--ttl-ms',
      String(watch.ttlMs),
      '--deadline',
      String(watch.deadline),
      '--marker',
      watch.endedMarker,
    ],
    { detached: true, stdio: ['ignore', log, log], env: { ...process.env, FIREDRILL_HOME: watch.home } },
  );
  closeSync(log);
  child.unref();
  return {
    pid: child.pid,
    // The marker file tells it to go; no signal needed (and none that could hit a reused pid).
    stop: () => undefined,
  };
}
