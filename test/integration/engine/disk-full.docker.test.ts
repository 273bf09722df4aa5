/**
 * The data directory's disk fills up mid-incident (issue 11, item 9). The test mounts a small tmpfs
 * of its own as FIREDRILL_HOME, brings the fixture run live in a child process, fills the disk, and
 * applies the fix so the run must log: the run fails with a clear error, its sandbox is torn down,
 * the process lives on (an unhandled rejection would have ended it), and the log still parses.
 * Needs root for `mount` (CI and the dev machines run as root).
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

/** Appends `chunk` to a file until the disk says ENOSPC; returns the bytes written. */
function writeUntilFull(file: string, chunk: Buffer): number {
  const fd = openSync(file, 'a');
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
  return written;
}

/**
 * Fills the disk: a filler file takes every free page, then blank lines (which readers skip) take the
 * room left in the event log's last page, so the run's very next line cannot be written.
 */
function fill(dir: string, log: string): number {
  return writeUntilFull(join(dir, 'filler'), Buffer.alloc(16 * 1024, 120)) + writeUntilFull(log, Buffer.from('\n'));
}

describeDocker('a full disk under the data directory', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'fd-diskfull-'));
  let mounted = false;
  let child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  let runId: string | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (runId) await runCli(['clean', '--run', runId, '--json'], { FIREDRILL_HOME: mountPoint });
    if (mounted) execFileSync('umount', [mountPoint]);
    rmdirSync(mountPoint);
  }, 120_000);

  it('fails the run with a clear error, tears the sandbox down, and the process lives on', async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint]);
    mounted = true;
    child = spawn(process.execPath, [join(ROOT, 'test/integration/engine/disk-full-child.mjs'), 'test/fixtures/scenarios/fixture'], {
      cwd: ROOT,
      env: { ...process.env, FIREDRILL_HOME: mountPoint },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitLine = async (prefix: string, ms: number): Promise<string> => {
      const end = Date.now() + ms;
      for (;;) {
        const line = out.split('\n').find((l) => l.startsWith(prefix));
        if (line) return line;
        if (child!.exitCode !== null || Date.now() > end) throw new Error(`no ${prefix} line (exit ${child!.exitCode}): ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const live = await waitLine('LIVE ', 300_000);
    const [, id, dir] = live.split(' ');
    runId = id;
    const docker = createDockerClient();
    const filters = JSON.stringify({ label: [`firedrill.run=${runId}`] });
    expect((await docker.listContainers({ all: true, filters })).length).toBeGreaterThan(0);

    expect(fill(mountPoint, join(dir!, 'events.jsonl'))).toBeGreaterThan(0);
    child.stdin.write('go\n');

    const ended = JSON.parse((await waitLine('ENDED ', 240_000)).slice('ENDED '.length)) as { phase: string; error: string };
    expect(ended.phase).toBe('ended');
    expect(ended.error).toContain(`cannot write the session log ${join(dir!, 'events.jsonl')}: no space left on the disk`);
    await waitLine('ALIVE', 10_000);
    expect(await exited).toBe(0);

    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);

    const { events, damaged } = readEvents(join(dir!, 'events.jsonl'));
    expect(damaged.length).toBeLessThanOrEqual(1);
    expect(events[0]!.type).toBe('run.created');
    expect(events.some((e) => e.type === 'phase.changed' && e.to === 'live')).toBe(true);
  }, 600_000);
});
