/**
 * `firedrill game validate <file>`: check a game file (file:line:col for every problem).
 * `firedrill game watchdog ...`: the dead man's switch of a running game (started by the server, detached;
 * see main/app/game-watchdog.ts): removes the game's sandboxes once the server has been gone for the TTL.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { pidAlive } from '../../../sandbox/docker/cleanup.js';
import { createAppContext } from '../../app/context.js';
import { formatDiagnostics } from '../../engine/scenario/diagnostics.js';
import { readGameDeadline } from '../../game/deadline-file.js';
import { GameError, loadGame } from '../../game/load.js';
import { runWatchdog } from '../../game/watchdog.js';
import { UsageError, type CliIO } from '../io.js';

export async function runGameCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'validate') {
    if (rest.length === 0) throw new UsageError('game validate needs a game file');
    let failed = 0;
    for (const file of rest) {
      try {
        const { game } = await loadGame(file);
        io.stdout(`${file}: ok (${game.teams.length} team(s))`);
      } catch (error) {
        if (!(error instanceof GameError)) throw error;
        io.stderr(formatDiagnostics(error.diagnostics));
        failed += 1;
      }
    }
    return failed > 0 ? 1 : 0;
  }
  if (sub === 'watchdog') {
    const { values } = parseArgs({
      args: rest,
      options: {
        'owner-pid': { type: 'string' },
        game: { type: 'string' },
        'ttl-ms': { type: 'string' },
        deadline: { type: 'string' },
        marker: { type: 'string' },
      },
      strict: true,
    });
    const ownerPid = Number(values['owner-pid']);
    const ttlMs = Number(values['ttl-ms']);
    const deadline = Number(values.deadline);
    if (!Number.isInteger(ownerPid) || !values.game || !Number.isFinite(ttlMs) || !Number.isFinite(deadline) || !values.marker) {
      throw new UsageError('game watchdog needs --owner-pid, --game, --ttl-ms, --deadline and --marker');
    }
    const { runtimes } = createAppContext();
    const marker = values.marker;
    const outcome = await runWatchdog({
      ownerPid,
      gameId: values.game,
      ttlMs,
      deadline,
      movedDeadline: () => readGameDeadline(dirname(marker)),
      alive: pidAlive,
      ended: () => existsSync(marker),
      cleanup: async (gameId) => (await runtimes.cleanup({ gameId })).removed.length,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: (line) => io.stderr(`${new Date().toISOString()} watchdog: ${line}`),
    });
    io.stderr(`${new Date().toISOString()} watchdog: done (${outcome.reason})`);
    return 0;
  }
  throw new UsageError('usage: firedrill game validate <file>... | firedrill game watchdog --owner-pid P --game G --ttl-ms T --deadline D --marker F');
}
