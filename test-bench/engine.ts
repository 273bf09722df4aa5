/**
 * Engine figures on the real Docker engine: time from `start` to `live` with cached images, and
 * teardown time, for the fixture (two containers) and for every shipped scenario in SCENARIO_BENCHES (their
 * real services; some are measured to their baseline only, where the fault's own timing would dominate).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../main/app/context.js';
import { imageSpecs } from '../main/engine/run/spec.js';
import { packageRoot } from '../main/platform/package-root.js';
import { summarize, type Figure } from './stats.js';

export async function measure(
  pack: string,
  runs: number,
  options: { untilBaseline?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<{ up: number[]; live: number[]; teardown: number[]; containers: number }> {
  const home = mkdtempSync(join(tmpdir(), 'fd-bench-'));
  const { manager } = createAppContext({ env: { ...process.env, ...options.env, FIREDRILL_HOME: home } });
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
    try {
      if (options.untilBaseline) {
        await run.prepare();
        await run.baseline();
        up.push(performance.now() - started);
      } else {
        await run.startLive();
        live.push(performance.now() - started);
      }
    } catch (error) {
      await run.teardown(); // a failed run must not leave its containers behind
      throw error;
    } finally {
      stop();
    }
    const down = performance.now();
    await run.teardown();
    teardown.push(performance.now() - down);
  }
  return { up, live, teardown, containers: Object.keys(loaded.scenario.environment.services).length };
}

/** The shipped scenarios the bench measures, each skippable with `--no-<pack>`. */
export const SCENARIO_BENCHES: {
  pack: string;
  key: string;
  runs: number;
  untilBaseline: boolean;
  note: string;
}[] = [
  { pack: 'slow-query', key: 'slowQuery', runs: 2, untilBaseline: false, note: 'before the fault at 20s' },
  {
    pack: 'config-drift',
    key: 'configDrift',
    runs: 2,
    untilBaseline: true,
    note: 'its fault then waits 20 s and runs Ansible (target 15 s)',
  },
  {
    pack: 'tgw-routes',
    key: 'tgwRoutes',
    runs: 3,
    untilBaseline: false,
    note: 'steady state is the connectivity matrix (target 15 s)',
  },
  {
    pack: 'alert-storm',
    key: 'alertStorm',
    runs: 2,
    untilBaseline: true,
    note: 'the widest sandbox (target 15 s)',
  },
];

export async function benchEngine(options: { skip: string[] }): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const fixture = await measure(join(packageRoot(), 'test/fixtures/scenarios/fixture'), 5);
  figures['engine.fixture.startToLive'] = summarize(
    fixture.live,
    'ms',
    `${fixture.containers} containers, cached images`,
  );
  figures['engine.fixture.startToBaseline'] = summarize(
    fixture.up,
    'ms',
    'sandbox up and steady state holding',
  );
  figures['engine.fixture.teardown'] = summarize(fixture.teardown, 'ms');
  for (const bench of SCENARIO_BENCHES.filter((b) => !options.skip.includes(b.pack))) {
    const result = await measure(join(packageRoot(), 'scenarios', bench.pack), bench.runs, {
      untilBaseline: bench.untilBaseline,
    });
    const name = `engine.${bench.key}`;
    figures[`${name}.startToBaseline`] = summarize(
      result.up,
      'ms',
      `${result.containers} containers, cached images; sandbox up and steady state holding; ${bench.note}`,
    );
    if (!bench.untilBaseline)
      figures[`${name}.startToLive`] = summarize(
        result.live,
        'ms',
        "includes the scenario's own wait before its fault",
      );
    figures[`${name}.teardown`] = summarize(result.teardown, 'ms');
  }
  return figures;
}
