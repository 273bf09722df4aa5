/**
 * The run's timeline against par as an inline SVG: one lane per kind of event (fault, alerts, commands,
 * hints, checks, mitigation), minutes since the page on the x axis, the page and par as vertical lines.
 * PURE (no Node, no DOM): the HTML report embeds the string, the renderer injects the same string.
 * Every piece of text is escaped; colours come from CSS variables with fallbacks so both themes work.
 */
import type { TimelineItem } from '../api/contract.js';
import { formatDuration } from '../format/duration.js';

export interface ChartLane {
  id: string;
  label: string;
  kinds: TimelineItem['kind'][];
}

export const LANES: ChartLane[] = [
  { id: 'fault', label: 'Fault', kinds: ['fault'] },
  { id: 'alert', label: 'Alerts', kinds: ['alert'] },
  { id: 'page', label: 'Pages', kinds: ['page'] },
  { id: 'command', label: 'Commands', kinds: ['command'] },
  { id: 'hint', label: 'Hints', kinds: ['hint'] },
  { id: 'check', label: 'Checks', kinds: ['check'] },
  { id: 'resolution', label: 'Mitigation', kinds: ['resolution'] },
];

export interface ChartPoint {
  item: TimelineItem;
  lane: number;
  /** Minutes since the page. */
  minutes: number;
  x: number;
  y: number;
}

export interface ChartModel {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  domain: { min: number; max: number };
  ticks: { minutes: number; x: number }[];
  points: ChartPoint[];
  pageX: number;
  parX: number;
  parMinutes: number;
  /** Minutes from page to the first mitigation, if any. */
  resolvedAtMinutes: number | null;
}

const LANE_HEIGHT = 26;
const MARGIN = { left: 92, right: 18, top: 26, bottom: 30 };

export function escapeXml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Minutes since the page for each item; items without `sincePageMs` are placed from their timestamps. */
function placeItems(timeline: readonly TimelineItem[]): { item: TimelineItem; minutes: number }[] {
  const anchors = timeline.filter((t) => t.sincePageMs !== null && !Number.isNaN(Date.parse(t.time)));
  const pageTime =
    anchors.length > 0
      ? Date.parse(anchors[0]!.time) - anchors[0]!.sincePageMs!
      : timeline.reduce((earliest, t) => { const at = Date.parse(t.time); return Number.isNaN(at) ? earliest : Math.min(earliest, at); }, Infinity);
  const placed: { item: TimelineItem; minutes: number }[] = [];
  for (const item of timeline) {
    let ms = item.sincePageMs;
    if (ms === null) {
      const at = Date.parse(item.time);
      if (Number.isNaN(at) || !Number.isFinite(pageTime)) continue;
      ms = at - pageTime;
    }
    placed.push({ item, minutes: ms / 60_000 });
  }
  return placed;
}

/**
 * The farthest a chart reaches either side of the page, in minutes (a week). Times and par beyond it are
 * drawn at the edge: a pack's `parMinutes: 1e15` or a clock jump cannot stretch the axis without end.
 */
export const CHART_MAX_MINUTES = 7 * 24 * 60;
/** At most this many ticks on the axis, whatever the domain. */
const MAX_TICKS = 16;

export function clampMinutes(m: number): number {
  if (Number.isNaN(m)) return 0;
  return Math.min(CHART_MAX_MINUTES, Math.max(-CHART_MAX_MINUTES, m));
}

/** A 1-2-5 step (in minutes, at least 15 s) that puts at most about eight ticks on the span. */
export function niceStep(span: number): number {
  const raw = span / 8;
  for (const step of [0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440]) if (step >= raw) return step;
  return Math.ceil(raw / 1440) * 1440;
}

export function chartModel(timeline: readonly TimelineItem[], parMinutesGiven: number, width = 900): ChartModel {
  const parMinutes = Math.max(0, clampMinutes(parMinutesGiven));
  const placed = placeItems(timeline)
    .filter(({ item }) => LANES.some((lane) => lane.kinds.includes(item.kind)))
    .map((p) => ({ item: p.item, minutes: clampMinutes(p.minutes) }));
  const minutes = placed.map((p) => p.minutes);
  let min = 0;
  let max = Math.max(parMinutes * 1.1, 1);
  for (const m of minutes) {
    min = Math.min(min, m);
    max = Math.max(max, m * 1.05);
  }
  const height = MARGIN.top + LANES.length * LANE_HEIGHT + MARGIN.bottom;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const x = (m: number) => plot.left + ((m - min) / (max - min)) * (plot.right - plot.left);
  const step = niceStep(max - min);
  const ticks: { minutes: number; x: number }[] = [];
  const first = Math.ceil(min / step);
  for (let i = 0; i < MAX_TICKS && (first + i) * step <= max + 1e-9; i += 1) {
    const t = (first + i) * step;
    ticks.push({ minutes: round(t), x: round(x(t)) });
  }
  const points = placed.map(({ item, minutes: m }) => {
    const lane = LANES.findIndex((l) => l.kinds.includes(item.kind));
    return { item, lane, minutes: m, x: round(x(m)), y: plot.top + lane * LANE_HEIGHT + LANE_HEIGHT / 2 };
  });
  const resolved = points.filter((p) => p.item.kind === 'resolution').map((p) => p.minutes);
  return {
    width,
    height,
    plot,
    domain: { min, max },
    ticks,
    points,
    pageX: round(x(0)),
    parX: round(x(parMinutes)),
    parMinutes,
    resolvedAtMinutes: resolved.length > 0 ? resolved.reduce((a, b) => Math.min(a, b)) : null,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Minutes since the page as a clock offset: `12:30`, `-0:45`. */
export function formatMinutes(m: number): string {
  return formatDuration(m * 60_000, 'clock', { padMinutes: false, hours: false, rounding: 'nearest' });
}

function pointClass(point: ChartPoint): string {
  const kind = point.item.kind;
  if (kind === 'check') return point.item.ok === false ? 'pt pt-bad' : point.item.ok === true ? 'pt pt-good' : 'pt';
  return `pt pt-${kind}`;
}

function shape(point: ChartPoint): string {
  const { x, y } = point;
  const title = `<title>${escapeXml(`${formatMinutes(point.minutes)} ${point.item.text}${point.item.detail ? ` — ${point.item.detail}` : ''}`)}</title>`;
  const cls = pointClass(point);
  if (point.item.kind === 'resolution') {
    return `<path class="${cls}" d="M${x} ${y - 8}L${x + 8} ${y}L${x} ${y + 8}L${x - 8} ${y}Z">${title}</path>`;
  }
  if (point.item.kind === 'fault') {
    return `<path class="${cls}" d="M${x} ${y - 7}L${x + 7} ${y + 6}L${x - 7} ${y + 6}Z">${title}</path>`;
  }
  if (point.item.kind === 'command') {
    return `<rect class="${cls}" x="${x - 1.5}" y="${y - 7}" width="3" height="14" rx="1">${title}</rect>`;
  }
  return `<circle class="${cls}" cx="${x}" cy="${y}" r="5">${title}</circle>`;
}

/** The chart as a standalone `<svg>` string (role="img" with a text summary for screen readers). */
export function renderTimelineSvg(
  timeline: readonly TimelineItem[],
  parMinutes: number,
  options: { width?: number; title?: string } = {},
): string {
  const model = chartModel(timeline, parMinutes, options.width);
  const { plot, width, height } = model;
  const summary =
    model.resolvedAtMinutes === null
      ? `Timeline of ${model.points.length} events; not mitigated; par ${parMinutes} minutes.`
      : `Timeline of ${model.points.length} events; mitigated ${formatMinutes(model.resolvedAtMinutes)} after the page; par ${parMinutes} minutes.`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="fd-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title ?? summary)}">`,
    `<title>${escapeXml(options.title ?? 'Run timeline against par')}</title><desc>${escapeXml(summary)}</desc>`,
    '<style>' +
      '.fd-chart{font:11px ui-monospace,Menlo,Consolas,monospace}' +
      '.fd-chart .lane-label{fill:var(--chart-text,#8a96a8)}' +
      '.fd-chart .lane{stroke:var(--chart-grid,#2a3442);stroke-width:1}' +
      '.fd-chart .tick{fill:var(--chart-text,#8a96a8);text-anchor:middle}' +
      '.fd-chart .grid{stroke:var(--chart-grid,#2a3442);stroke-dasharray:2 4}' +
      '.fd-chart .page{stroke:var(--chart-page,#58a6ff);stroke-width:1.5}' +
      '.fd-chart .par{stroke:var(--chart-par,#d29922);stroke-width:1.5;stroke-dasharray:6 4}' +
      '.fd-chart .over{fill:var(--chart-over,rgba(248,81,73,.08))}' +
      '.fd-chart .mark-label{font-weight:700}' +
      '.fd-chart .page-label{fill:var(--chart-page,#58a6ff)}' +
      '.fd-chart .par-label{fill:var(--chart-par,#d29922)}' +
      '.fd-chart .pt{fill:var(--chart-point,#8a96a8)}' +
      '.fd-chart .pt-fault{fill:var(--chart-fault,#f85149)}' +
      '.fd-chart .pt-alert{fill:var(--chart-alert,#ff7a45)}' +
      '.fd-chart .pt-page{fill:var(--chart-page-sent,#f85149)}' +
      '.fd-chart .pt-command{fill:var(--chart-command,#58a6ff)}' +
      '.fd-chart .pt-hint{fill:var(--chart-hint,#bc8cff)}' +
      '.fd-chart .pt-good,.fd-chart .pt-resolution{fill:var(--chart-good,#3fb950)}' +
      '.fd-chart .pt-bad{fill:var(--chart-bad,#f85149)}' +
      '</style>',
  );
  // Time past par is shaded.
  if (model.parX < plot.right) {
    parts.push(`<rect class="over" x="${model.parX}" y="${plot.top}" width="${round(plot.right - model.parX)}" height="${plot.bottom - plot.top}"/>`);
  }
  for (const tick of model.ticks) {
    parts.push(`<line class="grid" x1="${tick.x}" x2="${tick.x}" y1="${plot.top}" y2="${plot.bottom}"/>`);
    parts.push(`<text class="tick" x="${tick.x}" y="${plot.bottom + 16}">${escapeXml(formatMinutes(tick.minutes))}</text>`);
  }
  LANES.forEach((lane, i) => {
    const y = plot.top + i * LANE_HEIGHT + LANE_HEIGHT / 2;
    parts.push(`<line class="lane" x1="${plot.left}" x2="${plot.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="lane-label" x="${plot.left - 10}" y="${y + 4}" text-anchor="end">${escapeXml(lane.label)}</text>`);
  });
  parts.push(`<line class="page" x1="${model.pageX}" x2="${model.pageX}" y1="${plot.top - 6}" y2="${plot.bottom}"/>`);
  parts.push(`<text class="mark-label page-label" x="${model.pageX}" y="${plot.top - 10}" text-anchor="middle">paged</text>`);
  parts.push(`<line class="par" x1="${model.parX}" x2="${model.parX}" y1="${plot.top - 6}" y2="${plot.bottom}"/>`);
  parts.push(
    `<text class="mark-label par-label" x="${model.parX}" y="${plot.top - 10}" text-anchor="middle">${escapeXml(`par ${parMinutes} min`)}</text>`,
  );
  for (const point of model.points) parts.push(shape(point));
  parts.push('</svg>');
  return parts.join('');
}
