/**
 * Engine figures on the real Docker engine: time from `start` to `live` with cached images, and
 * teardown time, for the fixture (two containers) and, when asked, for slow-query and tgw-routes (their real services).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../main/app/context.js';
import { imageSpecs } from '../main/engine/run/spec.js';
import { packageRoot } from '../main/platform/package-root.js';
import { summarize, type Figure } from './stats.js';

async function measure(pack: string, runs: number): Promise<{ up: number[]; live: number[]; teardown: number[]; containers: number }> {
  const home = mkdtempSync(join(tmpdir(), 'fd-bench-'));
  const { manager } = createAppContext({ env: { ...process.env, FIREDRILL_HOME: home } });
  const loaded = await manager.resolvePack(pack);
  const runtime = manager.runtimeFor(loaded)!;
  // Cached images are the case we measure: build once, outside the timing.
  await runtime.buildImages(imageSpecs(loaded.scenario, loaded.dir), () => undefined);
  const up: number[] = [];
  const live: number[] = [];
  const teardown: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = manager.create(loaded, { seed: i });
    const started = performance.now();
    // Sandbox up and steady state holding: the part the engine controls, before the scenario's own fault timing.
    const stop = run.onChange(() => {
      if (run.phase === 'injecting' && up.length === i) up.push(performance.now() - started);
    });
    await run.startLive();
    stop();
    live.push(performance.now() - started);
    const down = performance.now();
    await run.teardown();
    teardown.push(performance.now() - down);
  }
  return { up, live, teardown, containers: Object.keys(loaded.scenario.environment.services).length };
}

export async function benchEngine(options: { slowQuery: boolean; tgwRoutes: boolean }): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const fixture = await measure(join(packageRoot(), 'test/fixtures/scenarios/fixture'), 5);
  figures['engine.fixture.startToLive'] = summarize(fixture.live, 'ms', `${fixture.containers} containers, cached images`);
  figures['engine.fixture.startToBaseline'] = summarize(fixture.up, 'ms', 'sandbox up and steady state holding');
  figures['engine.fixture.teardown'] = summarize(fixture.teardown, 'ms');
  if (options.slowQuery) {
    const slow = await measure(join(packageRoot(), 'scenarios/slow-query'), 2);
    figures['engine.slowQuery.startToLive'] = summarize(slow.live, 'ms', `${slow.containers} containers, cached images; includes the scenario's own wait before its fault`);
    figures['engine.slowQuery.startToBaseline'] = summarize(slow.up, 'ms', 'sandbox up and steady state holding, before the fault at 20s');
    figures['engine.slowQuery.teardown'] = summarize(slow.teardown, 'ms');
  }
  if (options.tgwRoutes) {
    const tgw = await measure(join(packageRoot(), 'scenarios/tgw-routes'), 3);
    figures['engine.tgwRoutes.startToBaseline'] = summarize(tgw.up, 'ms', `${tgw.containers} containers on 4 networks, cached images; steady state is the connectivity matrix`);
    figures['engine.tgwRoutes.startToLive'] = summarize(tgw.live, 'ms', "includes the scenario's own wait before its fault at 20s");
    figures['engine.tgwRoutes.teardown'] = summarize(tgw.teardown, 'ms');
  }
  return figures;
}
