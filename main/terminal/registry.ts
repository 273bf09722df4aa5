/**
 * All learner terminals of this process, by run and number. Opening a terminal is an API call
 * (`terminals.open`); the WebSocket (`serveTerminalSocket`) attaches to terminals opened here.
 */
import type { Clock, EventLog } from '../engine/events/event-log.js';
import { parseTerminalId } from '../../shared/api/terminal-protocol.js';
import type { LabHandler } from './lab.js';
import type { PtySpawn, ShellCommand } from './pty.js';
import { TerminalSession } from './session.js';

export interface OpenTerminalOptions {
  runId: string;
  /** The service the shell runs in (the bastion), for the log. */
  service: string;
  /** `sandbox.shellCommand(service, ['bash', '-l'])`. */
  shell: ShellCommand;
  events?: EventLog;
  /** The session folder: `terminal-<n>.cast` is written there. */
  sessionDir?: string;
  lab?: LabHandler;
  cols?: number;
  rows?: number;
  /** A game's team terminal: watched by several, typed into by the keyboard's holder (keyboard.ts). */
  shared?: boolean;
}

export interface TerminalRegistryOptions {
  spawn?: PtySpawn;
  clock?: Clock;
  scrollbackChars?: number;
}

export class TerminalRegistry {
  private readonly runs = new Map<string, { next: number; sessions: Map<number, TerminalSession> }>();

  constructor(private readonly options: TerminalRegistryOptions = {}) {}

  /** Starts a new terminal for a run; returns its number (1, 2, ...; never reused within a run). */
  open(options: OpenTerminalOptions): number {
    let run = this.runs.get(options.runId);
    if (!run) {
      run = { next: 1, sessions: new Map() };
      this.runs.set(options.runId, run);
    }
    const terminal = run.next;
    run.next += 1;
    const session = new TerminalSession({
      ...options,
      terminal,
      ...(this.options.spawn ? { spawn: this.options.spawn } : {}),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(this.options.scrollbackChars ? { scrollbackChars: this.options.scrollbackChars } : {}),
    });
    run.sessions.set(terminal, session);
    return terminal;
  }

  get(runId: string, terminal: number): TerminalSession | undefined {
    return this.runs.get(runId)?.sessions.get(terminal);
  }

  /** By wire id `<runId>:<n>`. */
  byId(id: string): TerminalSession | undefined {
    const parsed = parseTerminalId(id);
    return parsed ? this.get(parsed.runId, parsed.terminal) : undefined;
  }

  /** Numbers of the run's terminals, exited ones included (their scrollback stays readable). */
  list(runId: string): number[] {
    return [...(this.runs.get(runId)?.sessions.keys() ?? [])];
  }

  /** Kills every terminal of a run (teardown) and forgets them. */
  async closeRun(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    await Promise.all([...run.sessions.values()].map((s) => s.kill()));
    this.runs.delete(runId);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((runId) => this.closeRun(runId)));
  }
}
