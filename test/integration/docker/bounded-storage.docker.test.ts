/**
 * Bounded storage on the real engine (issue 20): the bounded-storage fixture pack, loaded and turned into a
 * sandbox the way a run does it. Its worker's 16 MiB tmpfs shows 16 MiB in `df` and refuses the 17th MiB with
 * ENOSPC; an 8 MiB sized volume is shared (read-write in one service, read-only in another) and capped too; a
 * restart empties the tmpfs but keeps the volume; teardown leaves no container, network or volume of the run.
 * Then `firedrill test --all-resolutions` proves both ways out of the full spool.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sandboxSpec } from '../../../main/engine/run/spec.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { DockerRuntime } from '../../../sandbox/docker/docker-runtime.js';
import { LABELS, type Sandbox } from '../../../sandbox/runtime.js';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

const PACK = 'test/fixtures/scenarios/bounded-storage';
const MiB = 1024 * 1024;
const runId = `it-storage-${process.pid}-${Date.now().toString(36)}`;
let runtime: DockerRuntime;
let sandbox: Sandbox | undefined;

async function sh(service: string, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return sandbox!.exec(service, ['sh', '-c', script], { timeoutMs: 30_000 });
}

async function leftovers(): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${LABELS.run}=${runId}`] });
  const [containers, networks, volumes] = await Promise.all([
    runtime.docker.listContainers({ all: true, filters }),
    runtime.docker.listNetworks({ filters }),
    runtime.docker.listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

describeDocker('bounded storage: tmpfs and sized volumes on real Docker', () => {
  beforeAll(async () => {
    runtime = new DockerRuntime({ healthTimeoutMs: 60_000 });
    const loaded = await loadScenario(PACK);
    sandbox = await runtime.up(sandboxSpec({ runId, scenario: loaded.scenario, packDir: loaded.dir, images: [], bastionFiles: [] }), () => {});
  }, 180_000);

  afterAll(async () => {
    await sandbox?.teardown();
  }, 120_000);

  it('df reports the 16 MiB tmpfs, and the 17th MiB fails with ENOSPC', async () => {
    const df = await sh('worker', 'df -B1 --output=fstype,size /var/spool/jobs | tail -1');
    expect(df.stdout.trim().split(/\s+/)).toEqual(['tmpfs', String(16 * MiB)]);
    // Append one MiB at a time and say which one failed, and why.
    const fill = await sh(
      'worker',
      'i=0; while [ $i -lt 20 ]; do i=$((i+1)); head -c 1048576 /dev/zero >> /var/spool/jobs/fill 2>/tmp/err || { echo "failed at $i: $(cat /tmp/err)"; break; }; done; stat -c %s /var/spool/jobs/fill',
    );
    const [failed, size] = fill.stdout.trim().split('\n');
    expect(failed).toMatch(/^failed at 17: .*No space left on device/);
    expect(Number(size)).toBe(16 * MiB);
    expect((await sh('worker', 'df --output=pcent /var/spool/jobs | tail -1')).stdout.trim()).toBe('100%');
    // The mount is what the pack asked for: mode 0755, noexec/nosuid/nodev like Docker's --tmpfs.
    expect((await sh('worker', 'stat -c %a /var/spool/jobs')).stdout.trim()).toBe('755');
    expect((await sh('worker', 'grep " /var/spool/jobs " /proc/mounts')).stdout).toMatch(/tmpfs \/var\/spool\/jobs tmpfs rw,nosuid,nodev,noexec/);
    await sh('worker', 'rm -f /var/spool/jobs/fill');
  });

  it('a sized volume is shared, capped at 8 MiB, and read-only where the pack says so', async () => {
    expect((await sh('worker', 'df -B1 --output=size /handoff | tail -1')).stdout.trim()).toBe(String(8 * MiB));
    expect((await sh('worker', 'echo report-1 > /handoff/report && head -c 16M /dev/zero > /handoff/big')).stderr).toMatch(/No space left on device/);
    expect((await sh('reporter', 'cat /handoff/report')).stdout.trim()).toBe('report-1');
    const write = await sh('reporter', 'echo nope > /handoff/other');
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
    await sh('worker', 'rm -f /handoff/big');
  });

  it('a restart empties the tmpfs and keeps the volume', async () => {
    await sh('worker', 'echo queued > /var/spool/jobs/job');
    await sandbox!.restart('worker');
    expect((await sh('worker', 'ls -A /var/spool/jobs')).stdout.trim()).toBe('');
    expect((await sh('worker', 'cat /handoff/report')).stdout.trim()).toBe('report-1');
  });

  it('teardown removes the containers, the network and the volume of the run', async () => {
    expect(await leftovers()).toEqual(expect.arrayContaining([`volume fd-${runId}-handoff`]));
    await sandbox!.teardown();
    sandbox = undefined;
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('firedrill test --all-resolutions proves removing the dump (100) and restarting the worker (40)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-storage-'));
    const result = await runCli(['test', PACK, '--all-resolutions', '--json'], { FIREDRILL_HOME: home }, 600_000);
    let report: { ok: boolean; results: { resolution: string; ok: boolean; phases: { name: string; ok: boolean; detail: string }[] }[]; unprovable: unknown[] };
    try {
      report = JSON.parse(result.stdout) as typeof report;
    } catch {
      throw new Error(`firedrill test printed no report (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    const summary = report.results.map((r) => `${r.resolution}: ${r.phases.map((p) => `${p.name}:${p.ok ? 'ok' : p.detail}`).join(' ')}`);
    const all = ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'].map((p) => `${p}:ok`).join(' ');
    expect(summary).toEqual([`dump-removed: ${all}`, `restarted: ${all}`]);
    expect(report.results[0]!.phases.find((p) => p.name === 'resolved')?.detail).toContain('"dump-removed" (100 points)');
    expect(report.results[1]!.phases.find((p) => p.name === 'resolved')?.detail).toContain('"restarted" (40 points)');
    expect(report.unprovable).toEqual([]);
    expect(result.code).toBe(0);
  }, 600_000);
});
