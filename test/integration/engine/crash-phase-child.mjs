// Started by the crash-matrix test: drives one run of a pack and freezes the whole process the moment
// the run reaches the phase named on the command line, after saying so on stdout; the test then
// kills it with SIGKILL. Freezing (Atomics.wait in the change listener) holds the run exactly there.
import { createAppContext } from '../../../dist/main/app/context.js';
import { imageSpecs } from '../../../dist/main/engine/run/spec.js';

const [pack, target] = process.argv.slice(2);
const { manager } = createAppContext();
const loaded = await manager.resolvePack(pack);
const say = (line) => process.stdout.write(`${line}\n`);
say(`TAGS ${imageSpecs(loaded.scenario, loaded.dir).map((i) => i.tag).join(',')}`);

const run = manager.create(loaded, { seed: 1 });
const reached = {
  building: () => run.phase === 'preparing' && /^Building|Step \d+\/\d+/.test(run.progress?.description ?? ''),
  starting: () => run.phase === 'preparing' && /: started$/.test(run.progress?.description ?? ''),
  baseline: () => run.phase === 'baseline',
  injecting: () => run.phase === 'injecting',
  live: () => run.phase === 'live',
  resolving: () => run.phase === 'live' && run.readEvents().some((e) => e.type === 'resolution.holding'),
  teardown: () => run.phase === 'teardown',
}[target];
if (!reached) throw new Error(`unknown phase ${target}`);

run.onChange(() => {
  if (!reached()) return;
  say(`AT ${target} ${run.id} ${run.dir}`);
  // Hold everything here until the SIGKILL comes (2 minutes at most).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  process.exit(3);
});

await run.startLive();
// Past live: fix the incident (resolving), then end the run (teardown).
await run.sandbox.exec('api', ['sh', '-c', 'echo off > /srv/state/maintenance']);
const end = Date.now() + 120_000;
while (run.phase !== 'resolved' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
await run.teardown();
say(`NOT REACHED ${target} (phase ${run.phase})`);
process.exit(4);
