/**
 * Serves the terminal protocol (shared/api/terminal-protocol.ts) on one already-authenticated
 * WebSocket. Any number of terminals can be attached on one socket; closing the socket detaches
 * them but leaves their ptys running, so a reconnecting client gets the same shell back.
 *
 * A shared terminal (a game's team run) has a keyboard (keyboard.ts): this socket's `member` joins it on
 * attach and leaves it on detach or close (freeing it if it held it), its stdin reaches the pty only while
 * it holds the keyboard (and is attributed to it), and it hears every change of holder. Resizes from a
 * watcher are ignored while someone holds the keyboard: the holder's screen sets the size.
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

export interface TerminalSocketOptions {
  /** Who this socket is in a shared terminal (a team member, or the facilitator); null: it only watches. */
  member?: string | null;
}

export function serveTerminalSocket(socket: WebSocket, terminals: TerminalRegistry, options: TerminalSocketOptions = {}): void {
  const member = options.member ?? null;
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
        // An exited terminal takes no input: no keyboard to hold.
        const keyboard = session.state === 'running' ? session.keyboard : null;
        // Join before leaving a previous attach of the same id, so re-attaching never frees the keyboard.
        if (keyboard && member !== null) keyboard.join(member);
        detach(id);
        send({ type: 'status', terminal: id, status: session.state, cols: session.cols, rows: session.rows });
        const tellKeyboard = (): void => {
          if (keyboard) send({ type: 'keyboard', terminal: id, holder: keyboard.holder, you: member });
        };
        tellKeyboard();
        const replay = session.scrollback();
        if (replay) send({ type: 'stdout', terminal: id, data: replay, replay: true });
        if (session.state === 'exited') {
          send({ type: 'exit', terminal: id, code: session.exitCode });
          return;
        }
        const offKeyboard = session.onKeyboard(tellKeyboard);
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
            offKeyboard();
            if (keyboard && member !== null) keyboard.leave(member);
          },
        });
        return;
      }
      case 'stdin':
      case 'resize': {
        const entry = attached.get(message.terminal);
        if (!entry) return fail('not-attached', `attach to ${message.terminal} first`, message.terminal);
        if (entry.session.state !== 'running') return fail('exited', `terminal ${message.terminal} has exited`, message.terminal);
        const keyboard = entry.session.keyboard;
        if (message.type === 'resize') {
          if (!keyboard || keyboard.holder === null || keyboard.holder === member) entry.session.resize(message.cols, message.rows);
          return;
        }
        if (!keyboard) return entry.session.write(message.data);
        const typing = keyboard.type(member);
        if (!typing.ok) return fail(typing.refusal.code, typing.refusal.message, message.terminal);
        if (member !== null) entry.session.write(message.data, member);
        return;
      }
      case 'keyboard': {
        const entry = attached.get(message.terminal);
        if (!entry) return fail('not-attached', `attach to ${message.terminal} first`, message.terminal);
        const keyboard = entry.session.keyboard;
        if (!keyboard) return fail('not-shared', `terminal ${message.terminal} is not shared: it has no keyboard to take`, message.terminal);
        if (entry.session.state !== 'running') return fail('exited', `terminal ${message.terminal} has exited`, message.terminal);
        const result = message.action === 'release' ? keyboard.release(member) : keyboard.take(member, message.action === 'take-over');
        if (!result.ok) return fail(result.refusal.code, result.refusal.message, message.terminal);
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
