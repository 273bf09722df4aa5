/**
 * Fault reverts on real Docker (issue 11, item 5): a copy of the fixture pack whose two fault steps each
 * have a revert that leaves a mark in the container. The run goes live on a real sandbox; giving up runs the
 * reverts last first, before the sandbox is removed: the container's own journal shows the order, the
 * maintenance flag is back to `off`, the API answers 200 again, and the log has the `reverted` events.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createAppContext } from '../../../main/app/context.js';
import type { Run } from '../../../main/engine/run/run.js';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { ROOT } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

const FAULTS = `faults:
  - id: maintenance-on
    description: Switch the API into maintenance mode.
    at: 0s
    action:
      exec:
        service: api
        command: mkdir -p /srv/state && echo on > /srv/state/maintenance && echo apply-maintenance >> /srv/state/journal
    revert:
      exec:
        service: api
        command: echo off > /srv/state/maintenance && echo revert-maintenance >> /srv/state/journal
  - id: banner
    after: maintenance-on
    action:
      exec:
        service: api
        command: echo 'down for maintenance' > /srv/state/banner && echo apply-banner >> /srv/state/journal
    revert:
      exec:
        service: api
        command: rm -f /srv/state/banner && echo revert-banner >> /srv/state/journal
checks:`;

describeDocker('fault reverts on a real sandbox', () => {
  let run: Run | undefined;
  afterAll(async () => {
    await run?.teardown().catch(() => undefined);
  });

  it('giving up reverts the applied steps last first, restores the state, and logs them as reverted', async () => {
    const pack = join(mkdtempSync(join(tmpdir(), 'fd-revert-pack-')), 'fixture');
    cpSync(join(ROOT, 'test/fixtures/scenarios/fixture'), pack, { recursive: true });
    const file = join(pack, 'scenario.yaml');
    const yaml = readFileSync(file, 'utf8');
    const start = yaml.indexOf('faults:');
    const end = yaml.indexOf('checks:', start);
    writeFileSync(file, yaml.slice(0, start) + FAULTS + yaml.slice(end + 'checks:'.length));

    const home = mkdtempSync(join(tmpdir(), 'fd-revert-home-'));
    const { manager } = createAppContext({ env: { ...process.env, FIREDRILL_HOME: home } });
    run = manager.create(await manager.load(pack), { seed: 1 });
    await run.startLive();
    const sandbox = run.sandbox!;
    const read = async (path: string) => (await sandbox.exec('api', ['sh', '-c', `cat ${path} 2>/dev/null || echo '<none>'`])).stdout.trim();
    expect(await read('/srv/state/maintenance')).toBe('on');
    expect(await read('/srv/state/banner')).toBe('down for maintenance');

    // Read the real container's state at the last moment before the sandbox is removed.
    let before: { journal: string; flag: string; banner: string; health: string } | null = null;
    const removeSandbox = sandbox.teardown.bind(sandbox);
    sandbox.teardown = async (progress) => {
      before = {
        journal: await read('/srv/state/journal'),
        flag: await read('/srv/state/maintenance'),
        banner: await read('/srv/state/banner'),
        health: (await sandbox.exec('api', ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:8080/health'])).stdout.trim(),
      };
      return removeSandbox(progress);
    };
    await run.abandon();

    expect(before).toEqual({
      journal: ['apply-maintenance', 'apply-banner', 'revert-banner', 'revert-maintenance'].join('\n'),
      flag: 'off',
      banner: '<none>',
      health: '200',
    });
    const steps = run.readEvents().flatMap((e) => (e.type === 'fault.step' ? [`${e.stepId} ${e.status}`] : []));
    expect(steps).toEqual(['maintenance-on applied', 'banner applied', 'banner reverted', 'maintenance-on reverted']);
    const docker = createDockerClient();
    expect(await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`firedrill.run=${run.id}`] }) })).toEqual([]);
  }, 240_000);
});
