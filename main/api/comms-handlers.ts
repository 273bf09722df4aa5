/**
 * The incident channel's API: a status update goes into the run's event log while the incident is live
 * (solo runs too: a learner can practise comms). In a game, the author it names must be one of the team's
 * members; which run a team token may post to is decided in access.ts, before this runs.
 */
import { ApiError, type ApiHandlers } from '../../shared/api/contract.js';
import type { CommsMethodName } from '../../shared/api/comms.js';
import type { RunManager } from '../engine/run/run-manager.js';
import { liveComms } from './views/comms.js';

export type CommsHandlers = Pick<ApiHandlers, CommsMethodName>;

/** Phases in which the incident is under way (the replay re-runs it: the channel stays open). */
const OPEN_PHASES = new Set(['live', 'replaying']);

export interface CommsDeps {
  manager: RunManager;
  /** The game team that plays this run (its members sign its updates), or null for a solo run. */
  teamOf: (runId: string) => { id: string; members: readonly string[] } | null;
}

export function createCommsHandlers({ manager, teamOf }: CommsDeps): CommsHandlers {
  return {
    'comms.post': async ({ runId, author, message }) => {
      const run = manager.get(runId);
      if (!run) throw new ApiError('not_found', `no active run ${runId}`);
      if (!OPEN_PHASES.has(run.phase)) {
        throw new ApiError(
          'conflict',
          run.over ? `run ${runId} is over (${run.phase}): the incident channel is closed` : `run ${runId} is not live yet (${run.phase}): post once the page comes`,
        );
      }
      const team = teamOf(runId);
      if (team && author !== undefined && !team.members.includes(author)) {
        throw new ApiError('bad_request', `"${author}" is not a member of team ${team.id} (members: ${team.members.join(', ')})`, 'Post as one of the team\'s members.');
      }
      run.events.append({ type: 'status.update', author: author ?? null, message });
      return liveComms(run);
    },
    // Answers for every run (never a 404 for a solo one): the live view asks before it knows which it is.
    'comms.channel': async ({ runId }) => ({ members: [...(teamOf(runId)?.members ?? [])] }),
  };
}
