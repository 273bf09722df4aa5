/**
 * The engine talks to a sandbox only through these interfaces, so unit tests can swap in a fake and a
 * second runtime (Kubernetes) joins by implementing them and registering in the RuntimeRegistry
 * (registry.ts), without touching the engine. A runtime knows nothing of scenarios' meaning: it brings
 * services up, runs operations on them, and removes what it made.
 */
import type { ProgressListener } from '../shared/progress.js';

export type { Progress, ProgressListener } from '../shared/progress.js';

/** The runtimes a scenario may name in `runtimes:` (the YAML also accepts `kind` for `kubernetes`). */
export const RUNTIME_KINDS = ['docker', 'kubernetes'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/**
 * What a sandbox can be asked to do: the Sandbox methods that change or read a service, and the storage a
 * service can be given. A runtime says
 * which it supports (`SandboxRuntime.supports`), so validation rejects a fault it could not perform.
 */
export const SANDBOX_OPERATIONS = [
  'exec',
  'writeFile',
  'stop',
  'start',
  'restart',
  'kill',
  'pause',
  'unpause',
  'disconnect',
  'connect',
  'replace',
  // Kubernetes objects of the run's namespace (ClusterOperations): faults and checks in Kubernetes terms.
  'apply',
  'patch',
  'scale',
  'deletePods',
  'delete',
  'getObject',
  /** Size-capped memory filesystems of a service (ServiceSpec.tmpfs). */
  'tmpfs',
  /** Named volumes of the run shared by services (SandboxSpec.volumes); `size` is enforced where a runtime can. */
  'volume',
] as const;
export type SandboxOperation = (typeof SANDBOX_OPERATIONS)[number];

/** The operations on Kubernetes objects (Sandbox.cluster): a sandbox without a cluster has none of them. */
export const KUBERNETES_ONLY_OPERATIONS = ['apply', 'patch', 'scale', 'deletePods', 'delete', 'getObject'] as const satisfies readonly SandboxOperation[];

/** Labels on every object we create; cleanup finds leftovers by them, even after a crash. */
export const LABELS = {
  managed: 'firedrill.managed',
  run: 'firedrill.run',
  scenario: 'firedrill.scenario',
  service: 'firedrill.service',
  /** pid and host of the process that owns the run: a run whose owner is gone is an orphan. */
  ownerPid: 'firedrill.owner-pid',
  ownerHost: 'firedrill.owner-host',
  /** The game (game-day mode) a run belongs to: the kill switch and the dead man's switch find its objects by it. */
  game: 'firedrill.game',
  /**
   * When the objects may be removed even though their owner may live (epoch milliseconds): the dead man's
   * switch. `firedrill clean --expired`, the next start and a game's watchdog enforce it without the owner.
   */
  deadline: 'firedrill.deadline',
} as const;

/** The labels a caller may add to a sandbox's objects (SandboxSpec.labels): game membership and a deadline. */
export type ExtraLabelKey = typeof LABELS.game | typeof LABELS.deadline;

/** Is a labelled object past its deadline? Objects without one never expire. */
export function isExpired(labels: Record<string, string> | undefined, now: number, moved?: Readonly<Record<string, number>>): boolean {
  // Labels cannot change once set: a game whose clock moved (paused, extended) says its deadline elsewhere.
  const game = labels?.[LABELS.game];
  const override = game !== undefined && moved && Object.prototype.hasOwnProperty.call(moved, game) ? moved[game] : undefined;
  const deadline = override ?? Number(labels?.[LABELS.deadline]);
  return Number.isFinite(deadline) && deadline > 0 && deadline <= now;
}

/** Which labelled objects a cleanup removes. The filters add up: every one given must match. */
export interface CleanupOptions {
  runId?: string;
  /** Spare runs whose owner process is alive. */
  onlyOrphans?: boolean;
  /** Only the objects of this game. */
  gameId?: string;
  /** Only objects past their deadline label (`now`, epoch ms, defaults to the clock). */
  expired?: boolean;
  now?: number;
  /**
   * Games whose deadline moved since their objects were labelled (the facilitator paused or extended the
   * clock): game id to its current deadline (epoch ms), read over the label's.
   */
  deadlines?: Readonly<Record<string, number>>;
}

export interface ImageSpec {
  /** Name inside the pack, e.g. `orders`. */
  name: string;
  /** Absolute path of the build context. */
  contextDir: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  buildArgs: Record<string, string>;
  /** Local tag, content-addressed: `firedrill/<scenario>-<name>:<hash>`. */
  tag: string;
}

export interface NetworkSpec {
  name: string;
  subnet?: string;
  /** false: an internal network with no route out of the sandbox. */
  egress: boolean;
  /**
   * Carries traffic a router container forwards between subnets, still with no way out: see
   * networkCreateOptions in sandbox/docker/network.ts.
   */
  routed?: boolean;
}

export interface ServiceFile {
  /** Absolute path on the host (inside the pack). */
  source: string;
  /** Absolute path in the container; copied in read-only before start (no host mounts). */
  target: string;
  mode: number;
}

/** A command run inside the service: an argv as is, or a shell string (run with `sh -c`). */
export type ProbeCommand = { argv: string[] } | { shell: string };

/** When is a service ready? Each runtime maps this onto its own probe (Docker HEALTHCHECK, a Kubernetes exec probe). */
export interface HealthcheckSpec {
  command: ProbeCommand;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/**
 * A memory-backed filesystem of the service's own, capped at `sizeBytes` (writing past it fails with ENOSPC).
 * Its pages count against the service's memory limit. Emptied when the container stops or is replaced.
 */
export interface TmpfsSpec {
  /** Absolute path in the container. */
  target: string;
  sizeBytes: number;
  /** Octal permission bits of the mount's root, e.g. 0o1777. */
  mode: number;
  uid?: number;
  gid?: number;
}

/**
 * A named volume of the run that several services may mount. With `sizeBytes` it is memory-backed and capped
 * (the only size a runtime can enforce without privileges); without, it lives on the engine's disk, uncapped.
 * It outlives restarts and deploys of the services that mount it, and is removed with the run.
 */
export interface VolumeSpec {
  name: string;
  sizeBytes?: number;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** Where a service mounts one of the run's volumes. */
export interface VolumeMountSpec {
  volume: string;
  target: string;
  readOnly: boolean;
}

export interface ServiceSpec {
  name: string;
  /** A local image tag (already built or seeded). */
  image: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  user?: string;
  workdir?: string;
  hostname?: string;
  networks: { name: string; ipv4?: string; aliases: string[] }[];
  capabilities: string[];
  sysctls: Record<string, string>;
  healthcheck?: HealthcheckSpec;
  /** Limits; unset ones take RESOURCE_LIMITS.defaults (see resourceLimits). */
  memoryBytes?: number;
  cpus?: number;
  /** The most processes and threads the container may hold at once. */
  pids?: number;
  files: ServiceFile[];
  /** Size-capped memory filesystems of this service alone. */
  tmpfs?: TmpfsSpec[];
  /** The run's volumes this service mounts (SandboxSpec.volumes). */
  volumes?: VolumeMountSpec[];
  /** Container ports published on 127.0.0.1 at a free random host port (reachable on Docker Desktop too). */
  publish: number[];
  /** Services started before this one (and healthy, when they have a healthcheck). */
  dependsOn: string[];
  tty: boolean;
}

const MiB = 1024 ** 2;

/**
 * Every container gets limits, so a fork bomb or a memory hog in a bastion stays in its box: the
 * defaults unless the pack sets its own per service, within [min, max] (checked by the pack schema).
 * Memory and swap are the same number: a hog is OOM-killed inside its container, never swaps the host.
 */
export const RESOURCE_LIMITS = {
  defaults: { memoryBytes: 512 * MiB, cpus: 1, pids: 512 },
  min: { memoryBytes: 16 * MiB, cpus: 0.05, pids: 16 },
  max: { memoryBytes: 16 * 1024 * MiB, cpus: 16, pids: 8192 },
} as const;

/** Sizes a pack may give a tmpfs or a sized volume (memory-backed, so bounded like memory). */
export const STORAGE_LIMITS = { minBytes: 1 * MiB, maxBytes: 4 * 1024 * MiB } as const;

export interface ResourceLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

/** The limits a service runs with: its own, or the defaults. */
export function resourceLimits(service: Pick<ServiceSpec, 'memoryBytes' | 'cpus' | 'pids'>): ResourceLimits {
  const d = RESOURCE_LIMITS.defaults;
  return { memoryBytes: service.memoryBytes ?? d.memoryBytes, cpus: service.cpus ?? d.cpus, pids: service.pids ?? d.pids };
}

/**
 * A Kubernetes object as plain JSON (a manifest document). The engine reads and checks manifests
 * (main/engine/scenario/manifests.ts); a runtime only applies them.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export type { ObjectRef } from './kubernetes/kinds.js';
import type { ObjectRef } from './kubernetes/kinds.js';

export interface SandboxSpec {
  runId: string;
  scenario: string;
  /** Added to every object of the sandbox (a game's id and deadline). */
  labels?: Partial<Record<ExtraLabelKey, string>>;
  images: ImageSpec[];
  networks: NetworkSpec[];
  /** Named volumes services share (ServiceSpec.volumes mounts them). */
  volumes?: VolumeSpec[];
  services: ServiceSpec[];
  /** Kubernetes only: the pack's manifests (image names already resolved to tags), applied in this order. */
  objects?: KubeObject[];
  /**
   * Kubernetes only: CustomResourceDefinitions the objects need (cluster-wide): created when missing and
   * Established before the namespace is filled; never replaced or deleted (shared with other runs and the
   * cluster's own operators).
   */
  crds?: KubeObject[];
  /** Kubernetes only: how long the workloads may take to roll out at start. */
  rolloutTimeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  user?: string;
  env?: Record<string, string>;
  workdir?: string;
  timeoutMs?: number;
  stdin?: string | Buffer;
}

/** A running sandbox: the handle the engine uses to inject faults, run checks and open terminals. */
export interface Sandbox {
  readonly runId: string;
  exec(service: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  stop(service: string, timeoutSeconds?: number): Promise<void>;
  start(service: string): Promise<void>;
  restart(service: string): Promise<void>;
  kill(service: string, signal?: string): Promise<void>;
  pause(service: string): Promise<void>;
  unpause(service: string): Promise<void>;
  disconnect(service: string, network: string): Promise<void>;
  connect(service: string, network: string): Promise<void>;
  writeFile(service: string, path: string, content: string | Buffer, mode?: number): Promise<void>;
  /** Replace a service's container with a new one (a deploy): same name, networks and addresses. */
  replace(service: string, overrides: { image?: string; env?: Record<string, string> }): Promise<void>;
  /**
   * Where the Node side reaches a service's port (one it publishes). Async: a runtime may have to open
   * a way in first (a Kubernetes port-forward).
   */
  endpoint(service: string, port: number): Promise<{ host: string; port: number }>;
  /** The command line and environment that open an interactive shell in a service (node-pty runs it). */
  shellCommand(service: string, shell?: string[]): { file: string; args: string[]; env: Record<string, string> };
  /** Remove every object of this run. Idempotent. */
  teardown(onProgress?: ProgressListener): Promise<void>;
  /** The run's Kubernetes objects; only on runtimes that support `apply`, `patch`, ... (Kubernetes). */
  readonly cluster?: ClusterOperations;
}

export type PatchType = 'strategic' | 'merge' | 'json';

/** What a Kubernetes sandbox does to the objects of its run's namespace (and nothing outside it). */
export interface ClusterOperations {
  /** The run's namespace. */
  readonly namespace: string;
  /** Server-side apply with Firedrill's field manager; every object gets the run's labels. */
  apply(objects: KubeObject[], options?: { fieldManager?: string }): Promise<void>;
  /** A patch under its own field manager (so `kubectl diff --server-side` and managedFields show who changed what). */
  patch(ref: ObjectRef, patch: unknown, type: PatchType, options?: { fieldManager?: string }): Promise<void>;
  scale(ref: ObjectRef, replicas: number): Promise<void>;
  /** Deletes a workload's pods (its controller makes new ones); the number deleted. */
  deletePods(ref: ObjectRef): Promise<number>;
  /** Deletes an object; a missing one is not an error. */
  delete(ref: ObjectRef): Promise<void>;
  /** The object as the API server has it, or null when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | null>;
  /** The last lines of a workload's (first ready) pod's log. */
  logs(ref: ObjectRef, options?: { container?: string; tailLines?: number }): Promise<string>;
}

/** What a cleanup removed, whatever the runtime: `{kind: 'container' | 'network' | 'volume' | 'namespace' | 'kind cluster', name}`. */
export interface CleanupReport {
  removed: { kind: string; name: string }[];
}

export interface SandboxRuntime {
  readonly kind: RuntimeKind;
  /** Can a sandbox of this runtime perform this operation? Answered without touching the engine (Docker, a cluster). */
  supports(operation: SandboxOperation): boolean;
  /** Tags that already exist locally (so a scenario can say its images are built). */
  imagesPresent(tags: string[]): Promise<Record<string, boolean>>;
  buildImages(images: ImageSpec[], onProgress: ProgressListener, signal?: AbortSignal): Promise<void>;
  up(spec: SandboxSpec, onProgress: ProgressListener, signal?: AbortSignal): Promise<Sandbox>;
  /**
   * Why a run cannot start on this runtime (no cluster, kind missing, API server unreachable), or null when it can.
   * Optional: a runtime without it is judged by whether `imagesPresent` answers.
   */
  whyUnavailable?(): Promise<string | null>;
  /** Remove labelled objects: one run, or (no runId) every run; see CleanupOptions for the filters. */
  cleanup(options?: CleanupOptions): Promise<CleanupReport>;
}
