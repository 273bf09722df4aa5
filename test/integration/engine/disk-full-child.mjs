// Started by the disk-full test: brings the fixture run live and says so; on "go" (stdin, once the test
// has filled the data directory's disk) it applies the fix, so the next log write hits the full disk,
// then reports how the run ended and that this process is still alive.
import { createInterface } from 'node:readline';
import { createAppContext } from '../../../dist/main/app/context.js';

const { manager } = createAppContext();
const loaded = await manager.resolvePack(process.argv[2]);
const run = manager.start(loaded, { seed: 1 });
const say = (line) => process.stdout.write(`${line}\n`);

const waitFor = async (what, predicate, ms) => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (phase ${run.phase})`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

await waitFor('live', () => run.phase === 'live' || run.phase === 'failed', 300_000);
if (run.phase !== 'live') {
  say(`FAILED ${run.error}`);
  process.exit(1);
}
say(`LIVE ${run.id} ${run.dir}`);
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  await run.sandbox.exec('api', ['sh', '-c', 'echo off > /srv/state/maintenance']).catch(() => undefined);
  await waitFor('the run to end', () => run.phase === 'ended', 180_000);
  say(`ENDED ${JSON.stringify({ phase: run.phase, error: run.error })}`);
  await new Promise((r) => setTimeout(r, 1_000));
  say('ALIVE');
  process.exit(0);
}
