/**
 * Default limits on the real engine: a service that asks for nothing still runs with 512 MiB (no
 * extra swap), 1 CPU and 512 pids. A fork bomb in the bastion stops at its pids limit while a
 * neighbour container and the host keep working; a memory hog is OOM-killed inside the bastion,
 * which stays up. Everything is bounded (the bomb ends itself after 12 s) and removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { DockerRuntime } from '../../../sandbox/docker/docker-runtime.js';
import { LABELS, RESOURCE_LIMITS, type Sandbox, type ServiceSpec } from '../../../sandbox/runtime.js';

const runId = `it-limits-${process.pid}-${Date.now().toString(36)}`;
let runtime: DockerRuntime;
let sandbox: Sandbox | undefined;

function service(name: string): ServiceSpec {
  return {
    name,
    image: 'debian:bookworm',
    command: ['sleep', 'infinity'],
    env: {},
    networks: [{ name: 'net', aliases: [] }],
    capabilities: [],
    sysctls: {},
    files: [],
    publish: [],
    dependsOn: [],
    tty: name === 'bastion',
  };
}

async function pidsNow(): Promise<number> {
  const stats = (await runtime.docker.getContainer(`fd-${runId}-bastion`).stats({ stream: false })) as { pids_stats?: { current?: number } };
  return stats.pids_stats?.current ?? 0;
}

// Every branch forks two more until the deadline, then exits; the tree collapses by itself.
const FORK_BOMB = 'end=$((SECONDS + 12)); f() { [ "$SECONDS" -lt "$end" ] || exit 0; f & f & wait; }; f 2>/dev/null; echo bomb-over';

describeDocker('resource limits on every container (real Docker)', () => {
  beforeAll(async () => {
    runtime = new DockerRuntime({ healthTimeoutMs: 60_000 });
    sandbox = await runtime.up(
      { runId, scenario: 'it-limits', images: [], networks: [{ name: 'net', egress: false }], services: [service('bastion'), service('neighbour')] },
      () => {},
    );
  }, 120_000);

  afterAll(async () => {
    await sandbox?.teardown();
    await runtime?.cleanup({ runId });
    const left = await runtime.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.run}=${runId}`] }) });
    expect(left).toEqual([]);
  }, 120_000);

  it('applies the default memory, swap, CPU and pids limits to a service that set none', async () => {
    const info = await runtime.docker.getContainer(`fd-${runId}-bastion`).inspect();
    const d = RESOURCE_LIMITS.defaults;
    expect(info.HostConfig).toMatchObject({ Memory: d.memoryBytes, MemorySwap: d.memoryBytes, NanoCpus: d.cpus * 1e9, PidsLimit: d.pids });
    // cgroup v2 names first, v1 second: the container sees its own limits either way.
    const inside = await sandbox!.exec('bastion', [
      'sh',
      '-c',
      'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes',
    ]);
    expect(inside.stdout.trim().split('\n')).toEqual([String(d.pids), String(d.memoryBytes)]);
  });

  it('stops a fork bomb at the pids limit; the neighbour, the host and then the bastion keep working', async () => {
    const bomb = sandbox!.exec('bastion', ['bash', '-c', FORK_BOMB], { user: '4242', timeoutMs: 120_000 }).catch((error: unknown) => error);
    let most = 0;
    let neighbourOk = 0;
    let hostOk = 0;
    for (let i = 0; i < 6; i++) {
      await sleep(1_000);
      most = Math.max(most, await pidsNow());
      if ((await sandbox!.exec('neighbour', ['echo', 'ok'], { timeoutMs: 20_000 })).stdout.trim() === 'ok') neighbourOk += 1;
      if (spawnSync('true').status === 0) hostOk += 1;
    }
    console.log(`fork bomb: at most ${most} pids in the bastion (limit ${RESOURCE_LIMITS.defaults.pids})`);
    // The bomb really pressed on the limit, and never went past it.
    expect(most).toBeGreaterThan(RESOURCE_LIMITS.defaults.pids * 0.8);
    expect(most).toBeLessThanOrEqual(RESOURCE_LIMITS.defaults.pids);
    expect(neighbourOk).toBe(6);
    expect(hostOk).toBe(6);

    await bomb;
    for (let i = 0; i < 60 && (await pidsNow()) > 10; i++) await sleep(1_000);
    const after = await sandbox!.exec('bastion', ['echo', 'alive'], { timeoutMs: 20_000 });
    expect(after.stdout.trim()).toBe('alive');
  }, 180_000);

  it('OOM-kills a memory hog inside the bastion; the bastion stays up', async () => {
    // `tail` keeps the one endless line of /dev/zero in memory until the cgroup's limit kills it.
    const hog = await sandbox!.exec('bastion', ['bash', '-c', 'head -c 3000m /dev/zero | tail >/dev/null; echo "${PIPESTATUS[1]}"; grep -h "^oom_kill " /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null'], {
      timeoutMs: 120_000,
    });
    const [status, oom] = hog.stdout.trim().split('\n');
    expect(status).toBe('137');
    expect(Number(oom?.split(' ')[1])).toBeGreaterThanOrEqual(1);
    const info = await runtime.docker.getContainer(`fd-${runId}-bastion`).inspect();
    expect(info.State.Running).toBe(true);
    expect((await sandbox!.exec('bastion', ['echo', 'alive'])).stdout.trim()).toBe('alive');
  }, 180_000);
});
