/**
 * Game-day figures on the real Docker engine (issue 17): for N = 1, 2, 4 teams of one pack (`--game-teams`), the time from
 * `game.start` until every team is live (baseline held, fault shown), the kill switch's time (every fault
 * reverted, every sandbox removed, the label sweep clean), and the memory each team's sandbox holds while
 * live (the sum of its containers' usage less page cache, from Docker's stats). slow-query by default
 * (`--game-pack=<name>` picks another, e.g. the fixture when slow-query is too heavy for the machine).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { createAppContext } from '../main/app/context.js';
import { imageSpecs } from '../main/engine/run/spec.js';
import { GameRunner } from '../main/game/runner.js';
import { createDockerClient } from '../sandbox/docker/client.js';
import type { Figure } from './stats.js';

async function teamMemory(docker: Docker, runId: string): Promise<number> {
  const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`firedrill.run=${runId}`] }) });
  let bytes = 0;
  for (const c of containers) {
    type Stats = { memory_stats?: { usage?: number; stats?: { inactive_file?: number; total_inactive_file?: number; cache?: number } } };
    let stats: Stats;
    try {
      stats = (await docker.getContainer(c.Id).stats({ stream: false })) as unknown as Stats;
    } catch {
      continue; // torn down meanwhile (its team failed): it holds nothing any more
    }
    const m = stats.memory_stats;
    // A stopped container has no memory figures.
    if (m?.usage === undefined) continue;
    bytes += (m.usage ?? 0) - (m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? m.stats?.cache ?? 0);
  }
  return bytes;
}

export async function benchGame(options: { pack: string; counts: number[] }): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const docker = createDockerClient();
  // A pack name (scenarios/) or a path (the fixture: test/fixtures/scenarios/fixture).
  const key = options.pack.split('/').filter(Boolean).pop()!;
  for (const n of options.counts) {
    const home = mkdtempSync(join(tmpdir(), 'fd-bench-game-'));
    const { manager } = createAppContext({ env: { ...process.env, FIREDRILL_HOME: home } });
    const loaded = await manager.resolvePack(options.pack);
    // Cached images are the case we measure: build once, outside the timing.
    await manager.runtimeFor(loaded)!.buildImages(imageSpecs(loaded.scenario, loaded.dir), () => undefined);
    const file = join(home, 'bench.game.yaml');
    const teams = Array.from({ length: n }, (_, i) => `  - { id: team-${i + 1}, name: Team ${i + 1}, members: [m${i + 1}], variant: default, seed: ${i + 1} }`);
    writeFileSync(
      file,
      ['apiVersion: firedrill/v1', 'kind: Game', 'metadata: { name: bench, title: Bench }', `scenario: ${resolve(options.pack) === options.pack || !options.pack.includes('/') ? options.pack : resolve(options.pack)}`, 'timeBox: 30m', 'teams:', ...teams, ''].join('\n'),
    );
    const runner = new GameRunner({ manager });
    const started = performance.now();
    const game = await runner.start(file);
    // Sandboxes up: every team's containers run and its baseline is being checked (a start-time figure even
    // when the machine is too loaded for the steady state to hold); all live: every team paged, checks held.
    let upMs: number | null = null;
    let liveMs: number | null = null;
    let failure: string | null = null;
    let memory: number[];
    try {
      for (;;) {
        const phases = game.teams.map((t) => t.run.phase);
        if (upMs === null && phases.every((p) => p !== 'preparing')) upMs = performance.now() - started;
        if (phases.every((p) => p === 'live')) {
          liveMs = performance.now() - started;
          break;
        }
        // A failed run moves on to teardown at once: its error stays.
        const failed = game.teams.find((t) => t.run.error !== null || (t.run.over && t.run.phase !== 'live'));
        if (failed) {
          failure = `team ${failed.plan.id} failed with ${n} teams: ${failed.run.error ?? failed.run.phase}`;
          break;
        }
        if (performance.now() - started > 15 * 60_000) {
          failure = `${n} teams not live within 15 minutes: ${phases.join(', ')}`;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // What the teams still up hold (all of them when every team went live).
      memory = (await Promise.all(game.teams.filter((t) => !t.run.over).map((t) => teamMemory(docker, t.run.id)))).filter((m) => m > 0);
    } finally {
      const live = game.teams.filter((t) => t.run.phase === 'live').length;
      const report = await runner.kill();
      figures[`game.${key}.n${n}.killSwitch`] = {
        median: Math.round(report.elapsedMs),
        unit: 'ms',
        runs: 1,
        note: `${n} team(s), ${live} live when pulled: ${report.reverted} fault step(s) reverted, ${report.removed} object(s) swept after teardown, ${report.leftover} left`,
      };
    }
    if (upMs !== null) figures[`game.${key}.n${n}.startToSandboxesUp`] = { median: Math.round(upMs), unit: 'ms', runs: 1, note: `${n} team(s): every team's containers running, cached images` };
    if (liveMs !== null) figures[`game.${key}.n${n}.startToAllLive`] = { median: Math.round(liveMs), unit: 'ms', runs: 1, note: `${n} team(s) started together, every team's steady state held and fault shown` };
    else figures[`game.${key}.n${n}.allLive`] = { median: 0, unit: 'teams-fit', runs: 1, note: `does not fit: ${failure}` };
    if (memory.length > 0) {
      figures[`game.${key}.n${n}.memoryPerTeam`] = {
        median: Math.round(memory.reduce((a, b) => a + b, 0) / memory.length / 1024 ** 2),
        max: Math.round(Math.max(...memory) / 1024 ** 2),
        unit: 'MiB',
        runs: memory.length,
        note: liveMs !== null ? 'containers of one team while live, usage less page cache' : 'containers of the teams still up when one failed, usage less page cache',
      };
    }
  }
  return figures;
}
