/**
 * Run under a pty by play.test.ts: `firedrill play` with a fake engine whose shell is a real bastion
 * container. Env: FIXTURE_SHELL (JSON ShellCommand), FIXTURE_DIR (session folder and marker files),
 * FIXTURE_NEVER_READY=1 (the sandbox never comes up: for Ctrl-C before live).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPlay } from '../../../main/cli/commands/play.js';
import { EventLog } from '../../../main/engine/events/event-log.js';
import type { PlayableRun } from '../../../main/terminal/playable.js';

const dir = process.env.FIXTURE_DIR!;
const shell = JSON.parse(process.env.FIXTURE_SHELL ?? '{}') as PlayableRun extends { shell(): infer S } ? S : never;

const code = await runPlay(
  { scenarioDir: '/scenarios/slow-orders', variant: 'a', seed: 7 },
  {
    startRun: async (scenarioDir, options) => {
      writeFileSync(join(dir, 'started.json'), JSON.stringify({ scenarioDir, options }));
      const run: PlayableRun = {
        id: 'play-test',
        title: 'Slow orders',
        briefing: '# Slow orders\n\nCheckout is **slow** since the deploy.\n\n- look at `orders`\n- find the cause',
        sessionDir: dir,
        events: new EventLog(join(dir, 'events.jsonl')),
        ready: async (onProgress) => {
          for (let i = 1; i <= 3; i += 1) {
            onProgress({ current: i, max: 3, description: `step ${i}` });
            await new Promise((r) => setTimeout(r, 50));
          }
          if (process.env.FIXTURE_NEVER_READY === '1') {
            writeFileSync(join(dir, 'waiting'), '');
            // A real engine has sockets and timers open; keep the loop alive the same way.
            await new Promise(() => setInterval(() => undefined, 1000));
          }
        },
        shell: () => shell,
        lab: {
          status: async () => 'STATUS-TEXT',
          hint: async () => 'HINT-FROM-PLAY: check the index',
          check: async () => 'CHECK-TEXT',
          submit: async () => 'SUBMIT-TEXT',
        },
        summary: async () => 'SUMMARY-TEXT: resolved in 3 minutes',
        teardown: async () => {
          writeFileSync(join(dir, 'teardown'), String(Date.now()));
        },
      };
      return run;
    },
  },
);
writeFileSync(join(dir, 'exit-code'), String(code));
process.exit(code);
