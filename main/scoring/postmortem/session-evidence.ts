/**
 * What the learner's own session shows, for feedback on a write-up whose root cause is not established: the
 * first root-cause signal they ran and the checks that held once they fixed it. Facts from their session, never
 * the rubric's answer.
 */
import type { RunEvent } from '../../engine/events/types.js';
import type { InvestigationSignal } from '../../engine/scenario/schema.js';
import { reachedResolution } from '../resolution.js';
import { compileSignals, firstRootCauseCommand } from '../signals.js';

export interface SessionEvidence {
  /** The first command that ran successfully and showed a root-cause signal. */
  rootCauseCommand: { command: string; time: string; eventId: string } | null;
  /** Titles of the checks of the resolution reached, passing at the end. */
  heldChecks: string[];
}

export function sessionEvidence(
  events: readonly RunEvent[] | undefined,
  signals: readonly Pick<InvestigationSignal, 'id' | 'rootCause' | 'evidence'>[] | undefined,
): SessionEvidence {
  if (!events || events.length === 0) return { rootCauseCommand: null, heldChecks: [] };
  const first = signals ? firstRootCauseCommand(events, compileSignals(signals)) : null;
  const reached = reachedResolution(events);
  const held = new Map<string, { title: string; pass: boolean }>();
  if (reached)
    for (const e of events)
      if (e.type === 'check.changed' && e.group === `resolution:${reached.id}`) held.set(e.checkId, { title: e.title, pass: e.pass });
  return {
    rootCauseCommand: first
      ? { command: first.command.command, time: first.command.startedAt || first.command.time, eventId: first.command.id }
      : null,
    heldChecks: [...held.values()].filter((c) => c.pass).map((c) => c.title),
  };
}

/** One sentence for the learner: what their session shows. */
export function describeEvidence(evidence: SessionEvidence): string {
  const parts: string[] = [];
  if (evidence.rootCauseCommand)
    parts.push(
      `at ${evidence.rootCauseCommand.time.slice(11, 19)} UTC you ran \`${evidence.rootCauseCommand.command.replace(/\s+/g, ' ').slice(0, 120)}\`, a root-cause check: read its output again`,
    );
  else parts.push('your session never ran one of the checks that show the root cause');
  if (evidence.heldChecks.length > 0) parts.push(`after your fix these checks held: ${evidence.heldChecks.join('; ')}`);
  return `Your own session points elsewhere: ${parts.join(', and ')}.`;
}
