/**
 * Turns shell-integration marks into command records (the `command` events of the run log).
 *
 * Shell:  [P;FiredrillShell=pid] E;<line> C ... [P;FiredrillShell=pid] D;<code>
 *   - a D without a running command (empty line, Ctrl-C at the prompt) records nothing;
 *   - exit code 130 means the learner interrupted it (Ctrl-C);
 *   - marks carry the emitting shell's pid, so a nested `bash` in the bastion records its own
 *     commands and the outer `bash` command; a command left running when its shell vanished
 *     (the nested shell's `exit`) ends with the outer command, exit code null.
 * psql:   FiredrillPsql;Q;<sql> (one per statement sent) then FiredrillPsql;D;<ERROR>;<SQLSTATE>
 *   at the next prompt. psql gives no start time: a statement starts at the learner's last Enter.
 */
import type { Clock } from '../engine/events/event-log.js';
import type { EventBase, EventOf } from '../engine/events/types.js';
import type { ShellMark } from './osc.js';

/** A finished command, as the `command` event carries it (minus the terminal number the session adds). */
export type CommandRecord = Omit<EventOf<'command'>, keyof EventBase | 'type' | 'terminal'>;

interface Running {
  shell: string;
  command: string;
  cwd?: string;
  wall: Date;
  mono: number;
  seq: number;
}

const SIGINT_EXIT = 130;
/** psql's SQLSTATE for "canceling statement due to user request" (Ctrl-C). */
const QUERY_CANCELED = '57014';

export class CommandTracker {
  private shell = '';
  private readonly cwd = new Map<string, string>();
  private readonly pendingLine = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  private psqlQueue: { query: string; wall: Date; mono: number }[] = [];
  private lastEnter: { wall: Date; mono: number } | null = null;
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  /** The learner pressed Enter (used as the start time of psql statements). */
  noteEnter(): void {
    this.lastEnter = { wall: this.clock.now(), mono: this.clock.monotonic() };
  }

  /** Feed one mark; returns the commands it completed. */
  mark(mark: ShellMark): CommandRecord[] {
    switch (mark.kind) {
      case 'property':
        if (mark.key === 'FiredrillShell') this.shell = mark.value;
        else if (mark.key === 'Cwd') this.cwd.set(this.shell, mark.value);
        return [];
      case 'commandLine':
        this.pendingLine.set(this.shell, mark.command);
        return [];
      case 'preExec': {
        const command = this.pendingLine.get(this.shell);
        this.pendingLine.delete(this.shell);
        if (command === undefined) return [];
        const done = this.running.has(this.shell) ? this.finish(this.shell, null) : [];
        this.running.set(this.shell, {
          shell: this.shell,
          command,
          cwd: this.cwd.get(this.shell),
          wall: this.clock.now(),
          mono: this.clock.monotonic(),
          seq: ++this.seq,
        });
        return done;
      }
      case 'finished':
        return this.finish(this.shell, mark.exitCode);
      case 'psqlQuery':
        this.psqlQueue.push({
          query: mark.query,
          wall: this.lastEnter?.wall ?? this.clock.now(),
          mono: this.lastEnter?.mono ?? this.clock.monotonic(),
        });
        return [];
      case 'psqlDone': {
        const queue = this.psqlQueue;
        this.psqlQueue = [];
        const wall = this.clock.now();
        const mono = this.clock.monotonic();
        return queue.map((q, index) => {
          const last = index === queue.length - 1;
          const interrupted = last && mark.sqlstate === QUERY_CANCELED;
          return {
            source: 'psql' as const,
            command: q.query,
            // psql reports the status of the last statement only.
            exitCode: last && mark.error !== null ? (mark.error ? 1 : 0) : null,
            startedAt: q.wall.toISOString(),
            endedAt: wall.toISOString(),
            durationMs: Math.max(0, Math.round(mono - q.mono)),
            ...(interrupted ? { interrupted: true } : {}),
          };
        });
      }
      default:
        return [];
    }
  }

  /** The pty is gone: end whatever still runs (e.g. `exit`) with the pty's exit code. */
  flush(exitCode: number | null): CommandRecord[] {
    const out: CommandRecord[] = [];
    const byAge = [...this.running.values()].sort((a, b) => b.seq - a.seq);
    for (const r of byAge) out.push(...this.finish(r.shell, r === byAge[byAge.length - 1] ? exitCode : null));
    return out;
  }

  private finish(shell: string, exitCode: number | null): CommandRecord[] {
    const r = this.running.get(shell);
    if (!r) return [];
    const out: CommandRecord[] = [];
    // Commands of shells started inside this one that never reported back (their shell exited).
    for (const other of [...this.running.values()]) {
      if (other.shell !== shell && other.seq > r.seq) {
        this.running.delete(other.shell);
        out.push(this.record(other, null));
      }
    }
    this.running.delete(shell);
    out.push(this.record(r, exitCode));
    return out;
  }

  private record(r: Running, exitCode: number | null): CommandRecord {
    const wall = this.clock.now();
    return {
      source: 'shell',
      command: r.command,
      exitCode,
      ...(r.cwd !== undefined ? { cwd: r.cwd } : {}),
      startedAt: r.wall.toISOString(),
      endedAt: wall.toISOString(),
      durationMs: Math.max(0, Math.round(this.clock.monotonic() - r.mono)),
      ...(exitCode === SIGINT_EXIT ? { interrupted: true } : {}),
    };
  }
}
