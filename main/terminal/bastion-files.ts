/**
 * What the engine copies into every scenario's bastion container before it starts (as files, no
 * host mounts): the shell integration, the `lab` helper and psql's prompt hook.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BastionFile {
  /** Absolute path on the host. */
  source: string;
  /** Absolute path in the container. */
  target: string;
  mode: number;
}

/** The directory holding package.json, found by walking up from this module (works from `main/` and `dist/main/`). */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

export function bastionDir(root: string = packageRoot()): string {
  return join(root, 'sandbox', 'images', 'bastion');
}

/**
 * - `/etc/profile.d/firedrill.sh`: read by login shells (`bash -l`, what terminals open);
 * - `/etc/bash.bashrc`: Debian's default plus a line sourcing the above, for interactive non-login
 *   shells (it replaces the image's copy: scenarios customise the shell in /etc/profile.d instead);
 * - `/usr/local/bin/lab`: the `lab` helper;
 * - `/etc/postgresql-common/psqlrc`: Debian's system-wide psqlrc (psql's SYSCONFDIR), sets PROMPT1;
 * - `/usr/local/libexec/firedrill-psql-mark`: called from that prompt.
 */
export function bastionFiles(root: string = packageRoot()): BastionFile[] {
  const dir = bastionDir(root);
  return [
    { source: join(dir, 'firedrill-shell.bash'), target: '/etc/profile.d/firedrill.sh', mode: 0o644 },
    { source: join(dir, 'bash.bashrc'), target: '/etc/bash.bashrc', mode: 0o644 },
    { source: join(dir, 'lab'), target: '/usr/local/bin/lab', mode: 0o755 },
    { source: join(dir, 'psqlrc'), target: '/etc/postgresql-common/psqlrc', mode: 0o644 },
    { source: join(dir, 'psql-mark'), target: '/usr/local/libexec/firedrill-psql-mark', mode: 0o755 },
  ];
}
