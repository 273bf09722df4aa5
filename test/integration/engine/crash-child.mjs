// Started by crash-cleanup test: brings a run to live, says so, then waits to be killed with SIGKILL.
import { createAppContext } from '../../../dist/main/app/context.js';

const { manager } = createAppContext();
const loaded = await manager.resolvePack(process.argv[2]);
const run = manager.start(loaded, { seed: 1 });
const timer = setInterval(() => {
  if (run.phase === 'live') {
    clearInterval(timer);
    process.stdout.write(`LIVE ${run.id} ${run.dir}\n`);
  } else if (run.phase === 'failed') {
    process.stdout.write(`FAILED ${run.error}\n`);
    process.exit(1);
  }
}, 100);
