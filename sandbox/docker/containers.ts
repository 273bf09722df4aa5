import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
/**
 * Containers of a run: the create options built from a ServiceSpec (pure, unit-tested), copying
 * files in before start, waiting for health, and reading back published ports.
 */
import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { resourceLimits, type HealthcheckSpec, type ServiceSpec, type TmpfsSpec } from '../runtime.js';
import { isNotFound } from './client.js';
import { assertCapabilitiesAllowed, assertSafeCreateOptions } from './safety.js';
import { tarFiles } from './tar.js';

const MS_TO_NS = 1_000_000;

/** An endpoint on one network: the Docker network name, its aliases, and an optional fixed address. */
export interface Attachment {
  dockerNetwork: string;
  aliases: string[];
  ipv4?: string;
}

export function endpointConfig(attachment: Attachment): Docker.EndpointSettings {
  return {
    Aliases: attachment.aliases,
    ...(attachment.ipv4 ? { IPAMConfig: { IPv4Address: attachment.ipv4 } } : {}),
  };
}

/** The neutral probe in Docker's HEALTHCHECK form: an argv is `CMD`, a shell string `CMD-SHELL`. */
function healthcheck(spec: HealthcheckSpec): Docker.HealthConfig {
  const test = 'argv' in spec.command ? ['CMD', ...spec.command.argv] : ['CMD-SHELL', spec.command.shell];
  return {
    Test: test,
    Interval: spec.intervalMs * MS_TO_NS,
    Timeout: spec.timeoutMs * MS_TO_NS,
    Retries: spec.retries,
    StartPeriod: spec.startPeriodMs * MS_TO_NS,
  };
}

/** Mount options of a size-capped tmpfs (Docker adds its defaults: rw, noexec, nosuid, nodev). */
export function tmpfsOptions(tmpfs: Pick<TmpfsSpec, 'sizeBytes' | 'mode' | 'uid' | 'gid'>): string {
  return [
    `size=${tmpfs.sizeBytes}`,
    `mode=${tmpfs.mode.toString(8)}`,
    ...(tmpfs.uid !== undefined ? [`uid=${tmpfs.uid}`] : []),
    ...(tmpfs.gid !== undefined ? [`gid=${tmpfs.gid}`] : []),
  ].join(',');
}

/**
 * Create options for a service. Only the first network goes in the create call (API 1.41 takes
 * one); the others are connected before start. Publishing binds 127.0.0.1 with a random host
 * port: reachable from Node on Docker Desktop too, never exposed on the LAN.
 */
export function containerCreateOptions(
  name: string,
  service: ServiceSpec,
  labels: Record<string, string>,
  attachments: Attachment[],
  /** The engine's name of one of the run's volumes (labels.volumeName). */
  volumeName: (volume: string) => string = (volume) => volume,
): Docker.ContainerCreateOptions {
  assertCapabilitiesAllowed(service.name, service.capabilities);
  const first = attachments[0];
  const limits = resourceLimits(service);
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of service.publish) {
    exposed[`${port}/tcp`] = {};
    bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  }
  const options: Docker.ContainerCreateOptions = {
    name,
    Image: service.image,
    Hostname: service.hostname ?? service.name,
    Env: Object.entries(service.env).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    Tty: service.tty,
    OpenStdin: service.tty,
    ExposedPorts: exposed,
    ...(service.command ? { Cmd: service.command } : {}),
    ...(service.entrypoint ? { Entrypoint: service.entrypoint } : {}),
    ...(service.user ? { User: service.user } : {}),
    ...(service.workdir ? { WorkingDir: service.workdir } : {}),
    ...(service.healthcheck ? { Healthcheck: healthcheck(service.healthcheck) } : {}),
    HostConfig: {
      Init: true,
      CapAdd: service.capabilities,
      Sysctls: service.sysctls,
      PortBindings: bindings,
      NetworkMode: first ? first.dockerNetwork : 'none',
      RestartPolicy: { Name: 'no' },
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      ...((service.tmpfs ?? []).length > 0
        ? { Tmpfs: Object.fromEntries((service.tmpfs ?? []).map((t) => [t.target, tmpfsOptions(t)])) }
        : {}),
      ...((service.volumes ?? []).length > 0
        ? {
            Mounts: (service.volumes ?? []).map((m) => ({
              Type: 'volume' as const,
              Source: volumeName(m.volume),
              Target: m.target,
              ReadOnly: m.readOnly,
            })),
          }
        : {}),
    },
    NetworkingConfig: first ? { EndpointsConfig: { [first.dockerNetwork]: endpointConfig(first) } } : {},
  };
  assertSafeCreateOptions(options);
  return options;
}

/** Create the container, connect its other networks, copy its files in; not started. */
export async function createContainer(
  docker: Docker,
  options: Docker.ContainerCreateOptions,
  attachments: Attachment[],
  files: ServiceSpec['files'],
): Promise<Docker.Container> {
  assertSafeCreateOptions(options);
  const container = await docker.createContainer(options);
  for (const attachment of attachments.slice(1)) {
    await docker.getNetwork(attachment.dockerNetwork).connect({ Container: container.id, EndpointConfig: endpointConfig(attachment) });
  }
  if (files.length > 0) {
    const entries = await Promise.all(
      files.map(async (file) => ({ path: file.target, mode: file.mode, content: await readFile(file.source) })),
    );
    await container.putArchive(await tarFiles(entries), { path: '/' });
  }
  return container;
}

/**
 * The last lines a container printed (for error messages). Logs of a container without a TTY come
 * multiplexed (stdout and stderr frames): dockerode's own demuxStream splits them.
 */
export async function lastLogLines(docker: Docker, container: Docker.Container, tty: boolean, lines = 30): Promise<string> {
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    let stdout = buffer.toString('utf8');
    let stderr = '';
    if (!tty) {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const source = Readable.from([buffer]);
      docker.modem.demuxStream(source, sink(out), sink(err));
      await finished(source);
      stdout = Buffer.concat(out).toString('utf8');
      stderr = Buffer.concat(err).toString('utf8');
    }
    const text = [stdout, stderr].filter(Boolean).join('\n').trim();
    return text || '(no output)';
  } catch (error) {
    return `(logs unavailable: ${(error as Error).message})`;
  }
}

function sink(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
}

/** node's timers/promises sleep drops its abort listener when it resolves (polling must not pile them up). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : error;
  });

const SETTLE_MS = 500;

export class ServiceNotHealthyError extends Error {
  override name = 'ServiceNotHealthyError';
}

/**
 * Wait until the container's healthcheck says `healthy` (or it is running, without one).
 * Fails fast when it exits or turns `unhealthy`, with its last log lines.
 */
export async function waitHealthy(
  docker: Docker,
  container: Docker.Container,
  service: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  // Without a healthcheck, "running" must hold for a moment: a process that exits at once
  // would otherwise look fine on the first look.
  let runningSince: { startedAt: string; seen: number } | undefined;
  for (;;) {
    const info = await container.inspect();
    const state = info.State;
    const health = state.Health?.Status;
    if (state.Running && health === 'healthy') return;
    if (state.Running && health === undefined) {
      if (runningSince?.startedAt === state.StartedAt && Date.now() - runningSince.seen >= SETTLE_MS) return;
      if (runningSince?.startedAt !== state.StartedAt) runningSince = { startedAt: state.StartedAt, seen: Date.now() };
    }
    const why =
      !state.Running && ['exited', 'dead'].includes(state.Status)
        ? `exited with code ${state.ExitCode}`
        : health === 'unhealthy'
          ? `is unhealthy (last check: ${(state.Health?.Log?.at(-1)?.Output ?? '').trim() || 'no output'})`
          : Date.now() > deadline
            ? `was not ${info.Config.Healthcheck ? 'healthy' : 'running'} after ${Math.round(timeoutMs / 1000)} s (state: ${state.Status}${health ? `, health: ${health}` : ''})`
            : undefined;
    if (why) {
      throw new ServiceNotHealthyError(`service "${service}" ${why}. Last log lines:\n${await lastLogLines(docker, container, info.Config.Tty === true)}`);
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 500);
  }
}

/** Published ports after start: container port → host port (on 127.0.0.1). */
export async function publishedPorts(container: Docker.Container): Promise<Map<number, number>> {
  const info = await container.inspect();
  const ports = new Map<number, number>();
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const hostPort = bindings?.[0]?.HostPort;
    if (hostPort) ports.set(Number(key.split('/')[0]), Number(hostPort));
  }
  return ports;
}

/** Remove a container with its anonymous volumes; a missing one is fine (idempotent). */
export async function removeContainer(docker: Docker, idOrName: string): Promise<boolean> {
  try {
    await docker.getContainer(idOrName).remove({ force: true, v: true });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    // 409 "removal already in progress": also fine.
    if ((error as { statusCode?: number }).statusCode === 409) return false;
    throw error;
  }
}
