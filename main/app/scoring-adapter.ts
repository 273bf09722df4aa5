import type { Scoring } from '../api/handlers.js';
import { gradePostmortem } from '../scoring/postmortem/index.js';
import { draftPostmortem } from '../scoring/postmortem/draft.js';
import { reachedResolution } from '../scoring/resolution.js';
import { scoreSession } from '../scoring/troubleshooting/index.js';

/** The real scoring behind the API: pure functions over the event log and the scenario. */
export function createScoring(): Scoring {
  return {
    troubleshooting: (events, scenario) => scoreSession(events, scenario),
    grade: (markdown, scenario, events) =>
      gradePostmortem(markdown, scenario.postmortem, {
        events,
        ...(reachedResolution(events) ? { resolutionId: reachedResolution(events)!.id } : {}),
      }),
    draft: (events, scenario) => draftPostmortem(events, scenario),
  };
}
