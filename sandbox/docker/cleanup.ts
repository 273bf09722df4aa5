/**
 * Remove what runs left behind: containers, then networks, then volumes, found by label.
 * `onlyOrphans` spares runs whose owner process is still alive on this host.
 */
import type Docker from 'dockerode';
import { isExpired, LABELS, type CleanupOptions as RuntimeCleanupOptions, type CleanupReport, type ProgressListener } from '../runtime.js';
import { isNotFound } from './client.js';
import { removeContainer } from './containers.js';
import { currentOwner, labelFilters, type Owner } from './labels.js';

/** Is the process alive? EPERM means it exists but belongs to someone else. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run is an orphan when its owner ran on this host and that process is gone. Runs owned by
 * another host (a shared engine) are spared: we cannot tell whether their owner lives.
 */
export function isOrphan(labels: Record<string, string> | undefined, here: Owner, alive: (pid: number) => boolean = pidAlive): boolean {
  const host = labels?.[LABELS.ownerHost];
  const pid = Number(labels?.[LABELS.ownerPid]);
  if (host !== undefined && host !== here.host) return false;
  if (pid === here.pid) return false;
  return !alive(pid);
}

export interface CleanupOptions extends RuntimeCleanupOptions {
  onProgress?: ProgressListener;
  /** Injected for tests. */
  owner?: Owner;
  alive?: (pid: number) => boolean;
}

export async function cleanupRuns(docker: Docker, options: CleanupOptions = {}): Promise<CleanupReport> {
  const selector = labelFilters(options.runId);
  if (options.gameId !== undefined) selector.label.push(`${LABELS.game}=${options.gameId}`);
  const filters = JSON.stringify(selector);
  const owner = options.owner ?? currentOwner();
  const now = options.now ?? Date.now();
  // A game's objects answer to their deadline and the game's watchdog, not to their owner's pid: the
  // orphan sweep (`--orphans`, every start) spares them until the deadline passed.
  const gameSpared = (labels: Record<string, string> | undefined): boolean => labels?.[LABELS.game] !== undefined && !isExpired(labels, now, options.deadlines);
  const keep = (labels: Record<string, string> | undefined): boolean =>
    (options.onlyOrphans === true && (!isOrphan(labels, owner, options.alive) || gameSpared(labels))) ||
    (options.expired === true && !isExpired(labels, now, options.deadlines));

  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  // Decide per run so a network is spared exactly when its run's containers are.
  const runLabels = new Map<string, Record<string, string>>();
  for (const item of [...containers.map((c) => c.Labels), ...networks.map((n) => n.Labels), ...(volumes.Volumes ?? []).map((v) => v.Labels)]) {
    const run = item?.[LABELS.run];
    if (run !== undefined && !runLabels.has(run)) runLabels.set(run, item!);
  }
  const doomed = (labels: Record<string, string> | undefined): boolean => {
    const run = labels?.[LABELS.run];
    return !keep(run !== undefined ? runLabels.get(run) : labels);
  };

  const removed: CleanupReport['removed'] = [];
  const targets = {
    containers: containers.filter((c) => doomed(c.Labels)),
    networks: networks.filter((n) => doomed(n.Labels)),
    volumes: (volumes.Volumes ?? []).filter((v) => doomed(v.Labels)),
  };
  const max = targets.containers.length + targets.networks.length + targets.volumes.length;
  let current = 0;
  const tick = (description: string) => options.onProgress?.({ current: ++current, max, description });

  // Containers first: a network with endpoints cannot be removed.
  await Promise.all(
    targets.containers.map(async (c) => {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
      if (await removeContainer(docker, c.Id)) removed.push({ kind: 'container', name });
      tick(`removed container ${name}`);
    }),
  );
  for (const n of targets.networks) {
    try {
      await docker.getNetwork(n.Id).remove();
      removed.push({ kind: 'network', name: n.Name });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    tick(`removed network ${n.Name}`);
  }
  for (const v of targets.volumes) {
    try {
      await docker.getVolume(v.Name).remove({ force: true });
      removed.push({ kind: 'volume', name: v.Name });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    tick(`removed volume ${v.Name}`);
  }
  // Containers go in parallel: keep the report in a stable order.
  const order = { container: 0, network: 1, volume: 2 } as Record<string, number>;
  removed.sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9) || (a.kind === 'container' ? a.name.localeCompare(b.name) : 0));
  return { removed };
}
