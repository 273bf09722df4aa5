/**
 * A running Kubernetes sandbox: one namespace per run. Services are found by name: a pack service is the
 * Deployment Firedrill made for it, any other name is a workload of the pack's manifests (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, Pod); exec, logs and port-forwards go to one of its ready pods.
 */
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { LABELS, type ClusterOperations, type ExecOptions, type ExecResult, type KubeObject, type ObjectRef, type PatchType, type ProgressListener, type Sandbox, type ServiceSpec } from '../runtime.js';
import type { KubeApi, ObjectKey } from './api.js';
import { apiMessage } from './errors.js';
import { kindInfo } from './kinds.js';
import { FIELD_MANAGER, labelled } from './objects.js';
import { rolloutStatus } from './rollout.js';
import { deleteNamespace } from './cleanup.js';

export interface KubernetesSandboxOptions {
  api: KubeApi;
  runId: string;
  namespace: string;
  labels: Record<string, string>;
  /** Pack services Firedrill made (each a Deployment of that name). */
  services: Map<string, ServiceSpec>;
  /** The kubeconfig file and context terminals use (`kubectl --kubeconfig`), and the kubectl binary. */
  kubeconfig: string;
  context?: string;
  kubectl: string;
  rolloutTimeoutMs: number;
  /**
   * The kinds of the pack's CustomResourceDefinitions: their objects are deleted first at teardown, while
   * the operators that hold their finalizers still run (or the namespace would stay Terminating).
   */
  customKinds?: { apiVersion: string; kind: string }[];
  /** How long their operators get to run the finalizers (default 60 s). */
  finalizerTimeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'] as const;

type Obj = Record<string, unknown>;

export class KubernetesSandbox implements Sandbox, ClusterOperations {
  readonly runId: string;
  readonly namespace: string;
  readonly cluster: ClusterOperations = this;
  private readonly api: KubeApi;
  private readonly forwards = new Map<string, { server: Server; port: number }>();
  private readonly replicas = new Map<string, number>();

  constructor(private readonly options: KubernetesSandboxOptions) {
    this.runId = options.runId;
    this.namespace = options.namespace;
    this.api = options.api;
  }

  private key(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>): ObjectKey {
    return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: this.namespace };
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? ((t) => new Promise((resolve) => setTimeout(resolve, t))))(ms);
  }

  // ------------------------------------------------------------ services → pods

  /** The label selector of a service's pods, and the object that owns them. */
  private async selectorOf(service: string): Promise<{ selector: string; owner: ObjectRef } | { pod: string }> {
    if (this.options.services.has(service)) {
      return { selector: `${LABELS.service}=${service}`, owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: service } };
    }
    for (const kind of WORKLOAD_KINDS) {
      const info = kindInfo(kind)!;
      const object = await this.api.get(this.key({ apiVersion: info.apiVersion, kind, name: service }));
      const match = ((object?.spec as Obj | undefined)?.selector as Obj | undefined)?.matchLabels as Record<string, string> | undefined;
      if (object && match) return { selector: Object.entries(match).map(([k, v]) => `${k}=${v}`).join(','), owner: { apiVersion: info.apiVersion, kind, name: service } };
    }
    const pod = await this.api.get(this.key({ apiVersion: 'v1', kind: 'Pod', name: service }));
    if (pod) return { pod: service };
    throw new Error(`run ${this.runId} has no service "${service}": no pack service and no workload of that name in namespace ${this.namespace}`);
  }

  /** A pod of the service to talk to: ready ones first, newest first; running ones if none is ready. */
  async podOf(service: string): Promise<{ pod: string; container: string }> {
    const found = await this.selectorOf(service);
    const pods =
      'pod' in found
        ? [(await this.api.get(this.key({ apiVersion: 'v1', kind: 'Pod', name: found.pod })))!]
        : await this.api.list('v1', 'Pod', { namespace: this.namespace, labelSelector: found.selector });
    const live = pods.filter((p) => !p.metadata.deletionTimestamp && (p.status as Obj | undefined)?.phase === 'Running');
    const ready = live.filter((p) => podReady(p));
    const newest = (list: KubeObject[]) => [...list].sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
    const pod = newest(ready)[0] ?? newest(live)[0];
    if (!pod) {
      const states = pods.map((p) => `${p.metadata.name} ${podState(p)}`).join('; ') || 'no pods';
      throw new Error(`service "${service}" has no running pod (${states})`);
    }
    const containers = ((pod.spec as Obj).containers as { name: string }[]) ?? [];
    const container = containers.find((c) => c.name === service)?.name ?? containers[0]?.name;
    if (!container) throw new Error(`pod ${pod.metadata.name} has no container`);
    return { pod: pod.metadata.name, container };
  }

  // ------------------------------------------------------------ Sandbox

  async exec(service: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { pod, container } = await this.podOf(service);
    return this.api.exec(this.namespace, pod, container, wrapCommand(command, options), {
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  }

  async writeFile(service: string, path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    if (!path.startsWith('/')) throw new Error(`writeFile needs an absolute path, not "${path}"`);
    const script = 'mkdir -p "$1" && cat > "$2" && chmod "$3" "$2"';
    const result = await this.exec(service, ['sh', '-c', script, 'sh', dirname(path), path, mode.toString(8)], { stdin: content, timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`cannot write ${path} in ${service}: ${(result.stderr || result.stdout).trim()}`);
  }

  /** Stop: scale the service's workload to 0 (remembering how many it had). */
  async stop(service: string): Promise<void> {
    const owner = await this.scalableOwner(service);
    const object = await this.api.get(this.key(owner));
    const replicas = Number((object?.spec as Obj | undefined)?.replicas ?? 1);
    if (replicas > 0) this.replicas.set(service, replicas);
    await this.scale(owner, 0);
    await this.waitPodsGone(service);
  }

  async start(service: string): Promise<void> {
    const owner = await this.scalableOwner(service);
    await this.scale(owner, this.replicas.get(service) ?? 1);
    await this.waitRollout(owner);
  }

  /** A rolling restart, as `kubectl rollout restart` does it (a template annotation), then wait for it. */
  async restart(service: string): Promise<void> {
    const owner = await this.scalableOwner(service);
    const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
    await this.api.patch(this.key(owner), patch, 'strategic', FIELD_MANAGER);
    await this.waitRollout(owner);
  }

  /** A signal to the container's main process; its restart policy decides what happens next. */
  async kill(service: string, signal = 'SIGKILL'): Promise<void> {
    const name = signal.replace(/^SIG/i, '').toUpperCase();
    const result = await this.exec(service, ['kill', '-s', name, '1'], { timeoutMs: 10_000 });
    if (result.exitCode !== 0) throw new Error(`kill -s ${name} 1 in ${service} failed: ${(result.stderr || result.stdout).trim()}`);
  }

  pause(): Promise<void> {
    return Promise.reject(new Error('the kubernetes runtime cannot pause a pod'));
  }

  unpause(): Promise<void> {
    return Promise.reject(new Error('the kubernetes runtime cannot unpause a pod'));
  }

  disconnect(): Promise<void> {
    return Promise.reject(new Error('the kubernetes runtime has no networks to disconnect from (use a NetworkPolicy through apply)'));
  }

  connect(): Promise<void> {
    return Promise.reject(new Error('the kubernetes runtime has no networks to connect to'));
  }

  /** A deploy: the service's Deployment gets the new image and environment; on a failed rollout the old template comes back. */
  async replace(service: string, overrides: { image?: string; env?: Record<string, string> }): Promise<void> {
    const owner = await this.scalableOwner(service);
    const before = await this.api.get(this.key(owner));
    if (!before) throw new Error(`cannot deploy "${service}": ${owner.kind} ${owner.name} is gone`);
    const template = ((before.spec as Obj).template as Obj) ?? {};
    const containers = (((template.spec as Obj | undefined)?.containers as Obj[]) ?? []).map((c) => c.name as string);
    const container = containers.includes(service) ? service : containers[0];
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: container,
                ...(overrides.image ? { image: overrides.image } : {}),
                ...(overrides.env ? { env: Object.entries(overrides.env).map(([name, value]) => ({ name, value })) } : {}),
              },
            ],
          },
        },
      },
    };
    await this.api.patch(this.key(owner), patch, 'strategic', FIELD_MANAGER);
    try {
      await this.waitRollout(owner);
    } catch (error) {
      await this.api.patch(this.key(owner), [{ op: 'replace', path: '/spec/template', value: template }], 'json', FIELD_MANAGER);
      throw error;
    }
    const spec = this.options.services.get(service);
    if (spec) this.options.services.set(service, { ...spec, ...(overrides.image ? { image: overrides.image } : {}), env: { ...spec.env, ...(overrides.env ?? {}) } });
  }

  /** A local port forwarded to the service's port (a ready pod, chosen again for every connection). */
  async endpoint(service: string, port: number): Promise<{ host: string; port: number }> {
    const id = `${service}:${port}`;
    const open = this.forwards.get(id);
    if (open) return { host: '127.0.0.1', port: open.port };
    await this.podOf(service); // fail now, with the reason, rather than on the first connection
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      this.podOf(service)
        .then(({ pod }) => this.api.portForward(this.namespace, pod, port, socket))
        .catch(() => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const local = typeof address === 'object' && address ? address.port : 0;
    this.forwards.set(id, { server, port: local });
    return { host: '127.0.0.1', port: local };
  }

  shellCommand(service: string, shell?: string[]): { file: string; args: string[]; env: Record<string, string> } {
    const command = shell ?? ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];
    const target = this.options.services.has(service) ? `deployment/${service}` : service;
    return {
      file: this.options.kubectl,
      args: [
        '--kubeconfig',
        this.options.kubeconfig,
        ...(this.options.context ? ['--context', this.options.context] : []),
        '--namespace',
        this.namespace,
        'exec',
        '-it',
        target,
        ...(this.options.services.has(service) ? ['-c', service] : []),
        '--',
        'env',
        'TERM=xterm-256color',
        ...command,
      ],
      // Only our kubeconfig: a KUBECONFIG of the user's must not pick the cluster.
      env: { KUBECONFIG: this.options.kubeconfig },
    };
  }

  async teardown(onProgress?: ProgressListener): Promise<void> {
    for (const { server } of this.forwards.values()) server.close();
    this.forwards.clear();
    await this.deleteCustomResources(onProgress);
    await deleteNamespace(this.api, this.namespace, { ...(onProgress ? { onProgress } : {}), sleep: (ms) => this.sleep(ms) });
    onProgress?.({ current: 1, max: 1, description: `namespace ${this.namespace} removed` });
  }

  /**
   * Deletes the objects of the pack's custom kinds and waits (bounded) until their operators have run
   * their finalizers; whatever is left after that loses its finalizers, so the namespace can go.
   */
  private async deleteCustomResources(onProgress?: ProgressListener, timeoutMs = this.options.finalizerTimeoutMs ?? 60_000): Promise<void> {
    const kinds = this.options.customKinds ?? [];
    if (kinds.length === 0) return;
    const remaining = async (): Promise<ObjectRef[]> => {
      const found: ObjectRef[] = [];
      for (const { apiVersion, kind } of kinds) {
        const objects = await this.api.list(apiVersion, kind, { namespace: this.namespace }).catch(() => [] as KubeObject[]);
        for (const object of objects) found.push({ apiVersion, kind, name: object.metadata.name });
      }
      return found;
    };
    let left = await remaining();
    if (left.length === 0) return;
    onProgress?.({ current: 0, max: 1, description: `deleting ${left.length} custom resource(s) while their operators run` });
    for (const ref of left) await this.api.delete(this.key(ref)).catch(() => false);
    const deadline = Date.now() + timeoutMs;
    while (left.length > 0 && Date.now() < deadline) {
      await this.sleep(this.options.pollMs ?? 500);
      left = await remaining();
    }
    for (const ref of left) await this.api.patch(this.key(ref), { metadata: { finalizers: null } }, 'merge', FIELD_MANAGER).catch(() => undefined);
  }

  // ------------------------------------------------------------ ClusterOperations

  async apply(objects: KubeObject[], options: { fieldManager?: string } = {}): Promise<void> {
    for (const object of objects) {
      const copy = labelled(object, this.options.labels);
      const body = { ...copy, metadata: { ...copy.metadata, namespace: this.namespace } };
      try {
        await this.api.apply(body, options.fieldManager ?? FIELD_MANAGER);
      } catch (error) {
        throw new Error(`cannot apply ${object.kind} ${object.metadata.name}: ${apiMessage(error)}`, { cause: error });
      }
    }
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, options: { fieldManager?: string } = {}): Promise<void> {
    try {
      await this.api.patch(this.key(ref), patch, type, options.fieldManager ?? FIELD_MANAGER);
    } catch (error) {
      throw new Error(`cannot patch ${ref.kind} ${ref.name}: ${apiMessage(error)}`, { cause: error });
    }
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    await this.patch(ref, { spec: { replicas } }, 'merge', { fieldManager: 'firedrill-fault' });
  }

  async deletePods(ref: ObjectRef): Promise<number> {
    const found = ref.kind === 'Pod' ? { pod: ref.name } : await this.selectorOf(ref.name);
    const pods = 'pod' in found ? [found.pod] : (await this.api.list('v1', 'Pod', { namespace: this.namespace, labelSelector: found.selector })).map((p) => p.metadata.name);
    let deleted = 0;
    for (const pod of pods) if (await this.api.delete(this.key({ apiVersion: 'v1', kind: 'Pod', name: pod }), { gracePeriodSeconds: 0 })) deleted += 1;
    return deleted;
  }

  async delete(ref: ObjectRef): Promise<void> {
    await this.api.delete(this.key(ref));
  }

  get(ref: ObjectRef): Promise<KubeObject | null> {
    return this.api.get(this.key(ref));
  }

  async logs(ref: ObjectRef, options: { container?: string; tailLines?: number } = {}): Promise<string> {
    const { pod, container } = ref.kind === 'Pod' ? { pod: ref.name, container: options.container ?? '' } : await this.podOf(ref.name);
    return this.api.logs(this.namespace, pod, options.container ?? container, options.tailLines ?? 100);
  }

  // ------------------------------------------------------------ waiting

  /** Waits until a workload has rolled out; the error says what its pods are doing. */
  async waitRollout(ref: ObjectRef, timeoutMs = this.options.rolloutTimeoutMs, onStatus?: (message: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'not found';
    for (;;) {
      const object = await this.api.get(this.key(ref));
      if (object) {
        const status = rolloutStatus(object);
        if (status.complete) return;
        if (status.message !== last) onStatus?.(status.message);
        last = status.message;
      }
      if (Date.now() > deadline) {
        throw new Error(`${ref.kind.toLowerCase()}/${ref.name} did not roll out within ${Math.round(timeoutMs / 1000)}s: ${last}${await this.podReport(ref.name)}`);
      }
      await this.sleep(this.options.pollMs ?? 500);
    }
  }

  private async waitPodsGone(service: string): Promise<void> {
    const found = await this.selectorOf(service);
    if ('pod' in found) return;
    const deadline = Date.now() + this.options.rolloutTimeoutMs;
    while (Date.now() < deadline) {
      const pods = await this.api.list('v1', 'Pod', { namespace: this.namespace, labelSelector: found.selector });
      if (pods.length === 0) return;
      await this.sleep(this.options.pollMs ?? 500);
    }
  }

  /** `; pods: web-1 Pending (ErrImageNeverPull)` and the last log lines of a crashing one. */
  private async podReport(service: string): Promise<string> {
    try {
      const found = await this.selectorOf(service);
      if ('pod' in found) return '';
      const pods = await this.api.list('v1', 'Pod', { namespace: this.namespace, labelSelector: found.selector });
      return pods.length ? `; pods: ${pods.map((p) => `${p.metadata.name} ${podState(p)}`).join('; ')}` : '; no pods';
    } catch {
      return '';
    }
  }

  private async scalableOwner(service: string): Promise<ObjectRef> {
    const found = await this.selectorOf(service);
    if ('pod' in found || !kindInfo(found.owner.kind)?.scalable) {
      throw new Error(`service "${service}" is not a Deployment, StatefulSet or ReplicaSet: it cannot be stopped, started or redeployed`);
    }
    return found.owner;
  }
}

/** A command with the exec options Kubernetes has no field for: user (runuser), environment (env), workdir (cd). */
export function wrapCommand(command: string[], options: ExecOptions): string[] {
  let argv = command;
  if (options.env && Object.keys(options.env).length > 0) argv = ['env', ...Object.entries(options.env).map(([k, v]) => `${k}=${v}`), ...argv];
  if (options.workdir) argv = ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', options.workdir, ...argv];
  // A pod's processes run as its container's user; root (the usual case) switches with runuser. Root itself needs nothing.
  if (options.user && !['0', 'root', '0:0'].includes(options.user)) {
    const [user, group] = options.user.split(':') as [string, string | undefined];
    argv = /^\d+$/.test(user)
      ? ['setpriv', '--reuid', user, '--regid', group ?? user, '--clear-groups', ...argv]
      : ['runuser', '-u', user, ...(group ? ['-g', group] : []), '--', ...argv];
  }
  return argv;
}

function podReady(pod: KubeObject): boolean {
  const conditions = ((pod.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** `Running`, `Pending (ErrImageNeverPull)`, `Running, not ready (CrashLoopBackOff)`. */
export function podState(pod: KubeObject): string {
  const status = (pod.status as Obj | undefined) ?? {};
  const phase = String(status.phase ?? 'Unknown');
  const reasons = ((status.containerStatuses as Obj[] | undefined) ?? [])
    .map((c) => ((c.state as Obj | undefined)?.waiting as Obj | undefined)?.reason ?? ((c.state as Obj | undefined)?.terminated as Obj | undefined)?.reason)
    .filter((r): r is string => typeof r === 'string');
  const ready = podReady(pod) ? '' : phase === 'Running' ? ', not ready' : '';
  return `${phase}${ready}${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
}
