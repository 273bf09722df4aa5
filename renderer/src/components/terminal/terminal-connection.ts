/**
 * Browser side of the terminal WebSocket: one socket per terminal view, reconnecting with backoff,
 * re-attaching to the same pty on every (re)connect. No Node, no Electron: WebSocket is the DOM's.
 */
import {
  MAX_STDIN_CHARS,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../../../shared/api/terminal-protocol';
import { Reconnect } from '../../api/reconnect';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'exited' | 'closed';

export interface TerminalConnectionOptions {
  /** WebSocket URL of the terminal endpoint, e.g. `ws://127.0.0.1:PORT/ws/terminal`. */
  url: string;
  /** The server's access token, sent as `?token=` (browsers cannot set headers on a WebSocket). */
  token: string;
  /** Wire id `<runId>:<n>`. */
  terminal: string;
  /** Called on every (re)connect, before the replay arrives: reset the screen here. */
  onAttach(): void;
  onOutput(data: string, replay: boolean): void;
  onExit(code: number | null): void;
  onState(state: ConnectionState, detail?: string): void;
  /** Current size, sent right after every (re)connect. */
  size(): { cols: number; rows: number } | null;
}

export function socketUrl(url: string, token: string): string {
  const u = new URL(url, typeof location !== 'undefined' ? location.href : undefined);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  if (token && !u.searchParams.has('token')) u.searchParams.set('token', token);
  return u.toString();
}

export class TerminalConnection {
  private socket: WebSocket | null = null;
  private readonly reconnect = new Reconnect();
  private disposed = false;
  private exited = false;

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
      socket = new WebSocket(socketUrl(this.options.url, this.options.token));
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
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.disposed || this.exited) return;
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
      case 'error':
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
