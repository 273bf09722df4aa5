import type { TimelineItem } from '../api/contract.js';

/** One glyph per timeline kind, shared by the live view and the exported report (PURE: the renderer imports it). */
export const KIND_ICONS: Record<TimelineItem['kind'], string> = {
  phase: '▸',
  alert: '◉',
  page: '☎',
  command: '$',
  hint: '?',
  check: '✓',
  resolution: '◆',
  fault: '▲',
  operation: '⚙',
  note: '•',
  broadcast: '»',
  status: '✉',
};
