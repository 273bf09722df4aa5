/** Durations in scenario files: `500ms`, `30s`, `2m`, `1h`, `1m30s`, or a bare number of seconds. */
export type Duration = string | number;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
export const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

export function toMs(duration: Duration): number {
  if (typeof duration === 'number') return duration * 1000;
  const text = duration.trim();
  if (!DURATION_PATTERN.test(text)) throw new Error(`not a duration: ${JSON.stringify(duration)} (use 500ms, 30s, 2m, 1h)`);
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return total;
}
