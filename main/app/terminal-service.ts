/**
 * Learner terminals for the API: opens a shell in a run's bastion (node-pty running `docker exec`),
 * with capture into the run's event log, a recording in the session folder, and `lab` answered by the run.
 */
import type { WebSocket } from 'ws';
import type { Run } from '../engine/run/run.js';
import { TerminalRegistry } from '../terminal/registry.js';
import { serveTerminalSocket } from '../terminal/socket.js';
import type { AppContext } from './context.js';
import { labHandlerFor } from './lab-host.js';

export interface TerminalService {
  open(run: Run): Promise<{ terminal: number; id: string }>;
  /** `member`: who the socket types as in a shared terminal (null: it only watches). */
  serve(socket: WebSocket, member?: string | null): void;
  closeAll(): void;
}

export interface TerminalServiceOptions {
  /** Is this run's terminal shared (a game's team run: one keyboard, commands attributed)? */
  shared?: (run: Run) => boolean;
}

export function createTerminalService(_context: AppContext, options: TerminalServiceOptions = {}, registry = new TerminalRegistry()): TerminalService {
  const watched = new Set<string>();
  return {
    async open(run) {
      const sandbox = run.sandbox!;
      const terminal = registry.open({
        runId: run.id,
        service: run.bastion,
        shell: sandbox.shellCommand(run.bastion, ['bash', '-l']),
        events: run.events,
        sessionDir: run.dir,
        lab: labHandlerFor(run),
        shared: options.shared?.(run) ?? false,
      });
      run.terminals.push(terminal);
      // Terminals die with the sandbox: close them when the run tears down.
      if (!watched.has(run.id)) {
        watched.add(run.id);
        const stop = run.onChange(() => {
          if (run.phase === 'teardown' || run.phase === 'ended') {
            stop();
            void registry.closeRun(run.id);
          }
        });
      }
      return { terminal, id: `${run.id}:${terminal}` };
    },
    serve: (socket, member = null) => serveTerminalSocket(socket, registry, { member }),
    closeAll: () => void registry.closeAll(),
  };
}
