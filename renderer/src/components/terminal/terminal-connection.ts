/**
 * Browser side of the terminal WebSocket: one socket per terminal view, reconnecting with backoff,
 * re-attaching to the same pty on every (re)connect. No Node, no Electron: WebSocket is the DOM's.
 * A shared terminal (a game's team run) also reports who holds its keyboard; the member this page types
 * as travels in the socket URL (`?member=`), checked by the server against the team.
 */
import {
  MAX_STDIN_CHARS,
  parseServerMessage,
  SOCKET_REFUSED,
  type ClientMessage,
  type ServerMessage,
} from '../../../../shared/api/terminal-protocol';
import { Reconnect } from '../../api/reconnect';

/** `refused`: the server would not have this page as the member it named (the reason is the detail). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'exited' | 'closed' | 'refused';

/** Who holds a shared terminal's keyboard, and who this page is (null: it has not said). */
export interface KeyboardState {
  holder: string | null;
  you: string | null;
}

export type KeyboardAction = Extract<ClientMessage, { type: 'keyboard' }>['action'];

export interface TerminalConnectionOptions {
  /** WebSocket URL of the terminal endpoint, e.g. `ws://127.0.0.1:PORT/ws/terminal`. */
  url: string;
  /** The server's access token, sent as `?token=` (browsers cannot set headers on a WebSocket). */
  token: string;
  /** Wire id `<runId>:<n>`. */
  terminal: string;
  /** The team member this page types as in a shared terminal (absent: it only watches, or a solo run). */
  member?: string;
  /** Called on every (re)connect, before the replay arrives: reset the screen here. */
  onAttach(): void;
  onOutput(data: string, replay: boolean): void;
  onExit(code: number | null): void;
  onState(state: ConnectionState, detail?: string): void;
  /** Current size, sent right after every (re)connect (and when this page takes the keyboard). */
  size(): { cols: number; rows: number } | null;
  /** A shared terminal's keyboard: on attach and on every change. Never called for a solo terminal. */
  onKeyboard?(state: KeyboardState): void;
  /** The server refused input or a keyboard action (`not-holder`, `keyboard-held`): say why. */
  onRefused?(message: string): void;
}

export function socketUrl(url: string, token: string, member?: string): string {
  const u = new URL(url, typeof location !== 'undefined' ? location.href : undefined);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  if (token && !u.searchParams.has('token')) u.searchParams.set('token', token);
  if (member) u.searchParams.set('member', member);
  return u.toString();
}

export class TerminalConnection {
  private socket: WebSocket | null = null;
  private readonly reconnect = new Reconnect();
  private disposed = false;
  private exited = false;
  private keyboardState: KeyboardState | null = null;

  constructor(private readonly options: TerminalConnectionOptions) {
    this.connect();
  }

  write(data: string): void {
    for (let i = 0; i < data.length; i += MAX_STDIN_CHARS) {
      this.send({ type: 'stdin', terminal: this.options.terminal, data: data.slice(i, i + MAX_STDIN_CHARS) });
    }
  }

  resize(cols: number, rows: number): void {
    if (cols >= 2 && rows >= 1) this.send({ type: 'resize', terminal: this.options.terminal, cols, rows });
  }

  /** Take, take over or release a shared terminal's keyboard. */
  keyboard(action: KeyboardAction): void {
    this.send({ type: 'keyboard', terminal: this.options.terminal, action });
  }

  /** Reconnect now (e.g. a "Reconnect" button), skipping the backoff wait. */
  reconnectNow(): void {
    if (this.disposed) return;
    this.reconnect.reset();
    this.exited = false;
    this.socket?.close();
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.reconnect.stop();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'detach' } satisfies ClientMessage));
    socket?.close();
    this.options.onState('closed');
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.disposed) return;
    this.options.onState(this.reconnect.retrying ? 'reconnecting' : 'connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(socketUrl(this.options.url, this.options.token, this.options.member));
    } catch (error) {
      this.options.onState('reconnecting', error instanceof Error ? error.message : String(error));
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.reconnect.succeeded();
      this.options.onAttach();
      socket.send(JSON.stringify({ type: 'attach', terminal: this.options.terminal } satisfies ClientMessage));
      const size = this.options.size();
      if (size) this.resize(size.cols, size.rows);
      this.options.onState('open');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      const parsed = parseServerMessage(event.data);
      if (!parsed.ok) return;
      this.handle(parsed.message);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.disposed || this.exited) return;
      if (event.code === SOCKET_REFUSED) {
        // Reconnecting as the same member would be refused again.
        this.exited = true;
        this.options.onState('refused', event.reason);
        return;
      }
      this.scheduleReconnect();
    };
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'stdout':
        this.options.onOutput(message.data, message.replay === true);
        return;
      case 'exit':
        this.exited = true;
        this.options.onExit(message.code);
        this.options.onState('exited', message.code === null ? undefined : `exit code ${message.code}`);
        return;
      case 'status':
        if (message.status === 'exited') this.exited = true;
        return;
      case 'keyboard': {
        const mine = message.holder !== null && message.holder === message.you;
        const before = this.keyboardState;
        const wasMine = before !== null && before.holder !== null && before.holder === before.you;
        this.keyboardState = { holder: message.holder, you: message.you };
        this.options.onKeyboard?.(this.keyboardState);
        // The holder's screen sets the pty's size (the server ignores a watcher's resize).
        const size = mine && !wasMine ? this.options.size() : null;
        if (size) this.resize(size.cols, size.rows);
        return;
      }
      case 'error':
        if (message.code === 'not-holder' || message.code === 'keyboard-held') this.options.onRefused?.(message.message);
        if (message.code === 'unknown-terminal') {
          // The run is gone (ended, app restarted): reconnecting will not help.
          this.exited = true;
          this.options.onState('exited', message.message);
        }
        return;
    }
  }

  private scheduleReconnect(): void {
    const delay = this.reconnect.retry(() => this.connect());
    this.options.onState('reconnecting', `retrying in ${Math.round(delay / 100) / 10}s`);
  }
}
