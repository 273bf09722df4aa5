/**
 * The API of game-day mode: the facilitator's console (start, board, inject now, broadcast, kill switch,
 * end, debrief) and a team's own view. Who may call what is decided in access.ts, before these run.
 */
import { ApiError, type ApiHandlers } from '../../shared/api/contract.js';
import type { GameBoardView, GameMethodName } from '../../shared/api/game.js';
import { GameFileError, gameJsonSchema, openGameFile, saveGameFile, validateGameFileText } from '../game/editor.js';
import { GameError } from '../game/load.js';
import { GameRunError, type GameRunner } from '../game/runner.js';

export type GameHandlers = Pick<ApiHandlers, GameMethodName>;

/** A team's join link: the UI with the team's token, opened on the team's run. */
export function joinPath(token: string, runId: string): string {
  return `/?token=${encodeURIComponent(token)}#/run/${encodeURIComponent(runId)}`;
}

export function createGameHandlers(runner: GameRunner): GameHandlers {
  const guard = async <T>(work: () => Promise<T> | T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof GameError) throw new ApiError('bad_request', error.message, 'Fix the game file where the message points, then start again.');
      if (error instanceof GameRunError) throw new ApiError('conflict', error.message);
      if (error instanceof GameFileError) throw new ApiError('bad_request', error.message);
      throw error;
    }
  };
  const board = (): GameBoardView | null => {
    const view = runner.board();
    const game = runner.current;
    if (!view || !game) return null;
    return {
      ...view,
      teams: view.teams.map((team) => ({ ...team, joinPath: joinPath(game.team(team.id)!.token, team.runId) })),
    };
  };
  const requireBoard = (): GameBoardView => {
    const view = board();
    if (!view) throw new ApiError('not_found', 'no game has been started', 'Start one from a game file.');
    return view;
  };
  return {
    'game.open': ({ path }) => guard(async () => ({ ...(await openGameFile(path)), schema: gameJsonSchema() })),
    'game.validate': ({ path, text }) => guard(() => ({ diagnostics: validateGameFileText(path, text) })),
    'game.save': ({ path, text }) => guard(async () => ({ diagnostics: await saveGameFile(path, text) })),
    'game.start': ({ path }) =>
      guard(async () => {
        await runner.start(path);
        return requireBoard();
      }),
    'game.board': async () => board(),
    'game.inject': ({ team, target, kind }) => guard(() => runner.inject(team, target, kind)),
    'game.broadcast': ({ message }) =>
      guard(() => {
        runner.broadcast(message);
        return requireBoard();
      }),
    'game.pause': () =>
      guard(() => {
        runner.pause();
        return requireBoard();
      }),
    'game.resume': () =>
      guard(() => {
        runner.resume();
        return requireBoard();
      }),
    'game.extend': ({ minutes }) =>
      guard(() => {
        runner.extend(minutes * 60_000);
        return requireBoard();
      }),
    'game.kill': () => guard(() => runner.kill()),
    'game.end': () => guard(() => runner.end()),
    'game.debrief': () => guard(() => runner.debrief()),
    'game.team': async ({ runId }) => {
      const game = runner.current;
      const entry = game?.teams.find((t) => t.run.id === runId);
      if (!game || !entry) throw new ApiError('not_found', `run ${runId} is not part of a game`);
      return { game: game.id, title: game.plan.metadata.title, team: entry.plan.id, name: entry.plan.name, members: entry.plan.members, runId, broadcasts: [...game.broadcasts] };
    },
  };
}
