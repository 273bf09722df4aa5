/**
 * Serves the terminal protocol (shared/api/terminal-protocol.ts) on one already-authenticated
 * WebSocket. Any number of terminals can be attached on one socket; closing the socket detaches
 * them but leaves their ptys running, so a reconnecting client gets the same shell back.
 */
import type { WebSocket } from 'ws';
import {
  parseClientMessage,
  type ServerMessage,
  type TerminalErrorCode,
} from '../../shared/api/terminal-protocol.js';
import type { TerminalRegistry } from './registry.js';
import type { TerminalSession } from './session.js';
import { Backpressure } from './backpressure.js';

const OPEN = 1;

export function serveTerminalSocket(socket: WebSocket, terminals: TerminalRegistry): void {
  const attached = new Map<string, { session: TerminalSession; off: () => void }>();

  const send = (message: ServerMessage): void => {
    if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: TerminalErrorCode, message: string, terminal?: string): void =>
    send({ type: 'error', code, message, ...(terminal ? { terminal } : {}) });

  const detach = (id: string): void => {
    attached.get(id)?.off();
    attached.delete(id);
  };

  socket.on('message', (raw, isBinary) => {
    if (isBinary) return fail('bad-message', 'binary frames are not part of the terminal protocol');
    const parsed = parseClientMessage(raw.toString());
    if (!parsed.ok) return fail('bad-message', parsed.error);
    const message = parsed.message;
    switch (message.type) {
      case 'attach': {
        const id = message.terminal;
        const session = terminals.byId(id);
        if (!session) return fail('unknown-terminal', `no terminal ${id}`, id);
        detach(id);
        send({ type: 'status', terminal: id, status: session.state, cols: session.cols, rows: session.rows });
        const replay = session.scrollback();
        if (replay) send({ type: 'stdout', terminal: id, data: replay, replay: true });
        if (session.state === 'exited') {
          send({ type: 'exit', terminal: id, code: session.exitCode });
          return;
        }
        const holder = {};
        const flow = new Backpressure({
          buffered: () => socket.bufferedAmount,
          hold: () => session.hold(holder),
          release: () => session.release(holder),
        });
        const offOutput = session.onOutput((data) => {
          send({ type: 'stdout', terminal: id, data });
          flow.afterSend();
        });
        const offExit = session.onExit((code) => {
          send({ type: 'exit', terminal: id, code });
          send({ type: 'status', terminal: id, status: 'exited' });
        });
        attached.set(id, {
          session,
          off: () => {
            offOutput();
            offExit();
            flow.stop();
          },
        });
        return;
      }
      case 'stdin':
      case 'resize': {
        const entry = attached.get(message.terminal);
        if (!entry) return fail('not-attached', `attach to ${message.terminal} first`, message.terminal);
        if (entry.session.state !== 'running') return fail('exited', `terminal ${message.terminal} has exited`, message.terminal);
        if (message.type === 'stdin') entry.session.write(message.data);
        else entry.session.resize(message.cols, message.rows);
        return;
      }
      case 'detach':
        if (message.terminal) detach(message.terminal);
        else for (const id of [...attached.keys()]) detach(id);
        return;
    }
  });

  socket.on('close', () => {
    for (const id of [...attached.keys()]) detach(id);
  });
  socket.on('error', () => {
    for (const id of [...attached.keys()]) detach(id);
  });
}
