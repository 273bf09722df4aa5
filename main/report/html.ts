/**
 * The score report as ONE self-contained HTML file: inline CSS, inline SVG chart, no scripts, no external
 * URLs (a CSP meta forbids loading anything), so it opens offline from file:// and can be mailed around.
 * Everything that comes from a run (titles, commands, feedback, the learner's markdown) is escaped;
 * the postmortem markdown is rendered by micromark with raw HTML disabled and images reduced to their alt text.
 */
import { formatDuration } from '../../shared/format/duration.js';
import type { Criterion, Report, ScoreView, TimelineItem } from '../../shared/api/contract.js';
import { castTranscript, parseCast } from '../../shared/report/cast.js';
import { escapeXml as escapeHtml, renderTimelineSvg } from '../../shared/report/chart.js';
import { renderMarkdownSafe } from '../../shared/report/markdown.js';
import { commsVerdict, RULE_MARKS, updateOffset } from '../../shared/report/comms.js';
import { KIND_ICONS } from '../../shared/report/timeline-icons.js';

export { escapeHtml, renderMarkdownSafe };

export interface RenderReportOptions {
  /** Terminal recordings (asciicast v2 text) by terminal number, included as transcripts. */
  casts?: Record<number, string>;
  /** Stamp shown in the footer; defaults to now (injectable for tests). */
  generatedAt?: Date;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function formatSince(ms: number | null): string {
  return ms === null ? '' : formatDuration(ms, 'clock', { sign: 'always', padMinutes: false, hours: false, rounding: 'nearest' });
}

function evidenceText(evidence: Criterion['evidence'][number]): string {
  if (typeof evidence === 'string') return evidence;
  return [evidence.time ? `[${evidence.time}]` : '', evidence.command ? `$ ${evidence.command}` : '', evidence.note ?? '', evidence.eventId ? `(event ${evidence.eventId})` : '']
    .filter(Boolean)
    .join(' ');
}

function scoreSection(id: string, title: string, score: ScoreView | null): string {
  if (!score) {
    return `<section class="card" id="${escapeHtml(id)}"><h2>${escapeHtml(title)}</h2><p class="muted">Not scored.</p></section>`;
  }
  const reviewed = score.reviewedScore !== undefined;
  const shown = score.reviewedScore ?? score.score;
  const pct = score.max > 0 ? Math.round((shown / score.max) * 100) : 0;
  const rows = score.criteria
    .map((c) => {
      const points = c.review ? c.review.points : c.points;
      const cpct = c.max > 0 ? Math.round((points / c.max) * 100) : 0;
      const level = cpct >= 80 ? 'good' : cpct >= 40 ? 'mid' : 'low';
      const evidence =
        c.evidence.length > 0
          ? `<ul class="evidence">${c.evidence.map((e) => `<li>${escapeHtml(evidenceText(e))}</li>`).join('')}</ul>`
          : '';
      const review = c.review
        ? `<div class="c-review">Reviewed by ${escapeHtml(c.review.reviewer)} (${escapeHtml(formatDate(c.review.time))}): ${escapeHtml(c.review.note)}</div>`
        : '';
      const cells = reviewed
        ? `<td class="pts auto"><span class="num">${escapeHtml(c.points)}</span>/${escapeHtml(c.max)}</td>` +
          `<td class="pts"><span class="num">${escapeHtml(points)}</span>/${escapeHtml(c.max)}<div class="meter"><div style="width:${cpct}%"></div></div></td>`
        : `<td class="pts"><span class="num">${escapeHtml(c.points)}</span>/${escapeHtml(c.max)}<div class="meter"><div style="width:${cpct}%"></div></div></td>`;
      return (
        `<tr class="criterion level-${level}${c.review ? ' reviewed' : ''}"><td><div class="c-title">${escapeHtml(c.title ?? c.id)}</div>` +
        `<div class="c-feedback">${escapeHtml(c.feedback)}</div>${review}${evidence}</td>${cells}</tr>`
      );
    })
    .join('');
  const head = reviewed ? '<th>Criterion</th><th>Automatic</th><th>Reviewed</th>' : '<th>Criterion</th><th>Points</th>';
  const total = reviewed
    ? `<div class="score"><span class="big">${escapeHtml(shown)}</span> / ${escapeHtml(score.max)} <span class="muted">(${pct}%) reviewed · automatic ${escapeHtml(score.score)}</span></div>`
    : `<div class="score"><span class="big">${escapeHtml(score.score)}</span> / ${escapeHtml(score.max)} <span class="muted">(${pct}%)</span></div>`;
  return (
    `<section class="card" id="${escapeHtml(id)}"><h2>${escapeHtml(title)}</h2>${total}` +
    `<table class="criteria"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function timelineTable(timeline: readonly TimelineItem[]): string {
  if (timeline.length === 0) return '<p class="muted">No events were recorded.</p>';
  const rows = timeline
    .map(
      (t) =>
        `<tr class="kind-${escapeHtml(t.kind)}${t.ok === false ? ' bad' : ''}"><td class="mono">${escapeHtml(formatSince(t.sincePageMs))}</td>` +
        `<td class="kind" title="${escapeHtml(t.kind)}">${escapeHtml(t.kind === 'check' && t.ok === false ? '✗' : (KIND_ICONS[t.kind] ?? '•'))}</td>` +
        `<td class="${t.kind === 'command' ? 'mono' : ''}">${escapeHtml(t.text)}${t.detail ? `<div class="muted">${escapeHtml(t.detail)}</div>` : ''}</td></tr>`,
    )
    .join('');
  return `<table class="timeline"><thead><tr><th>Since page</th><th></th><th>Event</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The Comms line: its own card beside the scores (it adds no points), each rule with its times, every update. */
function commsSection(comms: Report['comms'], idPrefix: string): string {
  if (!comms) return '';
  const verdict = commsVerdict(comms);
  const rules = comms.rules
    .map((r) => `<li class="rule-${r.state}">${escapeHtml(RULE_MARKS[r.state])} ${escapeHtml(r.title)}: ${escapeHtml(r.detail)}</li>`)
    .join('');
  const updates = comms.updates
    .map(
      (u) =>
        `<tr class="${u.counted ? '' : 'bad'}"><td class="mono">${escapeHtml(updateOffset(u))}</td><td>${escapeHtml(u.author ?? '')}</td>` +
        `<td>${escapeHtml(u.message)}${u.counted ? '' : `<div class="muted">not counted: ${escapeHtml(u.why ?? '')}</div>`}</td></tr>`,
    )
    .join('');
  return (
    `<section class="card" id="${escapeHtml(idPrefix)}comms"><h2>Comms</h2><div class="score"><span class="big verdict-${verdict.tone}">${escapeHtml(verdict.label)}</span> ` +
    `<span class="muted">${escapeHtml(comms.counted)} of ${escapeHtml(comms.updates.length)} updates counted · not part of the scores</span></div>` +
    (rules ? `<ul class="rules">${rules}</ul>` : '') +
    (updates
      ? `<table class="timeline"><thead><tr><th>Since page</th><th>Author</th><th>Status update</th></tr></thead><tbody>${updates}</tbody></table>`
      : '<p class="muted">No status updates were posted.</p>') +
    `</section>`
  );
}

function castsSection(casts: Record<number, string> | undefined, recordings: readonly number[], id = 'terminals'): string {
  const numbers = [...new Set([...recordings, ...Object.keys(casts ?? {}).map(Number)])].sort((a, b) => a - b);
  if (numbers.length === 0) return '';
  const items = numbers
    .map((n) => {
      const text = casts?.[n];
      if (text === undefined) {
        return `<details><summary>Terminal ${escapeHtml(n)}</summary><p class="muted">Recording not included in this export.</p></details>`;
      }
      try {
        const cast = parseCast(text);
        const transcript = castTranscript(cast);
        return (
          `<details><summary>Terminal ${escapeHtml(n)} <span class="muted">(${escapeHtml(Math.round(cast.duration))} s, ${escapeHtml(cast.header.width)}×${escapeHtml(cast.header.height)})</span></summary>` +
          `<pre class="transcript">${escapeHtml(transcript)}</pre></details>`
        );
      } catch (error) {
        return `<details><summary>Terminal ${escapeHtml(n)}</summary><p class="muted">Could not read the recording: ${escapeHtml((error as Error).message)}</p></details>`;
      }
    })
    .join('');
  return `<section class="card" id="${escapeHtml(id)}"><h2>Terminal sessions</h2>${items}</section>`;
}

const CSS = `
:root{color-scheme:dark light;--bg:#0d1117;--panel:#141a22;--border:#2a3442;--text:#d8dee9;--muted:#8a96a8;--strong:#f2f5f9;--accent:#ff7a45;--good:#3fb950;--mid:#d29922;--low:#f85149;--inset:#0a0e13;
--chart-text:#8a96a8;--chart-grid:#2a3442}
@media (prefers-color-scheme:light){:root{--bg:#f4f6f8;--panel:#fff;--border:#d3d9e0;--text:#1f2933;--muted:#5b6777;--strong:#0b1118;--accent:#d9480f;--good:#1a7f37;--mid:#9a6700;--low:#cf222e;--inset:#eef1f4;--chart-text:#5b6777;--chart-grid:#d3d9e0}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
.wrap{max-width:1040px;margin:0 auto;padding:28px 24px 48px;display:flex;flex-direction:column;gap:16px}
h1,h2{color:var(--strong);margin:0 0 8px}h1{font-size:22px}h2{font-size:16px}
.brand{font:700 12px/1 ui-monospace,Menlo,monospace;letter-spacing:.2em;color:var(--accent)}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;color:var(--muted);font-size:13px}.meta b{color:var(--text);font-weight:600}
.outcome{font:700 11px ui-monospace,monospace;text-transform:uppercase;letter-spacing:.1em;padding:2px 8px;border-radius:3px;border:1px solid currentColor}
.outcome-resolved{color:var(--good)}.outcome-abandoned,.outcome-failed{color:var(--low)}
.card{background:var(--panel);border:1px solid var(--border);border-radius:6px;padding:16px 18px;overflow:auto}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media (max-width:800px){.grid{grid-template-columns:1fr}}
.score{margin-bottom:10px}.big{font:700 30px ui-monospace,Menlo,monospace;color:var(--strong)}
.muted{color:var(--muted)}.mono,pre,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--border)}
th{font:600 11px ui-monospace,monospace;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
.c-title{font-weight:600;color:var(--strong)}.c-feedback{color:var(--text)}.evidence{margin:4px 0 0;padding-left:18px;color:var(--muted);font:12px ui-monospace,monospace}
.pts{white-space:nowrap;width:90px;font:600 13px ui-monospace,monospace}.meter{height:4px;background:var(--inset);border-radius:2px;margin-top:4px;overflow:hidden}.meter div{height:100%;background:var(--good)}
.level-mid .meter div{background:var(--mid)}.pts.auto{color:var(--muted)}.c-review{margin-top:4px;padding:4px 8px;border-left:3px solid var(--accent);color:var(--strong)}.level-low .meter div{background:var(--low)}
.timeline td.kind{width:24px;text-align:center}.timeline tr.bad td{color:var(--low)}
.chart svg{width:100%;height:auto}
.verdict-good{color:var(--good)}.verdict-bad{color:var(--low)}.rules{margin:0 0 8px;padding-left:18px}.rule-failed{color:var(--low)}.rule-met{color:var(--good)}
.postmortem{line-height:1.6}.postmortem pre{background:var(--inset);padding:10px;border-radius:6px;overflow:auto}.postmortem code{background:var(--inset);padding:1px 4px;border-radius:3px}
.postmortem table td,.postmortem table th{border:1px solid var(--border)}
.transcript{background:#05080b;color:#d8dee9;padding:10px 12px;border-radius:6px;max-height:480px;overflow:auto;white-space:pre-wrap;word-break:break-word}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
footer{color:var(--muted);font-size:12px;text-align:center}
@media print{body{background:#fff;color:#000}.card{break-inside:avoid;border-color:#ccc}.transcript{max-height:none}}
`;

export interface ReportArticleOptions {
  casts?: Record<number, string>;
  /** Prefixes the sections' ids, so several reports can share one page (a game's export). */
  idPrefix?: string;
}

/** One report's content (header, scores, chart, events, postmortem, transcripts), without the page around it. */
export function renderReportArticle(report: Report, options: ReportArticleOptions = {}): string {
  const p = options.idPrefix ?? '';
  const chart = renderTimelineSvg(report.timeline, report.parMinutes, { title: `${report.title}: timeline against par` });
  const postmortem = report.postmortemMarkdown
    ? `<section class="card" id="${escapeHtml(p)}postmortem"><h2>Postmortem</h2><div class="postmortem">${renderMarkdownSafe(report.postmortemMarkdown)}</div></section>`
    : '';
  const outcomeClass = /^[a-z-]+$/.test(report.outcome) ? `outcome-${report.outcome}` : '';
  return `<header>
<div class="brand">▲ FIREDRILL · SCORE REPORT</div>
<h1>${escapeHtml(report.title)}</h1>
<div class="meta">
<span class="outcome ${outcomeClass}">${escapeHtml(report.outcome)}</span>
<span>scenario <b>${escapeHtml(report.scenario)}</b></span>
<span>started <b>${escapeHtml(formatDate(report.startedAt))}</b></span>
<span>par <b>${escapeHtml(report.parMinutes)} min</b></span>
<span>run <b class="mono">${escapeHtml(report.runId)}</b></span>
</div>
</header>
<div class="grid">
${scoreSection(`${p}troubleshooting`, 'Troubleshooting', report.troubleshooting)}
${scoreSection(`${p}postmortem-score`, 'Postmortem', report.postmortem)}
</div>
${commsSection(report.comms, p)}
<section class="card chart" id="${escapeHtml(p)}chart"><h2>Timeline against par</h2>${chart}</section>
<section class="card" id="${escapeHtml(p)}timeline"><h2>Events</h2>${timelineTable(report.timeline)}</section>
${postmortem}
${castsSection(options.casts, report.recordings, `${p}terminals`)}`;
}

/** A self-contained page around rendered content: the report's CSS (plus `css`), a CSP that loads nothing. */
export function renderHtmlPage(page: { title: string; body: string; generatedAt?: Date; css?: string }): string {
  const generatedAt = page.generatedAt ?? new Date();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Firedrill">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}${page.css ?? ''}</style>
</head>
<body>
<div class="wrap">
${page.body}
<footer>Generated by Firedrill on ${escapeHtml(formatDate(generatedAt.toISOString()))}. This file is self-contained and works offline.</footer>
</div>
</body>
</html>
`;
}

export function renderReportHtml(report: Report, options: RenderReportOptions = {}): string {
  return renderHtmlPage({
    title: `Firedrill report — ${report.title}`,
    body: renderReportArticle(report, options.casts ? { casts: options.casts } : {}),
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  });
}
