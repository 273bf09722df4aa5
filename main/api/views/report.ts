/** The report of a session, assembled from its folder and event log; the scores come from the caller. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report, ScoreView } from '../../../shared/api/contract.js';
import type { RunEvent } from '../../engine/events/types.js';
import { createdEvent, outcomeOf, POSTMORTEM_FILE, recordings } from '../../sessions/store.js';
import { evaluateComms } from '../../scoring/comms.js';
import { timelineFromEvents } from './timeline.js';

export function buildReport(
  dir: string,
  events: RunEvent[],
  scores: { troubleshooting: ScoreView | null; postmortem: ScoreView | null },
): Report {
  const created = createdEvent(events);
  const postmortemFile = join(dir, POSTMORTEM_FILE);
  const comms = evaluateComms(events);
  return {
    runId: created.runId,
    scenario: created.scenario,
    title: created.scenarioTitle,
    outcome: outcomeOf(events),
    startedAt: created.time,
    parMinutes: created.parMinutes,
    troubleshooting: scores.troubleshooting,
    postmortem: scores.postmortem,
    postmortemMarkdown: existsSync(postmortemFile) ? readFileSync(postmortemFile, 'utf8') : null,
    timeline: timelineFromEvents(events, { reveal: true }),
    recordings: recordings(dir),
    // Its own line beside the scores, never points in them; nothing to say without a requirement or an update.
    comms: comms.requirement || comms.updates.length > 0 ? comms : null,
  };
}
