/** How the debrief states a score, the same on the screen and in the game's HTML export (PURE). */
import type { DebriefScore } from '../api/game.js';

/** "74/100", or "81/100 reviewed (automatic 74)" when a reviewer overrode a criterion. */
export function scoreText(score: DebriefScore | null): string {
  if (!score) return 'not scored';
  return score.reviewed === null ? `${score.automatic}/${score.max}` : `${score.reviewed}/${score.max} reviewed (automatic ${score.automatic})`;
}

/** "time 12 → 18 by ana: 'they did check the index'": one override, as a footnote. */
export function overrideText(o: DebriefScore['overridden'][number]): string {
  return `${o.title} ${o.automatic} → ${o.reviewed} by ${o.reviewer}${o.note ? `: ${o.note}` : ''}`;
}
