/** A run's comms result as of now (the live channel, the post's answer, the facilitator's board). */
import type { CommsResult } from '../../../shared/api/comms.js';
import type { Run } from '../../engine/run/run.js';
import { evaluateComms } from '../../scoring/comms.js';

export function liveComms(run: Run): CommsResult {
  const sincePage = run.sincePageMs();
  return evaluateComms(run.readEvents(), sincePage === null ? {} : { nowSincePageMs: sincePage });
}
