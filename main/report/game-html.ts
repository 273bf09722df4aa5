/**
 * A game's reports as ONE self-contained HTML file: a cover with the debrief (every team against par on one
 * axis, the scores with the reviewer's overrides, each team's moments), then every team's report as the single
 * report export renders it (html.ts: the one report formatter, ids prefixed per run). No scripts, no URLs.
 * Whatever a team typed (commands, status updates, its postmortem) is escaped, as in html.ts.
 */
import type { Report } from '../../shared/api/contract.js';
import type { DebriefView, TeamDebriefView } from '../../shared/api/game.js';
import { MARK_LEGEND, markText, renderDebriefSvg } from '../../shared/report/debrief-chart.js';
import { overrideText, scoreText } from '../../shared/report/debrief-score.js';
import { escapeHtml, renderHtmlPage, renderReportArticle } from './html.js';

export interface GameReport {
  runId: string;
  report: Report;
  casts: Record<number, string>;
}

const CSS = `
.cover .debrief-chart svg{width:100%;height:auto}
.team-report{border-top:3px solid var(--accent);padding-top:18px;display:flex;flex-direction:column;gap:16px}
.team-head{font-size:20px}.overrides{margin:4px 0 0;padding-left:18px;color:var(--muted);font-size:12.5px}
.moments td:first-child{white-space:nowrap}
@media print{.team-report{break-before:page}}
`;

function scoresTable(debrief: DebriefView, reports: ReadonlyMap<string, GameReport>): string {
  const rows = debrief.teams
    .map((t) => {
      const cell = (part: 'troubleshooting' | 'postmortem'): string => {
        if (!t.scores) return `<td class="muted">${t.status === 'not started' ? 'not started' : '—'}</td>`;
        const score = t.scores[part];
        const overrides = score && score.overridden.length > 0 ? `<ul class="overrides">${score.overridden.map((o) => `<li>${escapeHtml(overrideText(o))}</li>`).join('')}</ul>` : '';
        return `<td><b>${escapeHtml(scoreText(score))}</b>${overrides}</td>`;
      };
      const link = reports.has(t.runId) ? `<a href="#report-${escapeHtml(t.runId)}">report</a>` : '<span class="muted">no report</span>';
      return (
        `<tr><td><b>${escapeHtml(t.name)}</b><div class="muted">${escapeHtml(t.members.join(', '))}</div></td>` +
        `<td>${escapeHtml(t.parVerdict)}</td>${cell('troubleshooting')}${cell('postmortem')}<td>${link}</td></tr>`
      );
    })
    .join('');
  return `<table class="scores"><thead><tr><th>Team</th><th>Against par</th><th>Troubleshooting</th><th>Postmortem</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function moments(team: TeamDebriefView): string {
  const marks = team.marks.filter((m) => m.kind !== 'page');
  if (marks.length === 0) return `<p class="muted">${escapeHtml(team.status === 'not started' ? 'Not started.' : 'Nothing recorded.')}</p>`;
  const rows = marks.map((m) => `<tr class="mark-${escapeHtml(m.kind)}"><td>${escapeHtml(MARK_LEGEND[m.kind].glyph)}</td><td>${escapeHtml(markText(m))}</td></tr>`).join('');
  return `<table class="moments"><tbody>${rows}</tbody></table>`;
}

export function renderGameHtml(debrief: DebriefView, reports: readonly GameReport[], options: { generatedAt?: Date } = {}): string {
  const byRun = new Map(reports.map((r) => [r.runId, r]));
  const cover =
    `<header class="cover"><div class="brand">▲ FIREDRILL · GAME DAY DEBRIEF</div><h1>${escapeHtml(debrief.title)}</h1>` +
    `<div class="meta"><span>game <b class="mono">${escapeHtml(debrief.game)}</b></span><span>${escapeHtml(debrief.state)}</span><span><b>${escapeHtml(debrief.teams.length)}</b> team(s)</span></div></header>` +
    `<section class="card cover" id="debrief"><h2>Every team against par</h2><div class="debrief-chart">${renderDebriefSvg(debrief)}</div></section>` +
    `<section class="card" id="scores"><h2>Scores</h2>${scoresTable(debrief, byRun)}</section>` +
    debrief.teams.map((t) => `<section class="card" id="moments-${escapeHtml(t.runId)}"><h2>${escapeHtml(t.name)}: moments since the page</h2>${moments(t)}</section>`).join('');
  const bodies = debrief.teams
    .map((t) => {
      const entry = byRun.get(t.runId);
      if (!entry) return '';
      return (
        `<section class="team-report" id="report-${escapeHtml(t.runId)}"><h2 class="team-head">${escapeHtml(`Team ${t.name}`)}</h2>` +
        `${renderReportArticle(entry.report, { casts: entry.casts, idPrefix: `${t.runId}-` })}</section>`
      );
    })
    .join('\n');
  return renderHtmlPage({
    title: `Firedrill game day — ${debrief.title}`,
    body: `${cover}\n${bodies}`,
    css: CSS,
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  });
}
