/**
 * One learner terminal: a pty running the bastion shell, with the shell-integration marks stripped
 * from what the learner sees, commands recorded into the run's event log, a bounded scrollback to
 * replay on re-attach, an asciicast recording, and `lab` requests answered.
 */
import { join } from 'node:path';
import type { Clock, EventLog } from '../engine/events/event-log.js';
import { systemClock } from '../engine/events/event-log.js';
import { AsciicastWriter } from './asciicast.js';
import { CommandTracker, type CommandRecord, type SpoofedMark } from './commands.js';
import { Keyboard, type KeyboardChange } from './keyboard.js';
import { answerLabRequest, isValidNonce, labAck, type LabHandler } from './lab.js';
import { OscFilter } from './osc.js';
import { nodePtySpawn, type PtyProcess, type PtySpawn, type ShellCommand } from './pty.js';
import { TypedInput } from './typed-input.js';

export const DEFAULT_SCROLLBACK_CHARS = 512 * 1024;
/** `capture.spoofed` events one terminal logs at most (a loop printing marks must not fill the disk). */
const MAX_SPOOFED_EVENTS = 50;
const MAX_SPOOFED_TEXT = 500;
/** A lone ESC at the end of a chunk is held this long waiting for the rest of its sequence. */
const ESC_FLUSH_MS = 25;

export interface TerminalSessionOptions {
  runId: string;
  /** 1, 2, ... within the run. */
  terminal: number;
  service: string;
  shell: ShellCommand;
  /** The run's log: `terminal.opened/closed`, `command`, `lab.request`, `capture.spoofed`. */
  events?: EventLog;
  /** Where `terminal-<n>.cast` goes; no recording without it. */
  sessionDir?: string;
  lab?: LabHandler;
  /** Called after a `lab` answer was typed into the pty (the play command ends on `submit`). */
  onLabAnswered?: (verb: string) => void;
  cols?: number;
  rows?: number;
  scrollbackChars?: number;
  spawn?: PtySpawn;
  clock?: Clock;
  /** A shared terminal (a game's team run): one member types at a time (keyboard.ts), commands carry `by`. */
  shared?: boolean;
}

export type TerminalState = 'running' | 'exited';

export class TerminalSession {
  readonly runId: string;
  readonly terminal: number;
  readonly service: string;
  readonly recordingPath: string | null;
  cols: number;
  rows: number;
  state: TerminalState = 'running';
  exitCode: number | null = null;
  /** Resolves once the pty exited and the recording is flushed. */
  readonly closed: Promise<void>;
  /** Who may type (shared terminals only; null: a solo terminal, anyone attached types). */
  readonly keyboard: Keyboard | null;

  private readonly pty: PtyProcess;
  private readonly filter = new OscFilter();
  private readonly tracker: CommandTracker;
  private readonly typed = new TypedInput();
  private spoofedLogged = 0;
  private spoofedSuppressed = 0;
  private readonly recorder: AsciicastWriter | null;
  private readonly outputListeners = new Set<(data: string) => void>();
  private readonly exitListeners = new Set<(code: number | null) => void>();
  private readonly commandListeners = new Set<(command: CommandRecord) => void>();
  private readonly keyboardListeners = new Set<(change: KeyboardChange) => void>();
  private scroll: string[] = [];
  private scrollLength = 0;
  private readonly scrollLimit: number;
  private escTimer: NodeJS.Timeout | null = null;
  private resolveClosed!: () => void;

  constructor(private readonly options: TerminalSessionOptions) {
    this.runId = options.runId;
    this.terminal = options.terminal;
    this.service = options.service;
    this.cols = options.cols ?? 80;
    this.rows = options.rows ?? 24;
    this.scrollLimit = options.scrollbackChars ?? DEFAULT_SCROLLBACK_CHARS;
    const clock = options.clock ?? systemClock;
    this.tracker = new CommandTracker(clock, { typed: this.typed, onSpoofed: (spoofed) => this.logSpoofed(spoofed) });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.keyboard = options.shared
      ? new Keyboard((change) => {
          this.log({ type: 'terminal.keyboard', terminal: this.terminal, holder: change.holder });
          for (const listener of this.keyboardListeners) listener(change);
        })
      : null;
    this.recordingPath = options.sessionDir ? join(options.sessionDir, `terminal-${options.terminal}.cast`) : null;
    this.recorder = this.recordingPath
      ? new AsciicastWriter(this.recordingPath, { cols: this.cols, rows: this.rows }, { clock, title: `${options.service} #${options.terminal}` })
      : null;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, { TERM: 'xterm-256color', COLORTERM: 'truecolor' }, options.shell.env);
    const spawn = options.spawn ?? nodePtySpawn;
    this.pty = spawn(options.shell.file, options.shell.args, { cols: this.cols, rows: this.rows, env, name: 'xterm-256color' });
    this.log({ type: 'terminal.opened', terminal: this.terminal, service: this.service });
    const spawnedSize = `${this.cols}x${this.rows}`;
    let shellUp = false;
    this.pty.onData((data) => {
      // A client usually resizes right after attaching, while `docker exec` is still starting. A docker
      // CLI newer than its engine passes that size as ConsoleSize, which older engines ignore, and no
      // SIGWINCH follows: the shell stays 80x24. Once the shell speaks, nudge the size so it is resent.
      if (!shellUp) {
        shellUp = true;
        if (`${this.cols}x${this.rows}` !== spawnedSize && this.state === 'running') {
          this.pty.resize(this.cols, this.rows + 1);
          this.pty.resize(this.cols, this.rows);
        }
      }
      this.handleData(data);
    });
    this.pty.onExit(({ exitCode }) => void this.handleExit(exitCode));
  }

  get id(): string {
    return `${this.runId}:${this.terminal}`;
  }

  /** Learner input; `by`: who typed it (a shared terminal's keyboard holder), for the commands it sends. */
  write(data: string, by?: string): void {
    if (this.state !== 'running') return;
    if (data.includes('\r') || data.includes('\n')) this.tracker.noteEnter();
    this.typed.push(data, by);
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.state !== 'running') return;
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.pty.resize(cols, rows);
    this.recorder?.resize(cols, rows);
  }

  /** What the learner has seen lately (bounded), to replay on re-attach. */
  scrollback(): string {
    return this.scroll.join('');
  }

  private readonly holds = new Set<object>();

  /** A client that cannot keep up holds the pty; it reads again once no client holds it. */
  hold(holder: object): void {
    if (this.holds.size === 0) this.pty.pause?.();
    this.holds.add(holder);
  }

  release(holder: object): void {
    if (!this.holds.delete(holder)) return;
    if (this.holds.size === 0 && this.state === 'running') this.pty.resume?.();
  }

  onOutput(listener: (data: string) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  onExit(listener: (code: number | null) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Every change of a shared terminal's keyboard holder (after it is logged). */
  onKeyboard(listener: (change: KeyboardChange) => void): () => void {
    this.keyboardListeners.add(listener);
    return () => this.keyboardListeners.delete(listener);
  }

  onCommand(listener: (command: CommandRecord) => void): () => void {
    this.commandListeners.add(listener);
    return () => this.commandListeners.delete(listener);
  }

  /** Ends the shell (SIGHUP, as a closed terminal would). Resolves when it is gone. */
  async kill(): Promise<void> {
    if (this.state === 'running') {
      try {
        this.pty.kill('SIGHUP');
      } catch {
        // already gone
      }
    }
    await this.closed;
  }

  private handleData(chunk: string): void {
    if (this.escTimer) {
      clearTimeout(this.escTimer);
      this.escTimer = null;
    }
    let visible = '';
    for (const piece of this.filter.push(chunk)) {
      if (piece.type === 'text') visible += piece.data;
      else {
        const mark = piece.mark;
        if (mark.kind === 'lab') {
          this.emit(visible);
          visible = '';
          void this.handleLab(mark.verb, mark.nonce);
          continue;
        }
        for (const command of this.tracker.mark(mark)) this.recordCommand(command);
      }
    }
    this.emit(visible);
    if (this.filter.holding) {
      this.escTimer = setTimeout(() => {
        this.escTimer = null;
        this.emit(this.filter.flushPendingEscape());
      }, ESC_FLUSH_MS);
    }
  }

  private emit(data: string): void {
    if (data === '') return;
    this.scroll.push(data);
    this.scrollLength += data.length;
    if (this.scrollLength > this.scrollLimit) this.trimScrollback();
    this.recorder?.output(data);
    for (const listener of this.outputListeners) listener(data);
  }

  private trimScrollback(): void {
    let joined = this.scroll.join('');
    joined = joined.slice(joined.length - Math.floor(this.scrollLimit * 0.75));
    // Start at a line boundary so the replay does not begin inside an escape sequence.
    const nl = joined.indexOf('\n');
    if (nl >= 0 && nl < 4096) joined = joined.slice(nl + 1);
    this.scroll = [joined];
    this.scrollLength = joined.length;
  }

  private async handleLab(verb: string, nonce: string): Promise<void> {
    if (!isValidNonce(nonce)) return;
    // Printed by something other than a running `lab` (a `cat` of a file holding the sequence): no answer.
    if (!this.tracker.allowLab(verb)) return;
    this.pty.write(labAck(nonce));
    this.log({ type: 'lab.request', terminal: this.terminal, verb });
    const reply = await answerLabRequest(this.options.lab, verb, nonce);
    if (this.state !== 'running') return;
    this.pty.write(reply);
    this.options.onLabAnswered?.(verb);
  }

  private recordCommand(command: CommandRecord): void {
    this.log({ type: 'command', terminal: this.terminal, ...command });
    for (const listener of this.commandListeners) listener(command);
  }

  private logSpoofed(spoofed: SpoofedMark): void {
    if (this.spoofedLogged >= MAX_SPOOFED_EVENTS) {
      this.spoofedSuppressed += 1;
      return;
    }
    this.spoofedLogged += 1;
    const text = spoofed.text === undefined ? {} : { text: spoofed.text.slice(0, MAX_SPOOFED_TEXT) };
    this.log({ type: 'capture.spoofed', terminal: this.terminal, mark: spoofed.mark, reason: spoofed.reason, ...text });
  }

  private log(payload: Parameters<EventLog['append']>[0]): void {
    try {
      this.options.events?.append(payload);
    } catch {
      // The run's log is closed (run over): the terminal keeps working, nothing more is recorded.
    }
  }

  private async handleExit(exitCode: number): Promise<void> {
    if (this.escTimer) clearTimeout(this.escTimer);
    this.emit(this.filter.flushPendingEscape());
    this.state = 'exited';
    this.exitCode = exitCode;
    for (const command of this.tracker.flush(exitCode)) this.recordCommand(command);
    if (this.spoofedSuppressed > 0) {
      this.log({ type: 'capture.spoofed', terminal: this.terminal, mark: 'any', reason: 'more refused marks than the log keeps', suppressed: this.spoofedSuppressed });
    }
    this.log({ type: 'terminal.closed', terminal: this.terminal, service: this.service });
    await this.recorder?.close();
    for (const listener of this.exitListeners) listener(exitCode);
    this.resolveClosed();
  }
}
