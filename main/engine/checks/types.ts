import type { Sandbox } from '../../../sandbox/runtime.js';
import type { Check } from '../scenario/schema.js';

export interface CheckResult {
  pass: boolean;
  /** What was seen, short enough for a status line: `p95=612ms`, `exit 1`, `3 rows`. */
  observed: string;
  message?: string;
}

/** What a check may touch: the run's sandbox, and state that lives across polls (latency windows). */
export interface CheckContext {
  sandbox: Sandbox;
  fetch: typeof fetch;
  now: () => number;
  windows: Map<string, { at: number; ms: number }[]>;
}

export type CheckRunner<C extends Check = Check> = (check: C, context: CheckContext) => Promise<CheckResult>;

export type Comparison = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';

export function compare(actual: number, op: Comparison, expected: number): boolean {
  switch (op) {
    case 'lt':
      return actual < expected;
    case 'le':
      return actual <= expected;
    case 'gt':
      return actual > expected;
    case 'ge':
      return actual >= expected;
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
  }
}

export const OP_TEXT: Record<Comparison, string> = { lt: '<', le: '≤', gt: '>', ge: '≥', eq: '=', ne: '≠' };

export function argv(command: string | string[]): string[] {
  return typeof command === 'string' ? ['sh', '-c', command] : command;
}

export function regex(source: string): RegExp {
  return new RegExp(source, 'im');
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Reads `a.b.0.c` out of parsed JSON. */
export function jsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
