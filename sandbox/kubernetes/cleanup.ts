/**
 * Remove what runs left on a cluster: their namespaces, found by label (so after a crash too). Deleting a
 * namespace deletes everything in it; we wait until the API server has really let it go, so "nothing
 * left" is a fact when we return. `onlyOrphans` spares runs whose owner process still lives on this host.
 */
import { isExpired, LABELS, type CleanupReport, type ProgressListener } from '../runtime.js';
import { isOrphan, pidAlive } from '../docker/cleanup.js';
import { currentOwner, type Owner } from '../docker/labels.js';
import type { KubeApi } from './api.js';
import { labelValue, runSelector } from './objects.js';

export interface NamespaceCleanupOptions {
  runId?: string;
  onlyOrphans?: boolean;
  /** Only the namespaces of this game; only those past their deadline label. */
  gameId?: string;
  expired?: boolean;
  now?: number;
  /** Games whose deadline moved (see CleanupOptions.deadlines). */
  deadlines?: Readonly<Record<string, number>>;
  onProgress?: ProgressListener;
  owner?: Owner;
  alive?: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
  /** How long a namespace may take to go (its pods' grace periods, finalizers). Default 120 s. */
  timeoutMs?: number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Deletes a namespace and waits until it is gone; a missing one is fine. */
export async function deleteNamespace(api: KubeApi, name: string, options: Pick<NamespaceCleanupOptions, 'sleep' | 'timeoutMs' | 'onProgress'> = {}): Promise<boolean> {
  const key = { apiVersion: 'v1', kind: 'Namespace', name };
  const existed = await api.delete(key, { propagationPolicy: 'Foreground' });
  if (!existed) return false;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let polls = 0;
  while (await api.get(key)) {
    if (Date.now() > deadline) throw new Error(`namespace ${name} is still terminating after ${Math.round((options.timeoutMs ?? 120_000) / 1000)}s`);
    if (++polls % 10 === 0) options.onProgress?.({ current: 0, max: 1, description: `waiting for namespace ${name} to terminate` });
    await (options.sleep ?? wait)(250);
  }
  return true;
}

/** Firedrill's namespaces (all runs, or one), removed and waited for. */
export async function cleanupNamespaces(api: KubeApi, options: NamespaceCleanupOptions = {}): Promise<CleanupReport> {
  const owner = options.owner ?? currentOwner();
  const selector = [runSelector(options.runId), ...(options.gameId !== undefined ? [`${LABELS.game}=${labelValue(options.gameId)}`] : [])].join(',');
  const namespaces = await api.list('v1', 'Namespace', { labelSelector: selector });
  const now = options.now ?? Date.now();
  const doomed = namespaces
    .filter((ns) => options.onlyOrphans !== true || isOrphan(ns.metadata.labels, owner, options.alive ?? pidAlive))
    .filter((ns) => options.expired !== true || isExpired(ns.metadata.labels, now, options.deadlines));
  const removed: CleanupReport['removed'] = [];
  let current = 0;
  await Promise.all(
    doomed.map(async (ns) => {
      // Already terminating counts too: we wait for it all the same.
      await deleteNamespace(api, ns.metadata.name, options);
      removed.push({ kind: 'namespace', name: ns.metadata.name });
      options.onProgress?.({ current: ++current, max: doomed.length, description: `removed namespace ${ns.metadata.name} (run ${ns.metadata.labels?.[LABELS.run] ?? '?'})` });
    }),
  );
  removed.sort((a, b) => a.name.localeCompare(b.name));
  return { removed };
}
