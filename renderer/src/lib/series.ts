/** Pure helpers for the Prometheus panel: results as rows, range results as small SVG paths. */
import type { PromResult } from '../../../shared/api/contract';

export function seriesName(metric: Record<string, string>): string {
  const { __name__: name, ...labels } = metric;
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return `${name ?? ''}${inner ? `{${inner}}` : name ? '' : '{}'}`;
}

/** An instant result as table rows: the series and its value, rounded for reading. */
export function instantRows(data: PromResult): { series: string; value: string }[] {
  return data.result.map((r) => ({
    series: seriesName(r.metric),
    value: r.value ? roundValue(r.value[1]) : '',
  }));
}

export function roundValue(raw: string): string {
  const n = Number(raw);
  if (!Number.isFinite(n)) return raw;
  return String(Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);
}

export interface Sparkline {
  /** One `d` attribute per series, in a 0..width × 0..height box (y grows down). */
  paths: { name: string; d: string }[];
  min: number;
  max: number;
  /** The last value of each series, for the legend. */
  last: { name: string; value: string }[];
}

/** Range results as polylines on a shared scale (0 included, so a flat zero line sits at the bottom). */
export function sparkline(data: PromResult, width: number, height: number): Sparkline | null {
  const series = data.result.filter((r) => (r.values?.length ?? 0) > 0);
  if (series.length === 0) return null;
  const points = series
    .flatMap((r) => r.values!.map(([t, v]) => [t, Number(v)] as const))
    .filter(([, v]) => Number.isFinite(v));
  if (points.length === 0) return null;
  const t0 = Math.min(...points.map(([t]) => t));
  const t1 = Math.max(...points.map(([t]) => t));
  const min = Math.min(0, ...points.map(([, v]) => v));
  const max = Math.max(...points.map(([, v]) => v), min + 1e-9);
  const x = (t: number) => (t1 === t0 ? width : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => height - ((v - min) / (max - min)) * height;
  return {
    min,
    max,
    paths: series.map((r) => ({
      name: seriesName(r.metric),
      d: r
        .values!.filter(([, v]) => Number.isFinite(Number(v)))
        .map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(Number(v)).toFixed(1)}`)
        .join(' '),
    })),
    last: series.map((r) => ({ name: seriesName(r.metric), value: roundValue(r.values!.at(-1)![1]) })),
  };
}
