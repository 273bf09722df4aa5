/**
 * The API of game-day mode: the facilitator's console (start, board, inject now, broadcast, kill switch,
 * end, debrief, export) and a team's own view. Who may call what is decided in access.ts, before these run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type ApiHandlers, type Report } from '../../shared/api/contract.js';
import type { DebriefView, GameBoardView, GameMethodName } from '../../shared/api/game.js';
import { debriefGame, type DebriefMeasures, type RootCauseFinder } from '../game/debrief.js';
import { GameFileError, gameJsonSchema, openGameFile, saveGameFile, validateGameFileText } from '../game/editor.js';
import { GameError } from '../game/load.js';
import { GameRunError, type Game, type GameRunner } from '../game/runner.js';
import { pausedBetween } from '../engine/events/paused.js';
import { compileSignals, firstRootCauseCommand } from '../scoring/signals.js';

export type GameHandlers = Pick<ApiHandlers, GameMethodName>;

export interface GameHandlerDeps {
  /** A run's report with the reviewer's overrides applied: reports.get itself, so scores have one definition. */
  report: (runId: string) => Promise<Report>;
  /** A session's terminal recordings (asciicast text by terminal), for its report's transcripts. */
  casts: (runId: string, terminals: readonly number[]) => Record<number, string>;
  /** Writes a session's bundle (the session export) to a file. */
  writeBundle: (runId: string, file: string) => Promise<void>;
  /** One HTML file: the debrief as a cover, then every report (main/report/game-html.ts). */
  renderGameHtml: (debrief: DebriefView, reports: { runId: string; report: Report; casts: Record<number, string> }[]) => string;
}

/** The troubleshooting score's definition of detection, for the debrief's root-cause milestone. */
export const findRootCause: RootCauseFinder = (events, investigation, fromMs) => {
  const first = firstRootCauseCommand(events, compileSignals(investigation), fromMs);
  return first ? { signalId: first.signal.signal.id, command: first.command } : null;
};

/** The scoring's measures the debrief uses: detection, and the facilitator's pauses. */
export const debriefMeasures: DebriefMeasures = { rootCause: findRootCause, pausedBetween };

/** Where a game's export goes: `$FIREDRILL_HOME/games/<gameId>/export/`. */
export function exportDir(game: Pick<Game, 'dir'>): string {
  return join(game.dir, 'export');
}

/** A team's join link: the UI with the team's token, opened on the team's run. */
export function joinPath(token: string, runId: string): string {
  return `/?token=${encodeURIComponent(token)}#/run/${encodeURIComponent(runId)}`;
}

export function createGameHandlers(runner: GameRunner, deps: GameHandlerDeps): GameHandlers {
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
  const requireGame = (): Game => {
    const game = runner.current;
    if (!game) throw new ApiError('not_found', 'no game has been started', 'Start one from a game file.');
    return game;
  };
  /** A report that cannot be assembled (a pack gone, a broken log) leaves its team's timeline in the debrief. */
  const reportOf = (runId: string): Promise<Report | null> => deps.report(runId).catch(() => null);
  const debrief = async (game: Game): Promise<{ view: DebriefView; reports: Map<string, Report> }> => {
    const reports = new Map<string, Report>();
    const inputs = await Promise.all(
      game.teams.map(async ({ plan, run }) => {
        const report = await reportOf(run.id);
        if (report) reports.set(run.id, report);
        return { team: plan, runId: run.id, events: run.readEvents(), scenario: run.scenario, report };
      }),
    );
    return { view: debriefGame({ id: game.id, title: game.plan.metadata.title, state: game.state }, inputs, debriefMeasures), reports };
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
    'game.debrief': async () => (await debrief(requireGame())).view,
    'game.exportReports': async () => {
      const game = requireGame();
      if (game.state === 'running' || game.state === 'stopping') {
        throw new ApiError('conflict', `game ${game.id} is ${game.state}`, 'End the game first: the export is of finished runs.');
      }
      const { view, reports } = await debrief(game);
      const dir = exportDir(game);
      mkdirSync(dir, { recursive: true });
      const html = deps.renderGameHtml(view, [...reports].map(([runId, report]) => ({ runId, report, casts: deps.casts(runId, report.recordings) })));
      const filename = `firedrill-game-${game.id}.html`;
      const htmlPath = join(dir, filename);
      writeFileSync(htmlPath, html);
      const bundles: { team: string; runId: string; path: string }[] = [];
      for (const { plan, run } of game.teams) {
        const path = join(dir, `firedrill-${run.id}.tar.gz`);
        await deps.writeBundle(run.id, path);
        bundles.push({ team: plan.id, runId: run.id, path });
      }
      return { dir, html, filename, htmlPath, bundles };
    },
    'game.team': async ({ runId }) => {
      const game = runner.current;
      const entry = game?.teams.find((t) => t.run.id === runId);
      if (!game || !entry) throw new ApiError('not_found', `run ${runId} is not part of a game`);
      return { game: game.id, title: game.plan.metadata.title, team: entry.plan.id, name: entry.plan.name, members: entry.plan.members, runId, broadcasts: [...game.broadcasts] };
    },
  };
}
