/**
 * A running Docker sandbox: the handle the engine uses for faults, checks and terminals.
 * It remembers each service's spec and where it is attached, so deploys and reconnects keep
 * names, aliases and fixed addresses.
 */
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult, ProgressListener, Sandbox, ServiceSpec } from '../runtime.js';
import { isNotModified } from './client.js';
import { cleanupRuns } from './cleanup.js';
import {
  containerCreateOptions,
  createContainer,
  endpointConfig,
  publishedPorts,
  removeContainer,
  waitHealthy,
  type Attachment,
} from './containers.js';
import { execInContainer } from './exec.js';
import { containerName, volumeName } from './labels.js';
import { dockerCliEnv, type DockerEndpoint } from './socket.js';
import { archiveName, tarFiles } from './tar.js';

export interface ServiceState {
  spec: ServiceSpec;
  /** Keyed by the scenario's network name. */
  attachments: Map<string, Attachment>;
  labels: Record<string, string>;
  ports: Map<number, number>;
}

export interface DockerSandboxOptions {
  docker: Docker;
  endpoint: DockerEndpoint;
  runId: string;
  services: Map<string, ServiceState>;
  healthTimeoutMs: number;
  /** The `docker` CLI for terminals (an absolute path when PATH is unreliable, e.g. macOS apps). */
  dockerCli: string;
}

export class DockerSandbox implements Sandbox {
  readonly runId: string;
  private readonly docker: Docker;

  constructor(private readonly options: DockerSandboxOptions) {
    this.runId = options.runId;
    this.docker = options.docker;
  }

  private state(service: string): ServiceState {
    const state = this.options.services.get(service);
    if (!state) {
      throw new Error(`run ${this.runId} has no service "${service}" (services: ${[...this.options.services.keys()].join(', ')})`);
    }
    return state;
  }

  private container(service: string): Docker.Container {
    this.state(service);
    return this.docker.getContainer(containerName(this.runId, service));
  }

  /** Ports can move when a container restarts; read them again after anything that starts one. */
  private async refreshPorts(service: string): Promise<void> {
    const state = this.state(service);
    if (state.spec.publish.length === 0) return;
    state.ports = await publishedPorts(this.container(service));
  }

  exec(service: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.docker, this.container(service), command, options);
  }

  async stop(service: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.container(service).stop({ t: timeoutSeconds });
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  }

  async start(service: string): Promise<void> {
    try {
      await this.container(service).start();
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
    await this.refreshPorts(service);
  }

  async restart(service: string): Promise<void> {
    await this.container(service).restart();
    await this.refreshPorts(service);
  }

  async kill(service: string, signal = 'SIGKILL'): Promise<void> {
    await this.container(service).kill({ signal });
  }

  async pause(service: string): Promise<void> {
    await this.container(service).pause();
  }

  async unpause(service: string): Promise<void> {
    await this.container(service).unpause();
  }

  async disconnect(service: string, network: string): Promise<void> {
    const attachment = this.attachment(service, network);
    await this.docker.getNetwork(attachment.dockerNetwork).disconnect({ Container: containerName(this.runId, service), Force: true });
  }

  async connect(service: string, network: string): Promise<void> {
    const attachment = this.attachment(service, network);
    // Same aliases and the same fixed address as before: other services keep finding it.
    await this.docker.getNetwork(attachment.dockerNetwork).connect({
      Container: containerName(this.runId, service),
      EndpointConfig: endpointConfig(attachment),
    });
  }

  private attachment(service: string, network: string): Attachment {
    const attachment = this.state(service).attachments.get(network);
    if (!attachment) throw new Error(`service "${service}" is not attached to network "${network}" in its spec`);
    return attachment;
  }

  async writeFile(service: string, path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    archiveName(path); // validates before we build anything
    await this.container(service).putArchive(await tarFiles([{ path, content, mode }]), { path: '/' });
  }

  /**
   * A deploy, the way compose recreates: stop the old container (which frees its fixed
   * addresses), rename it aside, create the new one under the same name, networks, addresses and
   * labels, start it and wait for health. On failure the old one comes back.
   */
  async replace(service: string, overrides: { image?: string; env?: Record<string, string> }): Promise<void> {
    const state = this.state(service);
    const name = containerName(this.runId, service);
    const spec: ServiceSpec = {
      ...state.spec,
      ...(overrides.image ? { image: overrides.image } : {}),
      env: { ...state.spec.env, ...(overrides.env ?? {}) },
    };
    const old = this.docker.getContainer(name);
    const before = await old.inspect();
    // Keep the current attachments (a fault may have disconnected one: a deploy does not heal it).
    const connected = new Set(Object.keys(before.NetworkSettings.Networks ?? {}));
    const attachments = [...state.attachments.values()].filter((a) => connected.has(a.dockerNetwork));
    const options = containerCreateOptions(name, spec, before.Config.Labels ?? state.labels, attachments, (volume) => volumeName(this.runId, volume));
    await this.docker.getImage(spec.image).inspect().catch((error: unknown) => {
      throw new Error(`cannot deploy "${service}": image ${spec.image} is not available (${(error as Error).message})`);
    });

    const asideName = `${name}-old-${Date.now().toString(36)}`;
    if (before.State.Running) await old.stop({ t: 10 }).catch((e: unknown) => (isNotModified(e) ? undefined : Promise.reject(e)));
    await old.rename({ name: asideName });
    let created: Docker.Container | undefined;
    try {
      created = await createContainer(this.docker, options, attachments, spec.files);
      await created.start();
      await waitHealthy(this.docker, created, service, this.options.healthTimeoutMs);
    } catch (error) {
      // Roll back: the old container takes its name (and addresses) again.
      if (created) await removeContainer(this.docker, created.id);
      await old.rename({ name });
      if (before.State.Running) await old.start().catch(() => undefined);
      throw error;
    }
    await removeContainer(this.docker, asideName);
    state.spec = spec;
    await this.refreshPorts(service);
  }

  async endpoint(service: string, containerPort: number): Promise<{ host: string; port: number }> {
    const state = this.state(service);
    const port = state.ports.get(containerPort);
    if (port === undefined) {
      throw new Error(
        `service "${service}" does not publish port ${containerPort} (published: ${state.spec.publish.join(', ') || 'none'})`,
      );
    }
    return { host: '127.0.0.1', port };
  }


  shellCommand(service: string, shell?: string[]): { file: string; args: string[]; env: Record<string, string> } {
    // Default: bash when the image has it, else sh.
    const command = shell ?? ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];
    return {
      file: this.options.dockerCli,
      args: ['exec', '-it', '-e', 'TERM=xterm-256color', this.container(service).id, ...command],
      env: dockerCliEnv(this.options.endpoint),
    };
  }

  async teardown(onProgress?: ProgressListener): Promise<void> {
    await cleanupRuns(this.docker, { runId: this.runId, ...(onProgress ? { onProgress } : {}) });
    onProgress?.({ current: 1, max: 1, description: `run ${this.runId} removed` });
  }
}

