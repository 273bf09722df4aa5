/**
 * Tar archives in memory: files copied into containers (no host mounts, ever) and build contexts.
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import { pack as packDir } from 'tar-fs';
import { pack } from 'tar-stream';

export interface TarEntry {
  /** Absolute path in the container, e.g. `/etc/app/config.yaml`. */
  path: string;
  content: Buffer | string;
  mode: number;
}

/** Normalise a container path to an archive name relative to `/` (no `..` escapes). */
export function archiveName(path: string): string {
  if (!path.startsWith('/')) throw new Error(`container path "${path}" must be absolute`);
  const normal = posix.normalize(path).replace(/^\/+/, '');
  if (!normal || normal.endsWith('/')) throw new Error(`container path "${path}" must name a file`);
  return normal;
}

/**
 * Build a tar to extract at `/`. Files are root-owned with the given mode. We add no directory
 * entries on purpose: they would overwrite the mode of existing directories (think /tmp's 1777);
 * the engine creates missing parents itself (0755, root).
 */
export async function tarFiles(entries: TarEntry[], mtime = new Date()): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
    await new Promise<void>((resolve, reject) =>
      archive.entry(
        { name: archiveName(entry.path), mode: entry.mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime, type: 'file', size: content.length },
        content,
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * A build context as a tar stream, honouring `.dockerignore` like the CLI does (the Dockerfile
 * and .dockerignore are always sent, even if ignored).
 */
export async function tarContext(contextDir: string, dockerfile: string): Promise<Readable> {
  let patterns: string[] = [];
  try {
    patterns = (await readFile(join(contextDir, '.dockerignore'), 'utf8'))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
  } catch {
    // no .dockerignore: send everything
  }
  // A CommonJS package typed as an ES default export: under NodeNext the factory sits on `.default`
  // (the package sets `factory.default = factory`, so this works in every loader).
  const ignore = dockerignoreModule.default({ ignorecase: false }).add(patterns);
  const keep = new Set([posix.normalize(dockerfile.replace(/\\/g, '/')), '.dockerignore']);
  return packDir(contextDir, {
    ignore: (name: string) => {
      const relative = posix.relative(contextDir.replace(/\\/g, '/'), name.replace(/\\/g, '/'));
      if (!relative || keep.has(relative)) return false;
      return ignore.ignores(relative);
    },
    // Build contexts should not leak the author's uid into images: files become root-owned.
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
  }) as unknown as Readable;
}
