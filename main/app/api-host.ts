/**
 * Hosts the API for either shell: builds the handlers over the real engine, starts the local server
 * (HTTP + WebSockets, 127.0.0.1, random token), and reaps what crashed runs left behind.
 */
import { readFileSync, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../../sandbox/prereqs/doctor.js';
import { createHandlers } from '../api/handlers.js';
import { serveEventsSocket } from '../api/events-socket.js';
import { startApiServer, type ApiServer } from '../api/server.js';
import type { ApiHandlers, AppInfo } from '../../shared/api/contract.js';
import { packageVersion } from '../platform/package-root.js';
import { renderGameHtml } from '../report/game-html.js';
import { renderReportHtml } from '../report/html.js';
import { packageRoot } from '../platform/package-root.js';
import { readGameDeadlines } from '../game/deadline-file.js';
import { createAppContext, type AppContext } from './context.js';
import { createScoring } from './scoring-adapter.js';
import { bundleStream, castStream, sessionPath, writeBundle } from '../sessions/store.js';
import { createTerminalService } from './terminal-service.js';
import { createGameHandlers } from '../api/game-handlers.js';
import { createCommsHandlers } from '../api/comms-handlers.js';
import { liveComms } from '../api/views/comms.js';
import { sameToken, typistOf } from '../api/access.js';
import { GameRunner } from '../game/runner.js';
import { startGameWatchdog } from './game-watchdog.js';

export interface ApiHost {
  context: AppContext;
  /** Game-day mode's runner (one game at a time). */
  games: GameRunner;
  handlers: ApiHandlers;
  server: ApiServer;
  close(): Promise<void>;
}

export async function startApiHost(options: {
  host?: string;
  port?: number;
  kind: AppInfo['host'];
  context?: AppContext;
  log?: (line: string) => void;
}): Promise<ApiHost> {
  const context = options.context ?? createAppContext();
  let server: ApiServer | null = null;
  const scoring = createScoring();
  const games = new GameRunner({
    manager: context.manager,
    score: (run) => scoring.troubleshooting([...run.readEvents()], run.scenario).score,
    comms: liveComms,
    startWatchdog: (watch) => startGameWatchdog({ ...watch, home: context.home }),
  });
  // A game's team terminals are shared: the team watches together, one member types at a time.
  const terminals = createTerminalService(context, { shared: (run) => games.current?.teams.some((t) => t.run === run) ?? false });
  const runHandlers = createHandlers({
    manager: context.manager,
    doctor: () => runDoctor({ dataDir: context.home }),
    scoring,
    openTerminal: (run) => terminals.open(run),
    renderReportHtml: (report, casts) => renderReportHtml(report, { casts }),
    readCasts,
    info: () => ({
      version: packageVersion(),
      host: options.kind,
      serverUrl: server!.url,
      lanUrls: server!.lanUrls,
      token: server!.token,
      dataDir: context.home,
    }),
    loadScenario: (dir) => context.manager.load(dir),
    studio: { author: userName() },
  });
  const commsHandlers = createCommsHandlers({
    manager: context.manager,
    teamOf: (runId) => {
      const team = games.current?.teams.find((t) => t.run.id === runId);
      return team ? { id: team.plan.id, members: team.plan.members } : null;
    },
  });
  const handlers: ApiHandlers = {
    ...runHandlers,
    ...createGameHandlers(games, {
      report: (runId) => runHandlers['reports.get']({ runId }),
      casts: (runId, numbers) => readCasts(sessionPath(context.home, runId), numbers),
      writeBundle: (runId, file) => writeBundle(sessionPath(context.home, runId), file),
      renderGameHtml: (debrief, reports) => renderGameHtml(debrief, reports),
    }),
    ...commsHandlers,
  };
  server = await startApiServer({
    handlers,
    staticDir: join(packageRoot(), 'dist', 'renderer'),
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.log ? { log: options.log } : {}),
    // The Electron window's page is a file: its sockets carry Origin `file://` (or `null`), never a web origin.
    ...(options.kind === 'electron' ? { socketOrigins: ['file://', 'null'] } : {}),
    // A game's team join tokens: each reaches only its team's run (main/api/access.ts).
    access: {
      resolve: (token) => {
        const game = games.current;
        const team = game?.teams.find((t) => sameToken(t.token, token));
        if (!game || !team) return null;
        return { kind: 'team', teamId: team.plan.id, runId: team.run.id, token: team.token, hintsAllowed: game.plan.hints.allowed, members: team.plan.members };
      },
    },
    sockets: {
      '/ws/events': (socket) => serveEventsSocket(socket, context.manager),
      '/ws/terminal': (socket, principal) => terminals.serve(socket, typistOf(principal)),
    },
    files: {
      async open(runId, name) {
        const dir = sessionPath(context.home, runId);
        if (!existsSync(dir)) return null;
        if (name === 'bundle.tar.gz') {
          return { stream: bundleStream(dir), contentType: 'application/gzip', filename: `firedrill-${runId}.tar.gz` };
        }
        const cast = /^terminal-(\d+)\.cast$/.exec(name);
        if (cast) {
          const stream = castStream(dir, Number(cast[1]));
          return stream ? { stream, contentType: 'application/x-asciicast' } : null;
        }
        return null;
      },
    },
  });
  // Objects of runs whose process died (a crash, a kill -9) are removed at start, on every runtime.
  // A game's objects are spared until their deadline, which a paused or extended clock moved.
  const deadlines = readGameDeadlines(context.home);
  void context.runtimes.cleanup({ onlyOrphans: true, deadlines }).catch(() => undefined);
  // ... and those past a game's dead man's switch deadline, whoever owns them.
  void context.runtimes.cleanup({ expired: true, deadlines }).catch(() => undefined);
  const started = server;
  return {
    context,
    games,
    handlers,
    server: started,
    async close() {
      terminals.closeAll();
      if (games.current && ['running', 'stopping'].includes(games.current.state)) await games.end().catch(() => undefined);
      await context.manager.shutdown();
      await started.close();
    },
  };
}

/** A session's terminal recordings by number (those on disk). */
function readCasts(dir: string, numbers: readonly number[]): Record<number, string> {
  const casts: Record<number, string> = {};
  for (const n of numbers) {
    const file = join(dir, `terminal-${n}.cast`);
    if (existsSync(file)) casts[n] = readFileSync(file, 'utf8');
  }
  return casts;
}

/** Who is authoring, for a new pack's metadata.authors. */
function userName(): string {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
}
