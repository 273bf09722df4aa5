/**
 * What a content hash may be cached on: every file's path, size, modification and change times and inode.
 * An edit (even one that keeps the size) moves mtime/ctime, so a hash computed from the same signature
 * would come out the same; reading the contents again is what the cache saves.
 */
import type { Stats } from 'node:fs';

export function statSignature(root: string, files: readonly string[], statOf: (rel: string) => Stats): string {
  const parts = [root];
  for (const rel of files) {
    const s = statOf(rel);
    parts.push(`${rel}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`);
  }
  return parts.join('\n');
}
