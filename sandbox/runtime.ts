/**
 * The engine talks to a sandbox only through these interfaces, so unit tests can swap in a fake
 * and the kind runtime can join later without touching the engine.
 */
import type { ProgressListener } from './progress.js';

export type { Progress, ProgressListener } from './progress.js';

/** Labels on every object we create; cleanup finds leftovers by them, even after a crash. */
export const LABELS = {
  managed: 'firedrill.managed',
  run: 'firedrill.run',
  scenario: 'firedrill.scenario',
  service: 'firedrill.service',
  /** pid and host of the process that owns the run: a run whose owner is gone is an orphan. */
  ownerPid: 'firedrill.owner-pid',
  ownerHost: 'firedrill.owner-host',
} as const;

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

export interface HealthcheckSpec {
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
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
  memoryBytes?: number;
  cpus?: number;
  files: ServiceFile[];
  /** Container ports published on 127.0.0.1 at a free random host port (reachable on Docker Desktop too). */
  publish: number[];
  /** Services started before this one (and healthy, when they have a healthcheck). */
  dependsOn: string[];
  tty: boolean;
}

export interface SandboxSpec {
  runId: string;
  scenario: string;
  images: ImageSpec[];
  networks: NetworkSpec[];
  services: ServiceSpec[];
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
  stdin?: string;
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
  /** Where the Node side reaches a published container port. */
  endpoint(service: string, containerPort: number): { host: string; port: number };
  /** The container name or id, for `docker exec -it` from a terminal. */
  containerId(service: string): string;
  /** The command line and environment that open an interactive shell in a service (used by node-pty). */
  shellCommand(service: string, shell?: string[]): { file: string; args: string[]; env: Record<string, string> };
  /** Remove every object of this run. Idempotent. */
  teardown(onProgress?: ProgressListener): Promise<void>;
}

export interface CleanupReport {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export interface SandboxRuntime {
  readonly name: 'docker' | 'kind';
  /** Tags that already exist locally (so a scenario can say its images are built). */
  imagesPresent(tags: string[]): Promise<Record<string, boolean>>;
  buildImages(images: ImageSpec[], onProgress: ProgressListener, signal?: AbortSignal): Promise<void>;
  up(spec: SandboxSpec, onProgress: ProgressListener, signal?: AbortSignal): Promise<Sandbox>;
  /** Remove labelled objects: one run, or (no runId) every run; `onlyOrphans` spares runs whose owner lives. */
  cleanup(options?: { runId?: string; onlyOrphans?: boolean }): Promise<CleanupReport>;
}
