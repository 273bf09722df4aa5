import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { debootstrapProgress, seedBaseImage, type SeedDeps, type SpawnedProcess } from '../../../sandbox/images/seed.js';
import type { Progress } from '../../../sandbox/runtime.js';

function proc(output: string[], code = 0): SpawnedProcess {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  setImmediate(() => {
    for (const line of output) stdout.write(`${line}\n`);
    stdout.end();
    stderr.end();
  });
  return { stdout, stderr, exit: new Promise((resolve) => setTimeout(() => resolve(code), 5)) };
}

function fakeDocker(present: string[]) {
  const tagged: string[] = [];
  const imported: unknown[] = [];
  const docker = {
    getImage: (name: string) => ({
      inspect: async () => (present.includes(name) ? {} : Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))),
      tag: async ({ repo, tag }: { repo: string; tag: string }) => {
        tagged.push(`${name} -> ${repo}:${tag}`);
      },
    }),
    importImage: async (_stream: unknown, opts: unknown) => {
      imported.push(opts);
      const out = new PassThrough();
      setImmediate(() => out.end('{"status":"sha256:abc"}'));
      return out;
    },
  } as unknown as Docker;
  return { docker, tagged, imported };
}

function deps(overrides: Partial<SeedDeps> = {}, calls: string[][] = [], removed: string[] = []): Partial<Omit<SeedDeps, 'docker'>> {
  return {
    spawn: (file, args) => {
      calls.push([file, ...args]);
      if (file === 'debootstrap') {
        return proc(['I: Retrieving InRelease', 'I: Retrieving Packages', 'I: Validating Packages', 'I: Retrieving libc6 2.36', 'I: Extracting base-files...', 'I: Installing core packages...', 'I: Configuring libc6...', 'I: Base system installed successfully.']);
      }
      return proc([]);
    },
    env: {},
    platform: 'linux',
    uid: 0,
    makeTempDir: async () => '/tmp/seed-x',
    removeDir: async (path) => {
      removed.push(path);
    },
    ...overrides,
  };
}

describe('seedBaseImage', () => {
  it('does nothing when debian:bookworm exists (but makes sure the firedrill alias exists)', async () => {
    const { docker, tagged, imported } = fakeDocker(['debian:bookworm']);
    const calls: string[][] = [];
    const result = await seedBaseImage({ docker, deps: deps({}, calls) });
    expect(result.seeded).toBe(false);
    expect(calls).toEqual([]);
    expect(imported).toEqual([]);
    expect(tagged).toEqual(['debian:bookworm -> firedrill/base:bookworm']);
  });

  it('runs debootstrap minbase with the mirror from the env, imports, tags, reports progress and cleans up', async () => {
    const { docker, tagged, imported } = fakeDocker([]);
    const calls: string[][] = [];
    const removed: string[] = [];
    const progress: Progress[] = [];
    const result = await seedBaseImage({
      docker,
      onProgress: (p) => progress.push(p),
      deps: deps({ env: { FIREDRILL_DEBIAN_MIRROR: 'http://mirror.local/debian' } }, calls, removed),
    });
    expect(result.seeded).toBe(true);
    expect(calls[0]).toEqual(['debootstrap', '--variant=minbase', 'bookworm', '/tmp/seed-x/rootfs', 'http://mirror.local/debian']);
    expect(calls[1]).toEqual(['tar', '--numeric-owner', '-C', '/tmp/seed-x/rootfs', '-c', '.']);
    expect(imported).toEqual([{ repo: 'debian', tag: 'bookworm', changes: 'CMD ["bash"]' }]);
    expect(tagged).toEqual(['debian:bookworm -> firedrill/base:bookworm']);
    expect(removed).toContain('/tmp/seed-x');
    const currents = progress.map((p) => p.current);
    expect(currents).toEqual([...currents].sort((a, b) => a - b));
    expect(progress.map((p) => p.description)).toContain('Extracting base-files...');
    expect(progress.at(-1)).toMatchObject({ current: 100, max: 100 });
  });

  it('uses the default mirror and rebuilds with force', async () => {
    const { docker } = fakeDocker(['debian:bookworm']);
    const calls: string[][] = [];
    await seedBaseImage({ docker, force: true, deps: deps({}, calls) });
    expect(calls[0]?.at(-1)).toBe('http://deb.debian.org/debian');
  });

  it('explains a missing debootstrap', async () => {
    const { docker } = fakeDocker([]);
    const missing = deps({
      spawn: () => {
        throw Object.assign(new Error('spawn debootstrap ENOENT'), { code: 'ENOENT' });
      },
    });
    await expect(seedBaseImage({ docker, deps: missing })).rejects.toThrow('install debootstrap (`sudo apt-get install debootstrap`)');
  });

  it('explains that root is needed, and that other platforms need another way', async () => {
    const { docker } = fakeDocker([]);
    await expect(seedBaseImage({ docker, deps: deps({ uid: 1000 }) })).rejects.toThrow('sudo firedrill images seed');
    await expect(seedBaseImage({ docker, deps: deps({ platform: 'darwin' }) })).rejects.toThrow(/needs Linux with debootstrap/);
  });

  it('fails with debootstrap\'s last lines and still removes the temp dir', async () => {
    const { docker } = fakeDocker([]);
    const removed: string[] = [];
    const failing = deps({ spawn: () => proc(['E: Failed getting release file http://x/dists/bookworm/Release'], 1) }, [], removed);
    await expect(seedBaseImage({ docker, deps: failing })).rejects.toThrow(/debootstrap failed with exit code 1:\nE: Failed getting release file/);
    expect(removed).toEqual(['/tmp/seed-x']);
  });
});

describe('debootstrapProgress', () => {
  it('maps phases to positions and never goes backwards', () => {
    expect(debootstrapProgress('I: Retrieving libc6 2.36', 0)).toBe(10);
    expect(debootstrapProgress('I: Retrieving libc6 2.36', 55)).toBe(55);
    expect(debootstrapProgress('I: Configuring apt...', 10)).toBe(80);
    expect(debootstrapProgress('random noise', 10)).toBeUndefined();
  });
});
