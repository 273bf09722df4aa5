/**
 * Where a game's dead man's switch deadline lives once its clock moved. The objects' labels carry the
 * deadline set at start and cannot change; pausing or extending the clock moves it, so the runner writes
 * the current one to `$FIREDRILL_HOME/games/<id>/deadline.json`, and everything that enforces the switch
 * without the facilitator's process (the watchdog, `firedrill clean --expired`, the next start) reads it
 * over the label's. Written atomically: a reader never sees half a file.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEADLINE_FILE = 'deadline.json';

export function writeGameDeadline(dir: string, deadline: number): void {
  const file = join(dir, DEADLINE_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ deadline })}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The game's current deadline, or null when its file is missing or unreadable (the label's then holds). */
export function readGameDeadline(dir: string): number | null {
  try {
    const { deadline } = JSON.parse(readFileSync(join(dir, DEADLINE_FILE), 'utf8')) as { deadline?: unknown };
    return typeof deadline === 'number' && Number.isFinite(deadline) && deadline > 0 ? deadline : null;
  } catch {
    return null;
  }
}

/** Every game's current deadline under a Firedrill home, by game id (for CleanupOptions.deadlines). */
export function readGameDeadlines(home: string): Record<string, number> {
  const games = join(home, 'games');
  if (!existsSync(games)) return {};
  const moved: Record<string, number> = {};
  for (const id of readdirSync(games)) {
    const deadline = readGameDeadline(join(games, id));
    if (deadline !== null) moved[id] = deadline;
  }
  return moved;
}
