/**
 * Investigation signals (scenario `investigation:`) compiled once: the regexes a learner's commands are matched
 * against. Invalid patterns are kept aside so a caller can report them instead of throwing.
 */
import type { RunEvent } from '../engine/events/types.js';
import type { InvestigationSignal } from '../engine/scenario/schema.js';

type CommandEvent = Extract<RunEvent, { type: 'command' }>;

export interface CompiledSignal {
  signal: Pick<InvestigationSignal, 'id' | 'rootCause' | 'patterns'>;
  res: RegExp[];
  invalid: string[];
}

export function compileSignals(signals: readonly Pick<InvestigationSignal, 'id' | 'rootCause' | 'patterns'>[]): CompiledSignal[] {
  return signals.map((signal) => {
    const res: RegExp[] = [];
    const invalid: string[] = [];
    for (const p of signal.patterns) {
      try {
        res.push(new RegExp(p, 'i'));
      } catch {
        invalid.push(p);
      }
    }
    return { signal, res, invalid };
  });
}

export function signalMatches(compiled: CompiledSignal, command: string): boolean {
  return compiled.res.some((re) => re.test(command));
}

/** The first command of the log that matches a root-cause signal, and which signal it matched. */
export function firstRootCauseCommand(
  events: readonly RunEvent[],
  compiled: readonly CompiledSignal[],
): { command: CommandEvent; signal: CompiledSignal } | null {
  const rootCause = compiled.filter((c) => c.signal.rootCause);
  for (const e of events) {
    if (e.type !== 'command') continue;
    const signal = rootCause.find((c) => signalMatches(c, e.command));
    if (signal) return { command: e, signal };
  }
  return null;
}
