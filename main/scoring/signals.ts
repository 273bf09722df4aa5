/**
 * Investigation signals credited from evidence: a signal is looked at when a command ran a program (or sent a
 * SQL statement) that one of its `evidence` rules names, and the run succeeded. Words typed at the prompt (an
 * `echo`, a comment, a quoted string, a here-document) are never evidence. Pure over the event log: the same
 * log always gives the same credits, so a report recomputes them.
 *
 * What a match is worth:
 * - 1: the program succeeded (its line exited 0, it was a stage of a pipeline that did, or it ran at least
 *   MIN_INTERRUPTED_MS before Ctrl-C: `watch`, `tail -f`, `top`);
 * - 0.5: it ran but failed (non-zero exit), or the line does not tell its own status (`a; b`, `a || b`);
 * - 0: interrupted within MIN_INTERRUPTED_MS, or a SQL statement PostgreSQL answered with ERROR (it read nothing).
 * Only full credit counts as detecting the root cause.
 */
import { formatDuration } from '../../shared/format/duration.js';
import type { RunEvent } from '../engine/events/types.js';
import { CommandReader, compileRule, ruleMatches, type CompiledRule, type Observation } from '../engine/scenario/evidence.js';
import type { InvestigationSignal } from '../engine/scenario/schema.js';

export type CommandEvent = Extract<RunEvent, { type: 'command' }>;
export type SignalLike = Pick<InvestigationSignal, 'id' | 'rootCause' | 'evidence'> & Partial<Pick<InvestigationSignal, 'description' | 'order'>>;

/** A command interrupted sooner than this showed nothing. */
export const MIN_INTERRUPTED_MS = 1_000;

/** One command's evidence for one signal. */
export interface Hit {
  signalId: string;
  command: CommandEvent;
  credit: 0 | 0.5 | 1;
  /** What ran and how it ended: "psql sent `SELECT … FROM pg_stat_statements …`, exit 0". */
  because: string;
}

export interface CompiledSignal {
  signal: SignalLike;
  rules: CompiledRule[];
  /** Patterns that are not valid regular expressions (their rules match nothing). */
  invalid: string[];
}

export function compileSignals(signals: readonly SignalLike[]): CompiledSignal[] {
  return signals.map((signal) => {
    const rules = signal.evidence.map(compileRule);
    return { signal, rules, invalid: rules.flatMap((r) => (r.invalid !== undefined ? [r.invalid] : [])) };
  });
}

const oneLine = (text: string, max = 80): string => {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

const seconds = (ms: number): string => formatDuration(ms, 'units');

function interrupted(c: CommandEvent): boolean {
  return c.interrupted === true || (c.source === 'shell' && c.exitCode === 130);
}

/** What an observation of a command is worth, and why. */
function worth(o: Observation, c: CommandEvent): { credit: Hit['credit']; why: string } {
  if (interrupted(c)) {
    if (c.durationMs < MIN_INTERRUPTED_MS) return { credit: 0, why: `interrupted after ${seconds(c.durationMs)}, before it showed anything` };
    return o.kind === 'run'
      ? { credit: 1, why: `ran ${seconds(c.durationMs)}, then stopped with Ctrl-C` }
      : { credit: 0.5, why: `cancelled after ${seconds(c.durationMs)}, before PostgreSQL answered` };
  }
  const exit = c.exitCode === null ? 'exit status unknown' : `exit ${c.exitCode}`;
  switch (o.status) {
    case 'ok':
      return { credit: 1, why: exit };
    case 'unknown':
      return { credit: 0.5, why: c.exitCode === null ? exit : `${exit}, which belongs to another command of the line` };
    case 'failed':
      if (o.kind === 'sql')
        return { credit: 0, why: c.source === 'psql' ? 'PostgreSQL answered ERROR' : `psql failed (${exit}): the statement read nothing` };
      return { credit: 0.5, why: `failed (${exit})` };
  }
}

function describe(o: Observation, c: CommandEvent): string {
  const via = o.via.length > 0 ? ` (through ${o.via.join(', ')})` : '';
  if (o.kind === 'sql') return `psql sent \`${oneLine(o.text)}\`${via}`;
  const line = c.command.trim();
  if (o.via.length === 0 && (line === o.program || line.startsWith(`${o.program} `)) && !/[|;&]/.test(line)) return `\`${oneLine(line)}\``;
  return `\`${oneLine(`${o.program} ${o.text}`, 60)}\`${via} in \`${oneLine(line, 60)}\``;
}

/** A command of the log with what it ran (parsed once per scoring: parsing is the expensive part). */
export interface ReadCommand {
  command: CommandEvent;
  observations: Observation[];
  /** The parser's message when the line is not valid bash. */
  error?: string;
}

/** Reads every command of a log, in order, keeping each terminal's aliases and functions. */
export function readCommands(events: readonly RunEvent[]): ReadCommand[] {
  const reader = new CommandReader();
  return events.flatMap((e) => (e.type === 'command' ? [{ command: e, ...reader.observe(e) }] : []));
}

const asRead = (input: readonly RunEvent[] | readonly ReadCommand[]): readonly ReadCommand[] =>
  input.length > 0 && 'observations' in input[0]! ? (input as readonly ReadCommand[]) : readCommands(input as readonly RunEvent[]);

/** Every command's evidence (credit > 0, and matches worth nothing with the reason), in log order. */
export function signalHits(input: readonly RunEvent[] | readonly ReadCommand[], compiled: readonly CompiledSignal[]): Hit[] {
  const hits: Hit[] = [];
  for (const { command: e, observations } of asRead(input)) {
    for (const s of compiled) {
      let best: Hit | null = null;
      for (const o of observations) {
        if (!s.rules.some((r) => ruleMatches(r, o))) continue;
        const { credit, why } = worth(o, e);
        if (!best || credit > best.credit) best = { signalId: s.signal.id, command: e, credit, because: `${describe(o, e)}, ${why}` };
      }
      if (best) hits.push(best);
    }
  }
  return hits;
}

/**
 * Why a command whose text mentions a signal's words earned nothing: which programs it really ran. For the report,
 * so a learner sees that `echo pg_stat_statements` is not a look at pg_stat_statements.
 */
export function nearMiss(input: readonly RunEvent[] | readonly ReadCommand[], s: CompiledSignal, from: number, to: number): { command: CommandEvent; why: string } | null {
  const mentions = (text: string): boolean =>
    s.rules.some((r) => (r.re ? r.re.test(text) : [...r.programs].some((p) => new RegExp(`(^|[^\\w-])${p.replace(/[.+]/g, '\\$&')}([^\\w-]|$)`).test(text))));
  for (const { command: e, observations, error } of asRead(input)) {
    const t = Date.parse(e.startedAt || e.time);
    if (t < from || t > to || !mentions(e.command)) continue;
    if (observations.some((o) => s.rules.some((r) => ruleMatches(r, o)))) continue;
    if (error !== undefined) return { command: e, why: `not a command line bash could run (${error})` };
    const typed = observations.filter((o) => o.typedInput && s.rules.some((r) => r.programs.has(o.program)));
    if (typed.length > 0) return { command: e, why: `\`${typed[0]!.program}\` read text typed on the line (a here-document, or a pipe from echo/printf), not the system` };
    const programs = [...new Set(observations.filter((o) => o.kind === 'run').map((o) => o.program))];
    const ran = programs.length > 0 ? `it ran ${programs.map((p) => `\`${p}\``).join(', ')}` : 'it ran no program';
    return { command: e, why: `${ran}; words in arguments of echo/printf, comments, quoted strings or here-documents are not evidence` };
  }
  return null;
}

/**
 * The first command with full credit for a root-cause signal: when the learner really looked at the cause.
 * `fromMs` (wall clock, e.g. the page) skips commands started before it, as the troubleshooting score does.
 */
export function firstRootCauseCommand(
  events: readonly RunEvent[],
  compiled: readonly CompiledSignal[],
  fromMs = -Infinity,
): { command: CommandEvent; signal: CompiledSignal; because: string } | null {
  const rootCause = compiled.filter((c) => c.signal.rootCause);
  const hit = signalHits(events, rootCause).find((h) => h.credit === 1 && Date.parse(h.command.startedAt || h.command.time) >= fromMs);
  if (!hit) return null;
  return { command: hit.command, signal: rootCause.find((c) => c.signal.id === hit.signalId)!, because: hit.because };
}
