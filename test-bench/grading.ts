/**
 * Postmortem grading time: the ~5 KB strong slow-query write-up, graded against the pack's rubric with its session
 * log, 200 runs. Wall time and the process's CPU time per grade: on a shared machine the wall time includes
 * waiting for a core, the CPU time does not. The runner (test-bench/run.ts) calls benchGrading() from the built tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { RunEvent } from '../main/engine/events/types.js';
import { gradePostmortem } from '../main/scoring/postmortem/index.js';
import { postmortemRubricSchema } from '../main/engine/scenario/schema.js';
import type { PostmortemRubric } from '../main/scoring/types.js';

const RUNS = 200;
const WARMUP = 20;

/** The repository root: the nearest folder up from here (src or dist) holding the fixtures. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'test/fixtures/postmortems'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** A plausible session log for the write-up's timeline (14:01 deploy ... 14:16:42 resolved, UTC). */
function events(): RunEvent[] {
  const at = (seq: number, clock: string, payload: object): RunEvent =>
    ({ seq, id: `e${seq}`, time: `2025-03-14T${clock}.000Z`, mono: seq * 1000, ...payload }) as RunEvent;
  return [
    at(1, '14:01:32', { type: 'fault.step', stepId: 'deploy-v2', action: 'replace', status: 'applied' }),
    at(2, '14:03:05', {
      type: 'alert.fired',
      alertname: 'CheckoutLatencyHigh',
      fingerprint: 'f',
      labels: {},
    }),
    at(3, '14:03:10', { type: 'phase.changed', from: 'injecting', to: 'live' }),
    at(4, '14:04:12', {
      type: 'command',
      terminal: 1,
      source: 'shell',
      command: 'curl http://orders/checkout',
      exitCode: 0,
      startedAt: '2025-03-14T14:04:12.000Z',
      endedAt: '2025-03-14T14:04:13.000Z',
      durationMs: 1000,
    }),
    at(5, '14:16:32', { type: 'resolution.holding', resolutionId: 'fixed' }),
    at(6, '14:16:42', { type: 'resolution.reached', resolutionId: 'fixed', points: 100, heldMs: 10_000 }),
  ];
}

export async function benchGrading(): Promise<Record<string, { median: number; p95: number; unit: string }>> {
  const root = repoRoot();
  const dir = join(root, 'test/fixtures/postmortems/slow-query');
  const markdown = readFileSync(join(dir, 'strong.md'), 'utf8');
  const pack = parse(readFileSync(join(root, 'scenarios/slow-query/scenario.yaml'), 'utf8')) as { postmortem: unknown };
  const rubric: PostmortemRubric = postmortemRubricSchema.parse(pack.postmortem);
  const log = events();
  const cpu: number[] = [];
  const time = (withEvents: boolean): number[] => {
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      gradePostmortem(markdown, rubric, withEvents ? { events: log, resolutionId: 'fixed', timeZone: 'UTC' } : {});
      const used = process.cpuUsage(startCpu);
      if (i >= WARMUP) {
        samples.push(performance.now() - start);
        if (withEvents) cpu.push((used.user + used.system) / 1000);
      }
    }
    return samples.sort((a, b) => a - b);
  };
  const withEvents = time(true);
  const withoutEvents = time(false);
  cpu.sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  const kb = Math.round(Buffer.byteLength(markdown) / 102.4) / 10;
  return {
    [`grade postmortem ${kb} KB with events`]: {
      median: round(percentile(withEvents, 50)),
      p95: round(percentile(withEvents, 95)),
      unit: 'ms',
    },
    [`grade postmortem ${kb} KB with events, cpu time`]: {
      median: round(percentile(cpu, 50)),
      p95: round(percentile(cpu, 95)),
      unit: 'ms',
    },
    [`grade postmortem ${kb} KB without events`]: {
      median: round(percentile(withoutEvents, 50)),
      p95: round(percentile(withoutEvents, 95)),
      unit: 'ms',
    },
  };
}
