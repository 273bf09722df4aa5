/**
 * Turns shell-integration marks into command records (the `command` events of the run log).
 *
 * Shell:  [P;FiredrillShell=pid] D;<code> P;Cwd=<dir> A <prompt> B   (PROMPT_COMMAND and PS1)
 *         [P;FiredrillShell=pid] E;<line> C                          (PS0, after the learner's Enter)
 *   - a D without a running command (empty line, Ctrl-C at the prompt) records nothing;
 *   - exit code 130 means the learner interrupted it (Ctrl-C);
 *   - marks carry the emitting shell's pid, so a nested `bash` in the bastion records its own
 *     commands and the outer `bash` command; a command left running when its shell vanished
 *     (the nested shell's `exit`) ends with the outer command, exit code null.
 * psql:   FiredrillPsql;Q;<sql> (one per statement sent) then FiredrillPsql;D;<ERROR>;<SQLSTATE>
 *   at the next prompt. psql gives no start time: a statement starts at the learner's last Enter.
 *
 * Anything a command prints reaches the host on the same stream as the marks, so marks are only
 * believed where the shell integration emits them (see scenarios/README.md, "What the terminal records"):
 *   - E is honoured only from a shell at its prompt (after its B, with no command running), and only
 *     when the line is one the learner typed (TypedInput); A, B, E, C and Cwd of a shell whose command
 *     still runs are refused;
 *   - psql statements only while the foreground command is psql, and only when the learner typed them;
 *   - `lab` requests only while the foreground command runs `lab` with that verb (allowLab).
 * Refused marks record nothing and are reported through onSpoofed (the `capture.spoofed` events).
 */
import type { Clock } from '../engine/events/event-log.js';
import type { EventBase, EventOf } from '../engine/events/types.js';
import type { ShellMark } from './osc.js';
import type { TypedInput } from './typed-input.js';

/** A finished command, as the `command` event carries it (minus the terminal number the session adds). */
export type CommandRecord = Omit<EventOf<'command'>, keyof EventBase | 'type' | 'terminal'>;

/** A mark the tracker refused, for the log: what it was, why, and the text it carried. */
export interface SpoofedMark {
  mark: ShellMark['kind'];
  reason: string;
  text?: string;
}

export interface CommandTrackerOptions {
  /** What the learner typed; without it command lines are not cross-checked (only the prompt boundary is). */
  typed?: TypedInput;
  onSpoofed?: (spoofed: SpoofedMark) => void;
}

interface Running {
  shell: string;
  command: string;
  /** Who typed it (shared terminals). */
  by?: string;
  /** `lab` requests answered for this command, by verb. */
  labAnswered: Map<string, number>;
  cwd?: string;
  wall: Date;
  mono: number;
  seq: number;
}

const SIGINT_EXIT = 130;
/** A command line that runs psql (`psql`, `/usr/bin/psql -d shop`, `PGUSER=x psql`). */
const PSQL = /(?:^|[\s;&|(])(?:\S*\/)?psql(?=$|[\s;&|)])/;

/** How many times a command line runs `lab <verb>` (`lab op <id>` for `op:<id>`). */
function countLabInvocations(command: string, verb: string): number {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const words = verb.startsWith('op:') ? `op\\s+${escape(verb.slice(3))}` : escape(verb);
  return [...command.matchAll(new RegExp(`(?:^|[\\s;&|(])(?:\\S*/)?lab\\s+${words}(?=$|[\\s;&|)])`, 'g'))].length;
}
/** `lab` verbs that spend something: answered once per time the command line names them. */
const ONCE_PER_INVOCATION = new Set(['hint', 'submit']);
/** psql's SQLSTATE for "canceling statement due to user request" (Ctrl-C). */
const QUERY_CANCELED = '57014';

export class CommandTracker {
  private shell = '';
  private readonly cwd = new Map<string, string>();
  private readonly pendingLine = new Map<string, { command: string; by?: string }>();
  private readonly running = new Map<string, Running>();
  /** Shells at their prompt: B seen, no command started since. */
  private readonly atPrompt = new Set<string>();
  private psqlQueue: { query: string; wall: Date; mono: number }[] = [];
  private lastEnter: { wall: Date; mono: number } | null = null;
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: CommandTrackerOptions = {},
  ) {}

  /** The learner pressed Enter (used as the start time of psql statements). */
  noteEnter(): void {
    this.lastEnter = { wall: this.clock.now(), mono: this.clock.monotonic() };
  }

  /** Feed one mark; returns the commands it completed. */
  mark(mark: ShellMark): CommandRecord[] {
    const shell = this.shell;
    const busy = this.running.has(shell);
    switch (mark.kind) {
      case 'property':
        if (mark.key === 'FiredrillShell') this.shell = mark.value;
        else if (mark.key === 'Cwd') {
          if (busy) this.spoofed(mark.kind, 'a working directory while a command runs', mark.value);
          else this.cwd.set(shell, mark.value);
        }
        return [];
      case 'promptStart':
      case 'promptEnd':
        if (busy) this.spoofed(mark.kind, 'a prompt while a command runs');
        else if (mark.kind === 'promptEnd') this.atPrompt.add(shell);
        return [];
      case 'commandLine': {
        this.pendingLine.delete(shell);
        const why = busy ? 'a command line while a command runs' : !this.atPrompt.has(shell) ? 'a command line away from a prompt' : undefined;
        const claim = why || !this.options.typed ? {} : this.options.typed.claim(mark.command);
        if (why || !claim) this.spoofed(mark.kind, why ?? 'a command line the learner did not type', mark.command);
        else this.pendingLine.set(shell, { command: mark.command, ...claim });
        return [];
      }
      case 'preExec': {
        const line = this.pendingLine.get(shell);
        this.pendingLine.delete(shell);
        if (line === undefined) {
          if (busy) this.spoofed(mark.kind, 'a command start while a command runs');
          return [];
        }
        this.atPrompt.delete(shell);
        this.running.set(shell, {
          shell,
          ...line,
          labAnswered: new Map(),
          cwd: this.cwd.get(shell),
          wall: this.clock.now(),
          mono: this.clock.monotonic(),
          seq: ++this.seq,
        });
        return [];
      }
      case 'finished': {
        this.atPrompt.delete(shell);
        const done = this.finish(shell, mark.exitCode);
        if (done.length > 0) this.options.typed?.commandEnded();
        return done;
      }
      case 'psqlQuery':
        if (!PSQL.test(this.foreground()?.command ?? '')) {
          this.spoofed(mark.kind, 'a psql statement while psql is not the foreground command', mark.query);
          return [];
        }
        this.psqlQueue.push({
          query: mark.query,
          wall: this.lastEnter?.wall ?? this.clock.now(),
          mono: this.lastEnter?.mono ?? this.clock.monotonic(),
        });
        return [];
      case 'psqlDone': {
        const queue = this.psqlQueue;
        this.psqlQueue = [];
        const typed = this.options.typed;
        const claim = queue.length > 0 && typed ? typed.claim(queue.map((q) => q.query).join('\n'), 'psql') : {};
        if (!claim) {
          for (const q of queue) this.spoofed('psqlQuery', 'a psql statement the learner did not type', q.query);
          return [];
        }
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
            ...(claim.by !== undefined ? { by: claim.by } : {}),
            ...(interrupted ? { interrupted: true } : {}),
          };
        });
      }
      default:
        return [];
    }
  }

  /**
   * May a `lab` request with this verb be answered now? `status`, `hint`, `check`, `submit` only
   * while the foreground command runs `lab <verb>`; `hint` and `submit` (they spend points or end the
   * incident) once per time the line names it, `status` and `check` as often as it asks (`watch lab
   * status`). Operations (`op:<id>`) while any command runs, since the pack's own tools (`deploy`)
   * call `lab op`. A refusal is reported as spoofed.
   */
  allowLab(verb: string): boolean {
    const foreground = this.foreground();
    if (foreground && verb.startsWith('op:')) return true;
    const invocations = foreground ? countLabInvocations(foreground.command, verb) : 0;
    const answered = foreground?.labAnswered.get(verb) ?? 0;
    if (foreground && invocations > 0 && (!ONCE_PER_INVOCATION.has(verb) || answered < invocations)) {
      foreground.labAnswered.set(verb, answered + 1);
      return true;
    }
    this.spoofed('lab', foreground ? `a lab ${verb} request while \`${foreground.command}\` runs` : `a lab ${verb} request at a prompt`, verb);
    return false;
  }

  /** The innermost command still running (what the learner's keystrokes go to). */
  foreground(): Running | undefined {
    let last: Running | undefined;
    for (const r of this.running.values()) if (!last || r.seq > last.seq) last = r;
    return last;
  }

  private spoofed(mark: SpoofedMark['mark'], reason: string, text?: string): void {
    this.options.onSpoofed?.({ mark, reason, ...(text !== undefined ? { text } : {}) });
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
      ...(r.by !== undefined ? { by: r.by } : {}),
      ...(exitCode === SIGINT_EXIT ? { interrupted: true } : {}),
    };
  }
}
