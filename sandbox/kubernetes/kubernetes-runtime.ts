/**
 * The Kubernetes runtime: one namespace per run on a kind cluster (created on first use) or on any cluster
 * a kubeconfig names. Images are built with Docker (as on the Docker runtime) and put on the cluster's
 * nodes (`kind load docker-image`, or the configured load command). Everything it creates is in the run's
 * namespace, which carries the run's labels, so cleanup finds it even after a crash.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  KUBERNETES_ONLY_OPERATIONS,
  type CleanupOptions,
  type CleanupReport,
  type ImageSpec,
  type KubeObject,
  type ProgressListener,
  type Sandbox,
  type SandboxOperation,
  type SandboxRuntime,
  type SandboxSpec,
} from '../runtime.js';
import { buildImages, imageExists } from '../docker/build.js';
import { createDockerClient, dockerMessage } from '../docker/client.js';
import { currentOwner, type Owner } from '../docker/labels.js';
import type { KubeApi } from './api.js';
import { statusOf } from './errors.js';
import { cleanupNamespaces, deleteNamespace } from './cleanup.js';
import { kubernetesDoctor, notPlayableReason } from './doctor.js';
import type { DoctorCheck } from '../../shared/doctor.js';
import { LABELS } from '../runtime.js';
import { kindClient, kindConfig, kindNodeFilters, runProcess, type KindClient, type ProcessRunner } from './kind.js';
import { kindInfo, podImages } from './kinds.js';
import { KIND_CLUSTER_LABEL, labelValue, learnerAccess, namespaceName, namespaceObject, runLabels, serviceObjects } from './objects.js';
import { KubernetesSandbox } from './sandbox.js';
import { describeTarget, resolveTarget, type KubeTarget, type TargetResolution } from './target.js';

/** What a Kubernetes sandbox can do: no pause, no networks to (dis)connect; every operation on objects. */
export const KUBERNETES_OPERATIONS: readonly SandboxOperation[] = ['exec', 'writeFile', 'stop', 'start', 'restart', 'kill', 'replace', ...KUBERNETES_ONLY_OPERATIONS];

export interface KubernetesRuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** The data directory: kind's kubeconfig and the copy of a chosen context live under `<dataDir>/kube`. */
  dataDir: string;
  /** Injected for tests: the cluster target (default from env), the API, Docker, the process runner. */
  target?: TargetResolution;
  api?: (kubeconfig: KubeConfig) => KubeApi;
  docker?: Docker;
  run?: ProcessRunner;
  owner?: Owner;
  /** The kubectl binary terminals run (default FIREDRILL_KUBECTL or `kubectl` on PATH). */
  kubectl?: string;
  /** How long workloads may take to roll out at start (default 120 s). */
  rolloutTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Connected {
  target: KubeTarget;
  api: KubeApi;
  /** The kubeconfig file terminals use, and its context. */
  kubeconfig: string;
  context?: string;
}

export class KubernetesRuntime implements SandboxRuntime {
  readonly kind = 'kubernetes' as const;
  readonly target: TargetResolution;
  private readonly env: NodeJS.ProcessEnv;
  private dockerClient: Docker | undefined;
  private readonly run: ProcessRunner;
  private readonly owner: Owner;
  private connected: Connected | null = null;

  constructor(private readonly options: KubernetesRuntimeOptions) {
    this.env = options.env ?? process.env;
    this.target = options.target ?? resolveTarget(this.env, options.dataDir);
    this.dockerClient = options.docker;
    this.run = options.run ?? runProcess;
    this.owner = options.owner ?? currentOwner();
  }

  private get docker(): Docker {
    return (this.dockerClient ??= createDockerClient());
  }

  supports(operation: SandboxOperation): boolean {
    return KUBERNETES_OPERATIONS.includes(operation);
  }

  /** Images are built locally with Docker, as on the Docker runtime. */
  async imagesPresent(tags: string[]): Promise<Record<string, boolean>> {
    return Object.fromEntries(await Promise.all(tags.map(async (tag) => [tag, await imageExists(this.docker, tag)] as const)));
  }

  buildImages(images: ImageSpec[], onProgress: ProgressListener, signal?: AbortSignal): Promise<void> {
    return buildImages(this.docker, images, onProgress, signal);
  }

  /** Null when a run can start here; otherwise the reason, as the catalog shows it (the doctor's Kubernetes rows). */
  async whyUnavailable(): Promise<string | null> {
    const now = Date.now();
    if (this.availability && now - this.availability.at < 30_000) return this.availability.reason;
    const reason = notPlayableReason(await this.doctor());
    this.availability = { at: now, reason };
    return reason;
  }

  private availability: { at: number; reason: string | null } | null = null;

  /** The doctor's Kubernetes rows for this runtime's target. */
  doctor(): Promise<DoctorCheck[]> {
    return kubernetesDoctor({
      target: this.target,
      run: this.run,
      privilegedProbe: () => privilegedProbe(this.docker),
      api: async () => (await this.connect()).api,
    });
  }

  private kindClient(target: Extract<KubeTarget, { type: 'kind' }>): KindClient {
    return kindClient(target.kind, this.run);
  }

  /** The cluster's API (creating the kind cluster on first use when `create` is given). */
  private async connect(create?: ProgressListener): Promise<Connected> {
    if (this.connected) return this.connected;
    const target = this.target;
    if (target.type === 'none') throw new Error(target.unavailable);
    // The client loads only when a cluster is used (doctor, validate and Docker runs never pay for it).
    const { createKubeApi, loadKubeConfig, flattened } = await import('./api.js');
    let kubeconfig: string;
    let context: string | undefined;
    let kc: KubeConfig;
    if (target.type === 'kind') {
      const kind = this.kindClient(target);
      if (!(await kind.clusters()).includes(target.cluster)) {
        if (!create) throw new Error(`kind cluster "${target.cluster}" does not exist yet (it is created when a Kubernetes scenario starts)`);
        mkdirSync(dirname(target.kubeconfig), { recursive: true, mode: 0o700 });
        create({ current: 0, max: 6, description: `kind: creating cluster "${target.cluster}"` });
        await kind.create(target.cluster, kindConfig({ apiServerPort: await freePort() }), target.kubeconfig, create);
      }
      // kind writes the file at create; write it again for a cluster made elsewhere (or an older file).
      mkdirSync(dirname(target.kubeconfig), { recursive: true, mode: 0o700 });
      writeFileSync(target.kubeconfig, await kind.kubeconfig(target.cluster), { mode: 0o600 });
      kubeconfig = target.kubeconfig;
      kc = loadKubeConfig(kubeconfig);
    } else {
      kc = loadKubeConfig(target.kubeconfig, target.context);
      // Our own copy of the chosen context (credentials embedded): terminals use it, the user's file is never touched.
      kubeconfig = join(this.options.dataDir, 'kube', 'target.yaml');
      mkdirSync(dirname(kubeconfig), { recursive: true, mode: 0o700 });
      writeFileSync(kubeconfig, flattened(kc), { mode: 0o600 });
      context = kc.getCurrentContext();
    }
    const api = (this.options.api ?? createKubeApi)(kc);
    this.connected = { target, api, kubeconfig, ...(context ? { context } : {}) };
    return this.connected;
  }

  async up(spec: SandboxSpec, onProgress: ProgressListener, signal?: AbortSignal): Promise<Sandbox> {
    const { target, api, kubeconfig, context } = await this.connect(onProgress);
    const namespace = namespaceName(spec.runId);
    const labels = { ...runLabels(spec.runId, spec.scenario, this.owner), ...Object.fromEntries(Object.entries(spec.labels ?? {}).map(([k, v]) => [k, labelValue(v ?? '')])) };
    const bastions = new Set(spec.services.filter((s) => s.tty).map((s) => s.name));
    const services = new Map(spec.services.map((s) => [s.name, s]));
    const manifestObjects = spec.objects ?? [];
    const ours = [...learnerAccess(), ...spec.services.flatMap((s) => serviceObjects(s, { bastion: bastions.has(s.name) }))];
    // A manifest object of the same kind and name wins over the one Firedrill would make (a pack's own Service `web`).
    const taken = new Set(manifestObjects.map((o) => `${o.kind}/${o.metadata.name}`));
    const objects = [...ours.filter((o) => !taken.has(`${o.kind}/${o.metadata.name}`)), ...manifestObjects];
    const rollouts = objects.filter((o) => kindInfo(o.kind)?.rollout);
    const max = 3 + objects.length + rollouts.length;
    let current = 0;
    const step = (description: string) => onProgress({ current: ++current, max, description });
    const check = () => signal?.throwIfAborted();

    if (await api.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) {
      throw new Error(`run ${spec.runId} already has namespace ${namespace}; tear it down (or \`firedrill clean --run ${spec.runId}\`) before starting it again`);
    }
    const sandbox = new KubernetesSandbox({
      api,
      runId: spec.runId,
      namespace,
      labels,
      services,
      kubeconfig,
      ...(context ? { context } : {}),
      kubectl: this.options.kubectl ?? this.env.FIREDRILL_KUBECTL ?? 'kubectl',
      rolloutTimeoutMs: spec.rolloutTimeoutMs ?? this.options.rolloutTimeoutMs ?? 120_000,
      customKinds: (spec.crds ?? []).flatMap(crdKind),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
    });
    try {
      check();
      await this.loadImages(target, api, imagesOf(spec, objects));
      step(`images on the cluster (${describeTarget(target)})`);
      check();
      const created = await ensureCrds(api, spec.crds ?? [], spec.scenario, { timeoutMs: 60_000, ...(this.options.sleep ? { sleep: this.options.sleep } : {}) });
      if ((spec.crds ?? []).length > 0) onProgress({ current, max, description: `custom resource definitions ready (${created.length} created, ${(spec.crds ?? []).length - created.length} present)` });
      check();
      await api.apply(namespaceObject(namespace, labels, spec.runId), 'firedrill');
      step(`namespace ${namespace} created`);
      for (const object of objects) {
        check();
        await sandbox.apply([object]);
        step(`${object.kind.toLowerCase()}/${object.metadata.name} applied`);
      }
      for (const object of rollouts) {
        check();
        const ref = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
        await sandbox.waitRollout(ref, undefined, (message) => onProgress({ current, max, description: message }));
        step(`${object.kind.toLowerCase()}/${object.metadata.name} rolled out`);
      }
      step('sandbox ready');
    } catch (error) {
      // Leave nothing half-built: the namespace holds all of it.
      await deleteNamespace(api, namespace).catch(() => undefined);
      throw signal?.aborted ? signal.reason : error;
    }
    return sandbox;
  }

  /**
   * Puts locally built images on the cluster's nodes: kind's `load docker-image` (which skips what a node
   * has), or the configured load command for the images no node reports yet. Images Docker does not have
   * are left to the cluster (a registry).
   */
  private async loadImages(target: KubeTarget, api: KubeApi, images: string[]): Promise<void> {
    const local: string[] = [];
    for (const image of images) if (await imageExists(this.docker, image)) local.push(image);
    if (local.length === 0) return;
    if (target.type === 'kind') {
      await this.kindClient(target).load(target.cluster, local);
      return;
    }
    if (!target.imageLoad) return;
    const present = await nodeImages(api).catch(() => new Set<string>());
    const missing = local.filter((image) => !present.has(normalizeImage(image)));
    if (missing.length === 0) return;
    const [file, ...args] = target.imageLoad;
    const result = await this.run(file!, [...args, ...missing], { timeoutMs: 600_000 });
    if (result.code !== 0) throw new Error(`loading images with \`${target.imageLoad.join(' ')}\` failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }

  /**
   * Removes runs' namespaces (one run, every run, or orphans). Without a runId and not only orphans
   * (`firedrill clean`), also the kind cluster Firedrill created. No cluster configured or reachable:
   * nothing to remove here (the Docker runtime's cleanup still runs).
   */
  async cleanup(options: CleanupOptions = {}): Promise<CleanupReport> {
    if (this.target.type === 'none') return { removed: [] };
    let connected: Connected;
    try {
      connected = await this.connect();
    } catch {
      return { removed: [] };
    }
    let report: CleanupReport;
    try {
      report = await cleanupNamespaces(connected.api, { ...options, owner: this.owner, ...(this.options.sleep ? { sleep: this.options.sleep } : {}) });
    } catch (error) {
      if (statusOf(error) === undefined && /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|socket hang up/i.test(String((error as Error).message))) return { removed: [] };
      throw error;
    }
    const everything = options.runId === undefined && !options.onlyOrphans && options.gameId === undefined && !options.expired;
    if (everything && connected.target.type === 'kind') {
      // Firedrill's kind cluster, found as kind finds clusters: by the label on its node containers.
      const clusters = await kindClustersByLabel(this.docker);
      if (clusters.includes(connected.target.cluster)) {
        await this.kindClient(connected.target).delete(connected.target.cluster);
        report.removed.push({ kind: 'kind cluster', name: connected.target.cluster });
      }
      this.connected = null;
    }
    return report;
  }
}

/**
 * The pack's CustomResourceDefinitions, cluster-wide: each missing one is created (server-side apply, field
 * manager firedrill) and waited on until Established; one that exists is left alone (it may be the cluster's
 * own operator's, at another version). Never deleted by a run: other runs and operators share them.
 * Returns the names created.
 */
export async function ensureCrds(
  api: KubeApi,
  crds: readonly KubeObject[],
  scenario: string,
  options: { timeoutMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<string[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = (name: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
  const created: string[] = [];
  for (const crd of crds) {
    if (await api.get(key(crd.metadata.name))) continue;
    const body = structuredClone(crd);
    body.metadata.labels = { ...(body.metadata.labels ?? {}), 'firedrill.crd': 'true' };
    body.metadata.annotations = { ...(body.metadata.annotations ?? {}), 'firedrill.created-for': scenario };
    await api.apply(body, 'firedrill');
    created.push(crd.metadata.name);
  }
  const deadline = Date.now() + options.timeoutMs;
  for (const name of created) {
    for (;;) {
      const found = await api.get(key(name));
      const conditions = ((found?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${name} was not Established within ${Math.round(options.timeoutMs / 1000)}s`);
      await sleep(250);
    }
  }
  return created;
}

/** The kind a CustomResourceDefinition serves, at its storage version (or first served one). */
export function crdKind(crd: KubeObject): { apiVersion: string; kind: string }[] {
  const spec = crd.spec as { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean; storage?: boolean }[] } | undefined;
  const version = spec?.versions?.find((v) => v.storage) ?? spec?.versions?.find((v) => v.served);
  if (!spec?.group || !spec.names?.kind || !version) return [];
  return [{ apiVersion: `${spec.group}/${version.name}`, kind: spec.names.kind }];
}

/** Every image the run's pods use: the services' and the manifests' containers. */
function imagesOf(spec: SandboxSpec, objects: KubeObject[]): string[] {
  const images = new Set(spec.services.map((s) => s.image));
  for (const object of objects) for (const image of podImages(object)) images.add(image);
  return [...images];
}

/** The image names every node reports having (`status.images`), normalized. */
async function nodeImages(api: KubeApi): Promise<Set<string>> {
  const names = new Set<string>();
  for (const node of await api.list('v1', 'Node')) {
    for (const image of ((node.status as { images?: { names?: string[] }[] } | undefined)?.images ?? [])) for (const name of image.names ?? []) names.add(normalizeImage(name));
  }
  return names;
}

/** `debian:bookworm` → `docker.io/library/debian:bookworm`, as containerd names it. */
export function normalizeImage(image: string): string {
  const first = image.split('/')[0]!;
  const hasRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** The kind clusters on this Docker engine, by the `io.x-k8s.kind.cluster` label of their node containers. */
export async function kindClustersByLabel(docker: Docker): Promise<string[]> {
  const nodes = await docker.listContainers({ all: true, filters: JSON.stringify(kindNodeFilters()) });
  return [...new Set(nodes.map((n) => n.Labels?.[KIND_CLUSTER_LABEL]).filter((name): name is string => !!name))].sort();
}

/** The image the privileged probe runs (seeded offline on every Firedrill machine). */
const PROBE_IMAGE = 'debian:bookworm';

/** Starts a privileged container (what every kind node is) and removes it: null when Docker allows it, else why not. */
export async function privilegedProbe(docker: Docker): Promise<string | null> {
  if (!(await imageExists(docker, PROBE_IMAGE))) return `cannot test without ${PROBE_IMAGE} (run \`firedrill images seed\`)`;
  const container = await docker.createContainer({
    Image: PROBE_IMAGE,
    Cmd: ['true'],
    Labels: { [LABELS.managed]: 'true', [LABELS.run]: 'doctor-privileged-probe' },
    HostConfig: { Privileged: true, NetworkMode: 'none' },
  });
  try {
    await container.start();
    await container.wait();
    return null;
  } catch (error) {
    return dockerMessage(error);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
