/**
 * The one duration formatter (PURE). Every place that shows a length of time goes through it, in one of
 * three styles:
 * - `units`:   `500ms`, `30s`, `2m`, `1m30s`: the way scenario files write durations (validator messages, hint waits);
 * - `minutes`: `12m05s`: scores and their evidence, `lab status`;
 * - `clock`:   `01:15`, `1:02:05`, `-00:45`: clocks and offsets from the page (live view, timelines, reports).
 */
export type DurationStyle = 'units' | 'minutes' | 'clock';

export interface ClockOptions {
  /** `negative` (default): a '-' before whole seconds below zero; `always`: '+' or '-'. */
  sign?: 'negative' | 'always';
  /** Two-digit minutes, `05:00` (default true); false gives `5:00`. */
  padMinutes?: boolean;
  /** `h:mm:ss` from an hour on (default true); false keeps counting minutes (`75:00`). */
  hours?: boolean;
  /** `floor` (default) for a clock that ticks; `nearest` for an offset that is read once. */
  rounding?: 'floor' | 'nearest';
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function formatDuration(ms: number, style: DurationStyle = 'units', options: ClockOptions = {}): string {
  switch (style) {
    case 'units': {
      if (ms < 1000) return `${Math.round(ms)}ms`;
      const seconds = Math.round(ms / 1000);
      if (seconds < 60) return `${seconds}s`;
      const minutes = Math.floor(seconds / 60);
      return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
    }
    case 'minutes': {
      const total = Math.max(0, Math.round(ms / 1000));
      return `${Math.floor(total / 60)}m${pad(total % 60)}s`;
    }
    case 'clock': {
      const { sign = 'negative', padMinutes = true, hours = true, rounding = 'floor' } = options;
      const total = (rounding === 'floor' ? Math.floor : Math.round)(Math.abs(ms) / 1000);
      // Less than a second before the page reads as 00:00, not -00:00.
      const negative = ms < 0 && total > 0;
      const h = hours ? Math.floor(total / 3600) : 0;
      const m = Math.floor((total - h * 3600) / 60);
      const s = total % 60;
      const body = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${padMinutes ? pad(m) : m}:${pad(s)}`;
      return `${negative ? '-' : sign === 'always' ? '+' : ''}${body}`;
    }
  }
}
