/**
 * An in-memory API server for the Kubernetes runtime's unit tests: objects by key, label selectors,
 * server-side apply and patches recorded with their field managers, and a "controller" that rolls
 * Deployments out (pods Running and Ready) unless a test says a workload is stuck.
 */
import type { ExecResult, KubeObject, PatchType } from '../../../sandbox/runtime.js';
import type { KubeApi, ObjectKey } from '../../../sandbox/kubernetes/api.js';

type Obj = Record<string, unknown>;

export interface Call {
  op: string;
  key?: string;
  fieldManager?: string;
  body?: unknown;
}

export class FakeKube implements KubeApi {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: Call[] = [];
  readonly execs: { pod: string; container: string; command: string[]; stdin?: string }[] = [];
  /** Workloads (by name) whose pods never become ready. */
  readonly stuck = new Set<string>();
  execResult: (command: string[]) => ExecResult = () => ({ exitCode: 0, stdout: 'ok\n', stderr: '' });
  denied = new Set<string>();
  reachable = true;
  private podCount = 0;
  private clock = 0;

  static keyOf(k: { kind: string; name: string; namespace?: string }): string {
    return `${k.kind}/${k.namespace ?? ''}/${k.name}`;
  }

  async apply(object: KubeObject, fieldManager: string): Promise<KubeObject> {
    const key = FakeKube.keyOf({ kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) });
    this.calls.push({ op: 'apply', key, fieldManager, body: object });
    if (object.kind !== 'Namespace' && object.metadata.namespace && !this.objects.has(FakeKube.keyOf({ kind: 'Namespace', name: object.metadata.namespace }))) {
      throw Object.assign(new Error(`namespaces "${object.metadata.namespace}" not found`), { code: 404 });
    }
    const previous = this.objects.get(key);
    const stored = structuredClone({ ...object, metadata: { ...object.metadata, creationTimestamp: previous?.metadata.creationTimestamp ?? this.stamp(), generation: Number(previous?.metadata.generation ?? 0) + 1 } });
    this.objects.set(key, stored);
    this.reconcile(stored);
    return stored;
  }

  async patch(key: ObjectKey, body: unknown, type: PatchType, fieldManager: string): Promise<KubeObject> {
    const k = FakeKube.keyOf(key);
    this.calls.push({ op: `patch:${type}`, key: k, fieldManager, body });
    const object = this.objects.get(k);
    if (!object) throw Object.assign(new Error(`${key.kind} ${key.name} not found`), { code: 404 });
    if (type === 'json') {
      for (const op of body as { op: string; path: string; value: unknown }[]) setPath(object, op.path, op.value);
    } else {
      deepMerge(object as Obj, body as Obj);
    }
    object.metadata.generation = Number(object.metadata.generation ?? 0) + 1;
    this.reconcile(object);
    return object;
  }

  async get(key: ObjectKey): Promise<KubeObject | null> {
    if (!this.reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    return structuredClone(this.objects.get(FakeKube.keyOf(key)) ?? null);
  }

  async list(_apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    if (!this.reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    const wanted = (options.labelSelector ?? '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]);
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && (options.namespace === undefined || o.metadata.namespace === options.namespace))
      .filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k] === v))
      .map((o) => structuredClone(o));
  }

  async delete(key: ObjectKey): Promise<boolean> {
    const k = FakeKube.keyOf(key);
    this.calls.push({ op: 'delete', key: k });
    if (!this.objects.delete(k)) return false;
    if (key.kind === 'Namespace') for (const [other, o] of this.objects) if (o.metadata.namespace === key.name) this.objects.delete(other);
    return true;
  }

  async exec(_namespace: string, pod: string, container: string, command: string[], options: { stdin?: string | Buffer }): Promise<ExecResult> {
    this.execs.push({ pod, container, command, ...(options.stdin !== undefined ? { stdin: options.stdin.toString() } : {}) });
    return this.execResult(command);
  }

  async logs(): Promise<string> {
    return 'log line\n';
  }

  async portForward(): Promise<void> {}

  async serverVersion(): Promise<string> {
    if (!this.reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    return 'v1.37.2';
  }

  async canI(verb: string, resource: string, options: { subresource?: string } = {}): Promise<boolean> {
    return !this.denied.has(`${verb} ${resource}${options.subresource ? `/${options.subresource}` : ''}`);
  }

  private stamp(): string {
    return new Date(Date.UTC(2026, 11, 2, 0, 0, this.clock++)).toISOString();
  }

  /** The controllers: a Deployment's pods follow its template; rolled out unless stuck. */
  private reconcile(object: KubeObject): void {
    if (object.kind !== 'Deployment') return;
    const spec = object.spec as Obj;
    const replicas = Number(spec.replicas ?? 1);
    const namespace = object.metadata.namespace!;
    const labels = ((spec.template as Obj).metadata as Obj).labels as Record<string, string>;
    const stuck = this.stuck.has(object.metadata.name);
    // Old pods go when a rollout completes; a stuck rollout keeps them beside an unready new one.
    const existing = [...this.objects.values()].filter((o) => o.kind === 'Pod' && o.metadata.namespace === namespace && Object.entries(labels).every(([k, v]) => o.metadata.labels?.[k] === v));
    if (!stuck) for (const pod of existing) this.objects.delete(FakeKube.keyOf({ kind: 'Pod', name: pod.metadata.name, namespace }));
    for (let i = 0; i < replicas; i++) {
      const name = `${object.metadata.name}-${++this.podCount}`;
      this.objects.set(FakeKube.keyOf({ kind: 'Pod', name, namespace }), {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels: { ...labels }, creationTimestamp: this.stamp() },
        spec: structuredClone((spec.template as Obj).spec as Obj),
        status: stuck
          ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ state: { running: {} } }] }
          : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    const generation = Number(object.metadata.generation ?? 1);
    object.status = stuck
      ? { observedGeneration: generation, replicas: replicas + existing.length, updatedReplicas: replicas, availableReplicas: 0 }
      : { observedGeneration: generation, replicas, updatedReplicas: replicas, availableReplicas: replicas, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] };
  }
}

function deepMerge(target: Obj, patch: Obj): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (Array.isArray(value) && Array.isArray(current) && value.every((v) => v && typeof v === 'object' && 'name' in (v as Obj))) {
      // Strategic merge of lists keyed by name (containers, env).
      for (const item of value as Obj[]) {
        const match = (current as Obj[]).find((c) => c.name === item.name);
        if (match) deepMerge(match, item);
        else current.push(item);
      }
    } else if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)) {
      deepMerge(current as Obj, value as Obj);
    } else {
      target[key] = structuredClone(value);
    }
  }
}

function setPath(object: unknown, path: string, value: unknown): void {
  const parts = path.split('/').slice(1);
  let current = object as Obj;
  for (const part of parts.slice(0, -1)) current = current[part] as Obj;
  current[parts[parts.length - 1]!] = value;
}
