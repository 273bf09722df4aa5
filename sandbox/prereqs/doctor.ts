/**
 * `firedrill doctor`: check what a run needs before the learner waits on a failure halfway.
 * Each check says what it saw (detail) and, when not passing, one sentence on how to fix it.
 * Everything outside (binaries, disk, memory, the Docker client, env) is injected.
 */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { freemem } from 'node:os';
import { dirname } from 'node:path';
import type { DoctorCheck, DoctorCheckId, DoctorReport, DoctorStatus } from '../../shared/doctor.js';
import { createDockerClient } from '../docker/client.js';
import { describeEndpoint, resolveDockerEndpoint, type DockerEndpoint } from '../docker/socket.js';
import { KubernetesRuntime } from '../kubernetes/kubernetes-runtime.js';

export type { DoctorCheck, DoctorCheckId, DoctorReport, DoctorStatus } from '../../shared/doctor.js';

/** The part of the Docker API the doctor uses (dockerode fits; tests pass a fake). */
export interface DoctorDockerClient {
  ping(): Promise<unknown>;
  version(): Promise<{ Version?: string; ApiVersion?: string; Os?: string; Components?: { Name?: string }[] }>;
  info(): Promise<{ MemTotal?: number; NCPU?: number; OperatingSystem?: string }>;
  getImage(tag: string): { inspect(): Promise<unknown> };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DoctorDeps {
  resolveEndpoint(): DockerEndpoint;
  docker(endpoint: DockerEndpoint): DoctorDockerClient;
  /** Run a binary; reject (ENOENT) when it is not on PATH. */
  run(file: string, args: string[], timeoutMs: number): Promise<RunResult>;
  /** Free bytes on the filesystem holding `path` (which may not exist yet). */
  freeDiskBytes(path: string): Promise<number>;
  freeMemoryBytes(): number;
  dataDir: string;
  platform: NodeJS.Platform;
  /** The Kubernetes rows (target, privileged containers for kind, RBAC): sandbox/kubernetes/doctor.ts. */
  kubernetes(): Promise<DoctorCheck[]>;
}

const GB = 1024 ** 3;
const BASE_IMAGE = 'debian:bookworm';

function gb(bytes: number): string {
  return `${(bytes / GB).toFixed(1)} GB`;
}

/** The real machine; the data directory comes from the caller (the sandbox knows nothing of main's paths). */
export function defaultDoctorDeps(dataDir: string): DoctorDeps {
  return {
    resolveEndpoint: () => resolveDockerEndpoint(),
    docker: (endpoint) => createDockerClient(endpoint) as unknown as DoctorDockerClient,
    run: (file, args, timeoutMs) =>
      new Promise((resolve, reject) => {
        execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(error);
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    freeDiskBytes: async (path) => {
      // Walk up to the closest existing directory: the data dir is created on first run.
      let current = path;
      for (;;) {
        try {
          const stats = await statfs(current);
          return stats.bavail * stats.bsize;
        } catch (error) {
          const parent = dirname(current);
          if (parent === current) throw error;
          current = parent;
        }
      }
    },
    freeMemoryBytes: () => freemem(),
    dataDir,
    platform: process.platform,
    kubernetes: () => new KubernetesRuntime({ dataDir }).doctor(),
  };
}

function check(id: DoctorCheckId, title: string, status: DoctorStatus, detail: string, fix = ''): DoctorCheck {
  return { id, title, status, detail, fix: status === 'pass' ? '' : fix };
}

function startDockerFix(platform: NodeJS.Platform): string {
  const start =
    platform === 'linux' ? 'Run `sudo systemctl start docker`' : 'Start Docker Desktop (or colima / Rancher Desktop)';
  return `${start}; set DOCKER_HOST if your engine listens elsewhere.`;
}

async function checkDocker(deps: DoctorDeps): Promise<{ check: DoctorCheck; client?: DoctorDockerClient }> {
  const title = 'Docker engine';
  let endpoint: DockerEndpoint;
  try {
    endpoint = deps.resolveEndpoint();
  } catch (error) {
    return {
      check: check('docker', title, 'fail', (error as Error).message, 'Fix the Docker context or set DOCKER_HOST to your engine.'),
    };
  }
  const where = describeEndpoint(endpoint);
  if (endpoint.source === 'default') {
    return {
      check: check(
        'docker',
        title,
        'fail',
        `no Docker socket found (looked at ${endpoint.searched.join(', ')})`,
        startDockerFix(deps.platform),
      ),
    };
  }
  const client = deps.docker(endpoint);
  try {
    await client.ping();
  } catch (error) {
    return {
      check: check('docker', title, 'fail', `${where} does not answer: ${(error as Error).message}`, startDockerFix(deps.platform)),
    };
  }
  let version = 'unknown version';
  let memory: number | undefined;
  let podman = false;
  try {
    const v = await client.version();
    version = `Docker ${v.Version ?? '?'} (API ${v.ApiVersion ?? '?'})`;
    podman = (v.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
    memory = (await client.info()).MemTotal;
  } catch {
    // ping worked: version details are nice to have.
  }
  const memoryText = memory ? `, ${gb(memory)} memory` : '';
  const detail = `${version} at ${where}${memoryText}`;
  if (podman) {
    return {
      check: check('docker', title, 'warn', `${detail}; this is Podman's Docker API`, 'Use Docker Engine or Docker Desktop; Podman is untested.'),
      client,
    };
  }
  if (memory !== undefined && memory < 4 * GB) {
    return {
      check: check('docker', title, 'warn', detail, 'Give the Docker engine at least 4 GB of memory (Docker Desktop: Settings → Resources).'),
      client,
    };
  }
  return { check: check('docker', title, 'pass', detail), client };
}

/** Run `file args`; undefined when the binary is missing, else its first output line. */
async function binaryVersion(deps: DoctorDeps, file: string, args: string[]): Promise<{ found: boolean; line: string; code: number }> {
  try {
    const result = await deps.run(file, args, 10_000);
    const line = (result.stdout || result.stderr).trim().split('\n')[0] ?? '';
    return { found: true, line, code: result.code };
  } catch {
    return { found: false, line: '', code: -1 };
  }
}

async function checkDockerCli(deps: DoctorDeps): Promise<DoctorCheck> {
  const title = 'docker CLI (for terminals)';
  const v = await binaryVersion(deps, 'docker', ['--version']);
  if (!v.found) {
    return check('docker-cli', title, 'fail', '`docker` is not on PATH', 'Install the Docker CLI (it comes with Docker Desktop, or `sudo apt-get install docker.io`).');
  }
  return check('docker-cli', title, 'pass', v.line);
}

async function checkBaseImage(client: DoctorDockerClient | undefined): Promise<DoctorCheck> {
  const title = `Base image ${BASE_IMAGE}`;
  if (!client) return check('base-image', title, 'warn', 'not checked: no Docker engine', 'Start Docker first, then run `firedrill images seed`.');
  try {
    await client.getImage(BASE_IMAGE).inspect();
    return check('base-image', title, 'pass', `${BASE_IMAGE} is present`);
  } catch {
    return check('base-image', title, 'warn', `${BASE_IMAGE} is missing (scenario images build FROM it)`, 'Run `firedrill images seed`.');
  }
}

async function checkKind(deps: DoctorDeps): Promise<DoctorCheck> {
  const title = 'kind (optional: Kubernetes scenarios)';
  const v = await binaryVersion(deps, 'kind', ['version']);
  if (!v.found) {
    return check('kind', title, 'warn', '`kind` is not on PATH; Docker-only scenarios still work', 'Install kind from https://kind.sigs.k8s.io to run Kubernetes scenarios.');
  }
  return check('kind', title, v.code === 0 ? 'pass' : 'warn', v.line || `kind exited with ${v.code}`, 'Reinstall kind.');
}

async function checkKubectl(deps: DoctorDeps): Promise<DoctorCheck> {
  const title = 'kubectl (optional: Kubernetes scenarios)';
  const v = await binaryVersion(deps, 'kubectl', ['version', '--client']);
  if (!v.found) {
    return check('kubectl', title, 'warn', '`kubectl` is not on PATH', 'Install kubectl to use the terminal in Kubernetes scenarios.');
  }
  return check('kubectl', title, v.code === 0 ? 'pass' : 'warn', v.line || `kubectl exited with ${v.code}`, 'Reinstall kubectl.');
}

async function checkDisk(deps: DoctorDeps): Promise<DoctorCheck> {
  const title = 'Free disk space';
  let free: number;
  try {
    free = await deps.freeDiskBytes(deps.dataDir);
  } catch (error) {
    return check('disk', title, 'warn', `could not measure free space at ${deps.dataDir}: ${(error as Error).message}`, 'Check that the data directory is on a readable filesystem.');
  }
  const detail = `${gb(free)} free at ${deps.dataDir}`;
  if (free < 2 * GB) return check('disk', title, 'fail', detail, 'Free at least 2 GB (10 GB recommended), e.g. `docker system prune`.');
  if (free < 10 * GB) return check('disk', title, 'warn', detail, 'Free up to 10 GB for images and clusters, e.g. `docker system prune`.');
  return check('disk', title, 'pass', detail);
}

function checkMemory(deps: DoctorDeps): DoctorCheck {
  const free = deps.freeMemoryBytes();
  const detail = `${gb(free)} free`;
  if (free < 4 * GB) return check('memory', 'Free memory', 'warn', detail, 'Close other applications: a sandbox wants about 4 GB.');
  return check('memory', 'Free memory', 'pass', detail);
}

/** Run every check; `ok` is false when any check fails (warnings do not block). */
export async function runDoctor(partial: Partial<DoctorDeps> & Pick<DoctorDeps, 'dataDir'>): Promise<DoctorReport> {
  const deps: DoctorDeps = { ...defaultDoctorDeps(partial.dataDir), ...partial };
  const docker = await checkDocker(deps);
  const checks = [
    docker.check,
    ...(await Promise.all([
      checkDockerCli(deps),
      checkBaseImage(docker.check.status === 'fail' ? undefined : docker.client),
      checkKind(deps),
      checkKubectl(deps),
      checkDisk(deps),
    ])),
    checkMemory(deps),
    ...(await deps.kubernetes().catch((error: unknown): DoctorCheck[] => [
      check('kubernetes', 'Kubernetes cluster (optional: Kubernetes scenarios)', 'warn', `could not check: ${(error as Error).message}`, 'Run `firedrill doctor` again; report a bug if it persists.'),
    ])),
  ];
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}
