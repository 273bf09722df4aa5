/**
 * What a content hash may be cached on: every file's path, size, modification and change times and inode.
 * An edit (even one that keeps the size) moves mtime/ctime, so a hash computed from the same signature
 * would come out the same; reading the contents again is what the cache saves.
 */
import type { Stats } from 'node:fs';

export function statSignature(root: string, files: Iterable<readonly [path: string, stats: Stats]>): string {
  const parts = [root];
  for (const [path, s] of files) parts.push(`${path}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`);
  return parts.join('\n');
}
