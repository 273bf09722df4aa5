/**
 * Troubleshooting scoring time with evidence-based investigation signals: a 300-command slow-query session (a
 * mix of real looks, pipelines, loops, functions and echoes) scored against the pack, 30 runs, and the parse of
 * one command line. Every command line is parsed (mvdan/sh) once per scoring, so this grows with the session.
 * Wall time and CPU time per run: on a shared machine the wall time includes waiting for a core.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyseCommandLine } from '../shared/shell/command-line.js';
import type { RunEvent } from '../main/engine/events/types.js';
import { loadScenario } from '../main/engine/scenario/load.js';
import { scoreSession } from '../main/scoring/troubleshooting/index.js';
import { summarize, type Figure } from './stats.js';

const RUNS = 30;
const COMMANDS = 300;
const LINES = [
  'curl -s loadgen:9100/stats | jq .p95_ms',
  'logs orders -n 100 | grep -i slow',
  'psql -Atc "select query, mean_exec_time from pg_stat_statements order by 2 desc limit 5" | head',
  'for f in 0006 0007; do cat /srv/orders/migrations/${f}_*.sql; done',
  "slowest() { psql -c 'select query from pg_stat_statements order by mean_exec_time desc limit 3'; }",
  'slowest',
  'echo checkout p95 pg_stat_statements explain analyze',
  'git -C /srv/orders log --oneline v1.0.0..v2.0.0',
];

function session(): RunEvent[] {
  const t0 = Date.parse('2025-03-14T14:00:00Z');
  const at = (seq: number, ms: number, payload: object): RunEvent => ({ seq, id: `e${seq}`, time: new Date(t0 + ms).toISOString(), mono: ms, ...payload }) as RunEvent;
  const events: RunEvent[] = [at(1, 0, { type: 'phase.changed', from: 'injecting', to: 'live' })];
  for (let i = 0; i < COMMANDS; i++) {
    const iso = new Date(t0 + 1000 * (i + 1)).toISOString();
    const psql = i % 5 === 4;
    events.push(
      at(events.length + 1, 1000 * (i + 1), {
        type: 'command',
        terminal: 1 + (i % 2),
        source: psql ? 'psql' : 'shell',
        command: psql ? "EXPLAIN ANALYZE SELECT * FROM orders WHERE customer_email = 'x';" : LINES[i % LINES.length],
        exitCode: 0,
        startedAt: iso,
        endedAt: iso,
        durationMs: 200,
      }),
    );
  }
  events.push(at(events.length + 1, 1000 * (COMMANDS + 5), { type: 'resolution.holding', resolutionId: 'fixed' }));
  return events;
}

export async function benchInvestigation(): Promise<Record<string, Figure>> {
  const scenario = (await loadScenario(fileURLToPath(new URL('../../scenarios/slow-query', import.meta.url)))).scenario;
  const events = session();
  for (let i = 0; i < 3; i++) scoreSession(events, scenario);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    scoreSession(events, scenario);
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  const parse: number[] = [];
  for (let i = 0; i < 400; i++) {
    const t = performance.now();
    analyseCommandLine(LINES[i % LINES.length]!, 'ok');
    parse.push(performance.now() - t);
  }
  return {
    'troubleshooting score, 300-command session (wall)': summarize(wall, 'ms', `${COMMANDS} commands, slow-query's 9 signals`),
    'troubleshooting score, 300-command session (cpu)': summarize(cpu, 'ms'),
    'command line parse (mvdan/sh)': summarize(parse, 'ms'),
  };
}
