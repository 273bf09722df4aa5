/** Test helper: the signals one command line earns in full, read the way the scorer reads a session. */
import type { InvestigationSignal } from '../../../main/engine/scenario/schema.js';
import { compileSignals, signalHits } from '../../../main/scoring/signals.js';
import { SessionBuilder } from './session.js';

/** Signals the line earns with full credit when it exits 0 (`source: psql` for a statement typed in psql). */
export function signalsEarned(signals: InvestigationSignal[], command: string, source: 'shell' | 'psql' = 'shell'): string[] {
  const events = new SessionBuilder().start().cmd('14:05:00', command, source).events;
  return signalHits(events, compileSignals(signals))
    .filter((h) => h.credit === 1)
    .map((h) => h.signalId);
}
