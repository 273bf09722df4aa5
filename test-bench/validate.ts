/**
 * Benchmark: how long `validateScenarioDir` takes per pack (YAML parse, schema, semantic rules, file checks),
 * for every pack under scenarios/ and test/fixtures/scenarios/. Target: median 20 ms or less per pack.
 * Run: `npm run build && node dist/test-bench/validate.js` (or from test-bench/run.js with the other benchmarks).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { validateScenarioDir } from '../main/engine/scenario/validate.js';
import { packageRoot } from '../main/platform/package-root.js';

const RUNS = 50;
const WARMUP = 5;

export interface BenchResult {
  median: number;
  p95: number;
  unit: string;
}

function packsUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'scenario.yaml')))
    .map((entry) => join(root, entry.name))
    .sort();
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function benchValidate(): Promise<Record<string, BenchResult>> {
  const root = packageRoot();
  const groups: [string, string][] = [
    ['scenarios', join(root, 'scenarios')],
    ['fixtures', join(root, 'test', 'fixtures', 'scenarios')],
  ];
  const results: Record<string, BenchResult> = {};
  for (const [group, dir] of groups) {
    for (const pack of packsUnder(dir)) {
      for (let i = 0; i < WARMUP; i++) await validateScenarioDir(pack);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        await validateScenarioDir(pack);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const name = pack.slice(dir.length + 1);
      results[`validate ${group}/${name}`] = { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), unit: 'ms' };
    }
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await benchValidate();
  for (const [name, r] of Object.entries(results)) process.stdout.write(`${name.padEnd(48)} median ${r.median} ${r.unit}  p95 ${r.p95} ${r.unit}\n`);
}
