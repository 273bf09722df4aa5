/** The game file's `comms` section as the requirement each team's run records (run.created), in ms. */
import type { CommsRequirement } from '../../shared/api/comms.js';
import { toMs } from '../engine/scenario/duration.js';
import type { GameFile } from './schema.js';

export function commsRequirement(plan: GameFile): CommsRequirement | undefined {
  if (!plan.comms) return undefined;
  const { firstWithin, every } = plan.comms;
  return { firstWithinMs: firstWithin === undefined ? null : toMs(firstWithin), everyMs: every === undefined ? null : toMs(every) };
}
