/**
 * A game's debrief as one inline SVG: a lane per team on one time axis (0 = each team's page), the team's par
 * as a dashed marker in its lane, a glyph per milestone (fault, root-cause signal, mitigation, resolution, end),
 * status updates, hints and facilitator actions. Sized for a projector: big type, few words, a legend.
 * PURE (no Node, no DOM): the debrief screen injects the string and the game's HTML export embeds it.
 * Everything a team typed (status updates, the root-cause command) is escaped; it also shows only in `<title>`.
 */
import type { DebriefMark, DebriefView, TeamDebriefView } from '../api/game.js';
import { clampMinutes, escapeXml, formatMinutes, niceStep } from './chart.js';

/** A glyph and a word per kind of mark, for the chart's legend and the screen's lists. */
export const MARK_LEGEND: Record<DebriefMark['kind'], { glyph: string; label: string }> = {
  fault: { glyph: '▲', label: 'fault' },
  page: { glyph: '☎', label: 'page' },
  'root-cause': { glyph: '◎', label: 'root-cause signal' },
  mitigation: { glyph: '◇', label: 'mitigated' },
  resolution: { glyph: '◆', label: 'resolved' },
  end: { glyph: '■', label: 'end' },
  status: { glyph: '✉', label: 'status update' },
  hint: { glyph: '?', label: 'hint' },
  facilitator: { glyph: '»', label: 'facilitator' },
};

const WIDTH = 1200;
const LANE = 72;
const MARGIN = { left: 230, right: 24, top: 44, bottom: 78 };

const round = (n: number): number => Math.round(n * 10) / 10;

/** One line for a mark, as its tooltip and in the screen's list: "12:30 status update (ana): DB is back". */
export function markText(mark: DebriefMark): string {
  const who = mark.kind === 'status' ? ` (${mark.author ?? 'unnamed'})` : '';
  return `${formatMinutes(mark.atMs / 60_000)} ${MARK_LEGEND[mark.kind].label}${who}: ${mark.text}`;
}

/** Where a kind's glyph sits against its lane's line: status updates above, hints and the facilitator below. */
const OFFSET: Partial<Record<DebriefMark['kind'], number>> = { status: -19, hint: 19, facilitator: 19 };

function glyph(kind: DebriefMark['kind'], x: number, y: number, tooltip: string): string {
  const title = `<title>${escapeXml(tooltip)}</title>`;
  const cls = `dm dm-${kind}`;
  switch (kind) {
    case 'fault':
      return `<path class="${cls}" d="M${x} ${y - 9}L${x + 9} ${y + 7}L${x - 9} ${y + 7}Z">${title}</path>`;
    case 'resolution':
      return `<path class="${cls}" d="M${x} ${y - 12}L${x + 12} ${y}L${x} ${y + 12}L${x - 12} ${y}Z">${title}</path>`;
    case 'mitigation':
      return `<path class="${cls}" d="M${x} ${y - 10}L${x + 10} ${y}L${x} ${y + 10}L${x - 10} ${y}Z">${title}</path>`;
    case 'root-cause':
      return `<circle class="${cls}" cx="${x}" cy="${y}" r="9">${title}</circle>`;
    case 'end':
      return `<rect class="${cls}" x="${x - 7}" y="${y - 7}" width="14" height="14">${title}</rect>`;
    case 'status':
      return `<rect class="${cls}" x="${x - 8}" y="${y - 5}" width="16" height="11" rx="2">${title}</rect>`;
    case 'hint':
      return `<circle class="${cls}" cx="${x}" cy="${y}" r="5">${title}</circle>`;
    case 'facilitator':
      return `<path class="${cls}" d="M${x - 6} ${y - 5}L${x + 6} ${y - 5}L${x} ${y + 5}Z">${title}</path>`;
    case 'page':
      return '';
  }
}

function domain(teams: readonly TeamDebriefView[]): { min: number; max: number } {
  let min = 0;
  let max = 1;
  for (const team of teams) {
    max = Math.max(max, clampMinutes(team.parMinutes) * 1.1);
    for (const mark of team.marks) {
      const m = clampMinutes(mark.atMs / 60_000);
      min = Math.min(min, m);
      max = Math.max(max, m * 1.05);
    }
  }
  return { min, max };
}

/** The debrief chart as a standalone `<svg>` string (role="img", with a one-line summary per team). */
export function renderDebriefSvg(debrief: DebriefView): string {
  const teams = debrief.teams;
  const { min, max } = domain(teams);
  const height = MARGIN.top + Math.max(1, teams.length) * LANE + MARGIN.bottom;
  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const x = (m: number): number => round(plot.left + ((clampMinutes(m) - min) / (max - min)) * (plot.right - plot.left));
  const summary = teams.map((t) => `${t.name}: ${t.parVerdict}`).join('; ') || 'No teams.';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="fd-debrief" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(`${debrief.title}: every team against par`)}">`,
    `<title>${escapeXml(`${debrief.title}: every team against par`)}</title><desc>${escapeXml(summary)}</desc>`,
    '<style>' +
      '.fd-debrief{font:16px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
      '.fd-debrief .team{fill:currentColor;font-weight:700;font-size:20px}' +
      '.fd-debrief .verdict{fill:var(--chart-text,#8a96a8);font-size:14px}' +
      '.fd-debrief .verdict-under{fill:var(--chart-good,#3fb950)}.fd-debrief .verdict-over{fill:var(--chart-bad,#f85149)}' +
      '.fd-debrief .lane{stroke:var(--chart-grid,#2a3442);stroke-width:2}' +
      '.fd-debrief .sep{stroke:var(--chart-grid,#2a3442);stroke-width:1;opacity:.5}' +
      '.fd-debrief .tick{fill:var(--chart-text,#8a96a8);text-anchor:middle;font:15px ui-monospace,Menlo,Consolas,monospace}' +
      '.fd-debrief .grid{stroke:var(--chart-grid,#2a3442);stroke-dasharray:2 5}' +
      '.fd-debrief .page{stroke:var(--chart-page,#58a6ff);stroke-width:2.5}' +
      '.fd-debrief .page-label{fill:var(--chart-page,#58a6ff);font-weight:700}' +
      '.fd-debrief .par{stroke:var(--chart-par,#d29922);stroke-width:3;stroke-dasharray:7 4}' +
      '.fd-debrief .par-label{fill:var(--chart-par,#d29922);font-size:13px;font-weight:700}' +
      '.fd-debrief .idle{fill:var(--chart-text,#8a96a8);font-style:italic}' +
      '.fd-debrief .dm-fault{fill:var(--chart-fault,#f85149)}' +
      '.fd-debrief .dm-root-cause{fill:none;stroke:var(--chart-command,#58a6ff);stroke-width:4}' +
      '.fd-debrief .dm-mitigation{fill:none;stroke:var(--chart-good,#3fb950);stroke-width:3.5}' +
      '.fd-debrief .dm-resolution{fill:var(--chart-good,#3fb950)}' +
      '.fd-debrief .dm-end{fill:var(--chart-text,#8a96a8)}' +
      '.fd-debrief .dm-status{fill:var(--chart-status,#39c5cf)}' +
      '.fd-debrief .dm-hint{fill:var(--chart-hint,#bc8cff)}' +
      '.fd-debrief .dm-facilitator{fill:var(--chart-alert,#ff7a45)}' +
      '.fd-debrief .legend{fill:var(--chart-text,#8a96a8);font-size:14px}' +
      '.fd-debrief .at{fill:var(--chart-text,#8a96a8);font:13px ui-monospace,Menlo,Consolas,monospace;text-anchor:middle}' +
      '</style>',
  ];
  const step = niceStep(max - min);
  const first = Math.ceil(min / step);
  for (let i = 0; i < 16 && (first + i) * step <= max + 1e-9; i += 1) {
    const t = (first + i) * step;
    parts.push(`<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${plot.top}" y2="${plot.bottom}"/>`);
    parts.push(`<text class="tick" x="${x(t)}" y="${plot.bottom + 22}">${escapeXml(formatMinutes(t))}</text>`);
  }
  parts.push(`<line class="page" x1="${x(0)}" x2="${x(0)}" y1="${plot.top - 8}" y2="${plot.bottom}"/>`);
  parts.push(`<text class="page-label" x="${x(0)}" y="${plot.top - 14}" text-anchor="middle">paged</text>`);
  teams.forEach((team, i) => {
    const top = plot.top + i * LANE;
    const y = top + LANE / 2;
    const verdictClass = team.parDeltaMs === null ? 'verdict' : team.parDeltaMs <= 0 ? 'verdict verdict-under' : 'verdict verdict-over';
    parts.push(`<g class="lane-group" data-team="${escapeXml(team.team)}">`);
    if (i > 0) parts.push(`<line class="sep" x1="0" x2="${WIDTH}" y1="${top}" y2="${top}"/>`);
    parts.push(`<text class="team" x="12" y="${y - 4}">${escapeXml(team.name)}</text>`);
    parts.push(`<text class="${verdictClass}" x="12" y="${y + 18}">${escapeXml(team.parVerdict)}</text>`);
    if (team.status === 'not started' && team.marks.length === 0) {
      parts.push(`<text class="idle" x="${x(0) + 12}" y="${y + 6}">not started</text>`);
    } else {
      parts.push(`<line class="lane" x1="${plot.left}" x2="${plot.right}" y1="${y}" y2="${y}"/>`);
      const px = x(team.parMinutes);
      parts.push(`<line class="par" x1="${px}" x2="${px}" y1="${top + 6}" y2="${top + LANE - 6}"/>`);
      parts.push(`<text class="par-label" x="${px + 5}" y="${top + 14}">${escapeXml(`par ${team.parMinutes}m`)}</text>`);
      for (const mark of team.marks) parts.push(glyph(mark.kind, x(mark.atMs / 60_000), y + (OFFSET[mark.kind] ?? 0), markText(mark)));
      // The two times a room compares, written under their glyphs: when the cause was seen, when it was resolved.
      for (const [kind, at] of [['root-cause', team.milestones.rootCauseMs], ['resolution', team.milestones.resolvedMs]] as const) {
        if (at !== null) parts.push(`<text class="at at-${kind}" x="${x(at / 60_000)}" y="${y + 30}">${escapeXml(formatMinutes(at / 60_000))}</text>`);
      }
    }
    parts.push('</g>');
  });
  // The legend, so a room reads the glyphs without a key on another slide.
  const kinds = (Object.keys(MARK_LEGEND) as DebriefMark['kind'][]).filter((k) => k !== 'page');
  const legendY = height - 18;
  let lx = 16;
  for (const kind of kinds) {
    parts.push(glyph(kind, lx + 10, legendY - 5, MARK_LEGEND[kind].label));
    parts.push(`<text class="legend" x="${lx + 26}" y="${legendY}">${escapeXml(MARK_LEGEND[kind].label)}</text>`);
    // About 8 px a character at 14 px, then a gap.
    lx += 26 + MARK_LEGEND[kind].label.length * 8 + 28;
  }
  parts.push('</svg>');
  return parts.join('');
}
