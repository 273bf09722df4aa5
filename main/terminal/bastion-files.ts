/**
 * What the engine copies into every scenario's bastion container before it starts (as files, no
 * host mounts): the shell integration, the `lab` helper and psql's prompt hook.
 */
import { join } from 'node:path';
import type { ServiceFile } from '../../sandbox/runtime.js';
import { packageRoot } from '../platform/package-root.js';

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
export function bastionFiles(root: string = packageRoot()): ServiceFile[] {
  const dir = bastionDir(root);
  return [
    { source: join(dir, 'firedrill-shell.bash'), target: '/etc/profile.d/firedrill.sh', mode: 0o644 },
    { source: join(dir, 'bash.bashrc'), target: '/etc/bash.bashrc', mode: 0o644 },
    { source: join(dir, 'lab'), target: '/usr/local/bin/lab', mode: 0o755 },
    { source: join(dir, 'psqlrc'), target: '/etc/postgresql-common/psqlrc', mode: 0o644 },
    { source: join(dir, 'psql-mark'), target: '/usr/local/libexec/firedrill-psql-mark', mode: 0o755 },
  ];
}
