/** How the comms result reads in a report (the app's screen and the HTML export share it). PURE. */
import type { CommsRequirement, CommsResult, CommsRule, StatusUpdateView } from '../api/comms.js';
import { formatDuration } from '../format/duration.js';

/** The Comms line's headline: met, not met, still open, or (with no requirement) how many updates counted. */
export function commsVerdict(comms: CommsResult): { label: string; tone: 'good' | 'bad' | 'neutral' } {
  if (!comms.requirement) return { label: `${comms.counted} update${comms.counted === 1 ? '' : 's'} (nothing required)`, tone: 'neutral' };
  if (comms.met === true) return { label: 'Met', tone: 'good' };
  if (comms.met === false) return { label: 'Not met', tone: 'bad' };
  return { label: 'Open', tone: 'neutral' };
}

export const RULE_MARKS: Record<CommsRule['state'], string> = { met: '✓', failed: '✗', pending: '…' };

/** An update's time after the page, as timelines show offsets (`+4:05`). */
export function updateOffset(update: StatusUpdateView): string {
  return update.sincePageMs === null ? '' : formatDuration(update.sincePageMs, 'clock', { sign: 'always', padMinutes: false, hours: false, rounding: 'nearest' });
}

/** When the next status update is due (the live channel and the facilitator's board): `due in 09:12`, `overdue by 01:05`. */
export function dueText(nextDueInMs: number): string {
  return nextDueInMs >= 0 ? `due in ${formatDuration(nextDueInMs, 'clock')}` : `overdue by ${formatDuration(-nextDueInMs, 'clock')}`;
}

/** What the channel expects, before any rule can be judged (the live panel says it from the start). */
export function requirementText(requirement: CommsRequirement): string {
  const parts: string[] = [];
  if (requirement.firstWithinMs !== null) parts.push(`the first update within ${formatDuration(requirement.firstWithinMs, 'clock')} of the page`);
  if (requirement.everyMs !== null) parts.push(`${parts.length > 0 ? 'then ' : ''}one at least every ${formatDuration(requirement.everyMs, 'clock')}`);
  return `Expected: ${parts.join(', ')}.`;
}
