/**
 * `firedrill images seed`: make `debian:bookworm` exist without any registry. debootstrap builds
 * a minimal root filesystem from a Debian mirror, we tar it and `docker import` it. Scenario
 * Dockerfiles then build `FROM debian:bookworm` offline, the same here and on a laptop.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ProgressListener } from '../../shared/progress.js';

export const BASE_IMAGE = 'debian:bookworm';
export const FIREDRILL_BASE_IMAGE = 'firedrill/base:bookworm';
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

export class SeedError extends Error {
  override name = 'SeedError';
}

/** A running child process: its output lines, and its exit code. */
export interface SpawnedProcess {
  stdout: Readable;
  stderr: Readable;
  exit: Promise<number>;
}

export interface SeedDeps {
  docker: Pick<Docker, 'getImage' | 'importImage'>;
  /** Start a process (real: child_process.spawn). Rejects/throws ENOENT when the binary is missing. */
  spawn(file: string, args: string[]): SpawnedProcess;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Effective uid (undefined on Windows). */
  uid: number | undefined;
  makeTempDir(): Promise<string>;
  removeDir(path: string): Promise<void>;
}

export interface SeedOptions {
  docker: Docker;
  onProgress?: ProgressListener;
  /** Rebuild even when the image exists. */
  force?: boolean;
  /** Tags to give the imported image (default debian:bookworm and firedrill/base:bookworm). */
  tags?: string[];
  /** Injected for tests. */
  deps?: Partial<Omit<SeedDeps, 'docker'>>;
}

export interface SeedResult {
  /** false when the image already existed and nothing was done. */
  seeded: boolean;
  tags: string[];
  durationMs: number;
}

export function spawnProcess(file: string, args: string[]): SpawnedProcess {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  return { stdout: child.stdout, stderr: child.stderr, exit };
}

/**
 * debootstrap prints "I: Retrieving libc6 2.36", "I: Validating ...", "I: Extracting ...",
 * "I: Installing core packages...", "I: Configuring ...". We map the phase to a rough position
 * (the package count is unknown up front) and pass the line on as the description.
 */
const PHASES: [RegExp, number][] = [
  [/^I: Retrieving Release/, 2],
  [/^I: Validating Packages|^I: Resolving dependencies/, 5],
  [/^I: Checking component/, 8],
  [/^I: Retrieving /, 10],
  [/^I: Validating /, 40],
  [/^I: Extracting /, 55],
  [/^I: Installing /, 65],
  [/^I: Unpacking /, 70],
  [/^I: Configuring /, 80],
  [/^I: Base system installed successfully/, 90],
];

export function debootstrapProgress(line: string, previous: number): number | undefined {
  for (const [pattern, position] of PHASES) {
    // Never go backwards: "Retrieving" also appears for each package.
    if (pattern.test(line)) return Math.max(previous, position);
  }
  return undefined;
}

async function imagePresent(docker: SeedDeps['docker'], tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

function lines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    rest += chunk.toString('utf8');
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part.trimEnd());
  });
  stream.on('end', () => rest && onLine(rest));
}

/** Run a process to completion; keep its last lines for the error message. */
async function run(
  deps: SeedDeps,
  file: string,
  args: string[],
  onLine: (line: string) => void,
  missing: string,
): Promise<void> {
  const tail: string[] = [];
  let child: SpawnedProcess;
  try {
    child = deps.spawn(file, args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SeedError(missing);
    throw error;
  }
  const collect = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    onLine(line);
  };
  lines(child.stdout, collect);
  lines(child.stderr, collect);
  let code: number;
  try {
    code = await child.exit;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SeedError(missing);
    throw error;
  }
  if (code !== 0) throw new SeedError(`${file} failed with exit code ${code}:\n${tail.join('\n')}`);
}

/** Import a directory as an image: `tar -C dir -c .` piped into the engine's import. */
async function importRootfs(deps: SeedDeps, rootfs: string, firstTag: string): Promise<void> {
  const [repo, tag] = splitTag(firstTag);
  // GNU tar keeps owners, modes, device nodes and hard links exactly (numeric ids: the rootfs's own).
  const tar = deps.spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.']);
  const tarErrors: string[] = [];
  tar.stderr.on('data', (chunk: Buffer) => tarErrors.push(chunk.toString()));
  // `changes`: a default command, like Debian's own image (`docker run -it debian:bookworm` gives bash).
  const stream = await deps.docker.importImage(tar.stdout as unknown as NodeJS.ReadableStream, {
    repo,
    tag,
    changes: 'CMD ["bash"]',
  } as object);
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
  const code = await tar.exit;
  if (code !== 0) throw new SeedError(`tar of the root filesystem failed (${code}): ${tarErrors.join('').trim()}`);
  const error = /"error"\s*:\s*"([^"]*)"/.exec(output);
  if (error) throw new SeedError(`docker import failed: ${error[1]}`);
}

async function removeDebs(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.endsWith('.deb')).map((n) => rm(join(dir, n), { force: true })));
}

function splitTag(reference: string): [string, string] {
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) return [reference, 'latest'];
  return [reference.slice(0, colon), reference.slice(colon + 1)];
}

export async function seedBaseImage(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const deps: SeedDeps = {
    docker: options.docker,
    spawn: spawnProcess,
    env: process.env,
    platform: process.platform,
    uid: process.getuid?.(),
    makeTempDir: () => mkdtemp(join(tmpdir(), 'firedrill-seed-')),
    removeDir: (path) => rm(path, { recursive: true, force: true }),
    ...options.deps,
  };
  const tags = options.tags ?? [BASE_IMAGE, FIREDRILL_BASE_IMAGE];
  const first = tags[0];
  if (!first) throw new SeedError('seedBaseImage needs at least one tag');
  const progress = (current: number, description: string) => options.onProgress?.({ current, max: 100, description });

  if (!options.force && (await imagePresent(deps.docker, first))) {
    // Make sure the alias exists too (cheap), then report nothing to do.
    await tagAll(deps, first, tags.slice(1));
    progress(100, `${first} already present`);
    return { seeded: false, tags, durationMs: Date.now() - started };
  }
  if (deps.platform !== 'linux') {
    throw new SeedError(
      `seeding ${first} needs Linux with debootstrap; on ${deps.platform}, load a debian:bookworm image into Docker instead (e.g. \`docker pull debian:bookworm\` where a registry is reachable)`,
    );
  }
  if (deps.uid !== 0) {
    throw new SeedError('debootstrap must run as root: run `sudo firedrill images seed`');
  }

  const mirror = deps.env.FIREDRILL_DEBIAN_MIRROR || DEFAULT_MIRROR;
  const workDir = await deps.makeTempDir();
  const rootfs = join(workDir, 'rootfs');
  try {
    progress(1, `debootstrap bookworm from ${mirror}`);
    let position = 1;
    await run(
      deps,
      'debootstrap',
      ['--variant=minbase', 'bookworm', rootfs, mirror],
      (line) => {
        const next = debootstrapProgress(line, position);
        if (next !== undefined) {
          position = next;
          progress(position, line.replace(/^I: /, ''));
        }
      },
      'debootstrap is not installed: install debootstrap (`sudo apt-get install debootstrap`)',
    );
    // The downloaded .debs stay in the rootfs after debootstrap: not needed in the image.
    await removeDebs(join(rootfs, 'var', 'cache', 'apt', 'archives'));
    progress(92, `importing the root filesystem as ${first}`);
    await importRootfs(deps, rootfs, first);
    await tagAll(deps, first, tags.slice(1));
    progress(100, `seeded ${tags.join(', ')}`);
    return { seeded: true, tags, durationMs: Date.now() - started };
  } finally {
    await deps.removeDir(workDir);
  }
}

async function tagAll(deps: SeedDeps, source: string, targets: string[]): Promise<void> {
  for (const target of targets) {
    const [repo, tag] = splitTag(target);
    await deps.docker.getImage(source).tag({ repo, tag });
  }
}
