export interface Figure {
  median: number;
  p95?: number;
  p99?: number;
  max?: number;
  unit: string;
  runs?: number;
  note?: string;
}

export function summarize(samples: number[], unit: string, note?: string): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(at(50)), p95: round(at(95)), max: round(sorted.at(-1)!), unit, runs: samples.length, ...(note ? { note } : {}) };
}
