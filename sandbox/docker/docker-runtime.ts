/**
 * The Docker-only runtime: scenario networks and containers on the user's engine.
 * The engine calls it through SandboxRuntime; everything it creates carries LABELS.
 */
import type Docker from 'dockerode';
import type {
  CleanupOptions,
  CleanupReport,
  ImageSpec,
  ProgressListener,
  Sandbox,
  SandboxOperation,
  SandboxRuntime,
  SandboxSpec,
} from '../runtime.js';
import { KUBERNETES_ONLY_OPERATIONS, SANDBOX_OPERATIONS } from '../runtime.js';
import { buildImages, imageExists } from './build.js';
import { cleanupRuns } from './cleanup.js';
import { createDockerClient } from './client.js';
import {
  containerCreateOptions,
  createContainer,
  publishedPorts,
  waitHealthy,
  type Attachment,
} from './containers.js';
import {
  assertNamePart,
  containerName,
  currentOwner,
  labelFilters,
  networkName,
  runLabels,
  volumeName,
  type Owner,
} from './labels.js';
import { volumeCreateOptions } from './volumes.js';
import { cidrContains, parseIpv4Cidr } from '../../shared/net/ipv4.js';
import {
  accessNetworkOptions,
  ACCESS_NETWORK,
  assertNoSubnetConflicts,
  existingNetworks,
  networkCreateOptions,
} from './network.js';
import { startInDependencyOrder, startOrder } from './order.js';
import { DockerSandbox, type ServiceState } from './sandbox.js';
import { resolveDockerEndpoint, type DockerEndpoint } from './socket.js';

export interface DockerRuntimeOptions {
  /** Defaults to resolveDockerEndpoint(). */
  endpoint?: DockerEndpoint;
  /** Defaults to a dockerode client for `endpoint`; tests may inject one. */
  docker?: Docker;
  /** How long a service may take to become healthy (default 120 s). */
  healthTimeoutMs?: number;
  /** The `docker` binary terminals run (default `docker` on PATH). */
  dockerCli?: string;
  /** Owner written to labels (default this process and host). */
  owner?: Owner;
}

/** Containers on Docker networks can do every sandbox operation but those on Kubernetes objects. */
export const DOCKER_OPERATIONS: readonly SandboxOperation[] = SANDBOX_OPERATIONS.filter(
  (operation) => !(KUBERNETES_ONLY_OPERATIONS as readonly string[]).includes(operation),
);

export class DockerRuntime implements SandboxRuntime {
  readonly kind = 'docker' as const;
  readonly endpoint: DockerEndpoint;
  readonly docker: Docker;
  private readonly healthTimeoutMs: number;
  private readonly dockerCli: string;
  private readonly owner: Owner;

  constructor(options: DockerRuntimeOptions = {}) {
    this.endpoint = options.endpoint ?? resolveDockerEndpoint();
    this.docker = options.docker ?? createDockerClient(this.endpoint);
    this.healthTimeoutMs = options.healthTimeoutMs ?? 120_000;
    this.dockerCli = options.dockerCli ?? 'docker';
    this.owner = options.owner ?? currentOwner();
  }

  supports(operation: SandboxOperation): boolean {
    return DOCKER_OPERATIONS.includes(operation);
  }

  async imagesPresent(tags: string[]): Promise<Record<string, boolean>> {
    const entries = await Promise.all(
      tags.map(async (tag) => [tag, await imageExists(this.docker, tag)] as const),
    );
    return Object.fromEntries(entries);
  }

  buildImages(images: ImageSpec[], onProgress: ProgressListener, signal?: AbortSignal): Promise<void> {
    return buildImages(this.docker, images, onProgress, signal);
  }

  cleanup(options: CleanupOptions = {}): Promise<CleanupReport> {
    return cleanupRuns(this.docker, options);
  }

  /**
   * Networks, then containers in dependsOn order, each healthy before its dependants start; a service
   * starts as soon as its own dependencies are up (startInDependencyOrder). On any failure or abort,
   * everything of the run is removed before the error propagates.
   */
  async up(spec: SandboxSpec, onProgress: ProgressListener, signal?: AbortSignal): Promise<Sandbox> {
    assertNamePart('run id', spec.runId);
    const services = startOrder(spec.services);
    const networks = new Map(
      spec.networks.map((n) => [n.name, { spec: n, dockerName: networkName(spec.runId, n.name) }]),
    );
    // Scenario networks are internal (no egress), and Docker cannot publish ports from an internal
    // network. Services that publish ports also join a run-owned bridge without masquerading: the host
    // reaches their published ports, but nothing inside gets a route out.
    const needsAccess = spec.services.some((service) => service.publish.length > 0);
    const access = needsAccess ? { dockerName: networkName(spec.runId, ACCESS_NETWORK) } : null;
    const states = new Map<string, ServiceState>();
    for (const service of services) {
      assertNamePart('service name', service.name);
      states.set(service.name, {
        spec: service,
        attachments: this.attachmentsFor(service, networks, access),
        labels: { ...runLabels(spec.runId, spec.scenario, this.owner, service.name), ...spec.labels },
        ports: new Map(),
      });
    }

    const max = networks.size + (spec.volumes ?? []).length + (access ? 1 : 0) + services.length * 2;
    let current = 0;
    const step = (description: string) => onProgress({ current: ++current, max, description });
    const check = () => signal?.throwIfAborted();

    // A run id is used once: cleaning up after a failure must never hit another live run's objects.
    const filters = JSON.stringify(labelFilters(spec.runId));
    const [clashContainers, clashNetworks, clashVolumes] = await Promise.all([
      this.docker.listContainers({ all: true, filters }),
      this.docker.listNetworks({ filters }),
      this.docker.listVolumes({ filters }),
    ]);
    if (clashContainers.length + clashNetworks.length + (clashVolumes.Volumes ?? []).length > 0) {
      throw new Error(
        `run ${spec.runId} already has Docker objects; tear it down (or \`firedrill clean --run ${spec.runId}\`) before starting it again`,
      );
    }

    try {
      check();
      assertNoSubnetConflicts([...networks.values()], await existingNetworks(this.docker));
      for (const { spec: network, dockerName } of networks.values()) {
        check();
        await this.docker.createNetwork(
          networkCreateOptions(dockerName, network, { ...runLabels(spec.runId, spec.scenario, this.owner), ...spec.labels }),
        );
        step(
          `network ${network.name} created${network.routed ? ' (routed, no way out)' : network.egress ? '' : ' (internal)'}`,
        );
      }
      for (const volume of spec.volumes ?? []) {
        check();
        await this.docker.createVolume(volumeCreateOptions(volumeName(spec.runId, volume.name), volume, runLabels(spec.runId, spec.scenario, this.owner)));
        step(`volume ${volume.name} created${volume.sizeBytes ? ` (${Math.round(volume.sizeBytes / 1024 ** 2)} MiB, in memory)` : ''}`);
      }
      if (access) {
        await this.docker.createNetwork(
          accessNetworkOptions(access.dockerName, { ...runLabels(spec.runId, spec.scenario, this.owner), ...spec.labels }),
        );
        step('network for published ports created');
      }
      const startService = async (service: (typeof services)[number]): Promise<void> => {
        check();
        const state = states.get(service.name)!;
        const attachments = [...state.attachments.values()];
        const name = containerName(spec.runId, service.name);
        const container = await createContainer(
          this.docker,
          containerCreateOptions(name, service, state.labels, attachments, (volume) => volumeName(spec.runId, volume)),
          attachments,
          service.files,
        );
        check();
        await container.start();
        step(`${service.name}: started`);
        await waitHealthy(this.docker, container, service.name, this.healthTimeoutMs, signal);
        if (service.publish.length > 0) state.ports = await publishedPorts(container);
        step(`${service.name}: ${service.healthcheck ? 'healthy' : 'running'}`);
      };
      await startInDependencyOrder(services, startService);
    } catch (error) {
      // Leave nothing half-built behind (labels find what was created, even mid-way).
      await cleanupRuns(this.docker, { runId: spec.runId }).catch(() => undefined);
      throw signal?.aborted ? signal.reason : error;
    }
    return new DockerSandbox({
      docker: this.docker,
      endpoint: this.endpoint,
      runId: spec.runId,
      services: states,
      healthTimeoutMs: this.healthTimeoutMs,
      dockerCli: this.dockerCli,
    });
  }

  /** Attachments in spec order; aliases always include the service name; fixed IPs need a subnet. */
  private attachmentsFor(
    service: SandboxSpec['services'][number],
    networks: Map<string, { spec: SandboxSpec['networks'][number]; dockerName: string }>,
    access: { dockerName: string } | null,
  ): Map<string, Attachment> {
    const result = new Map<string, Attachment>();
    for (const wanted of service.networks) {
      const network = networks.get(wanted.name);
      if (!network) throw new Error(`service "${service.name}" uses unknown network "${wanted.name}"`);
      if (wanted.ipv4) {
        const subnet = network.spec.subnet ? parseIpv4Cidr(network.spec.subnet) : undefined;
        if (!subnet)
          throw new Error(
            `service "${service.name}" wants ${wanted.ipv4} on network "${wanted.name}", which has no subnet`,
          );
        if (!cidrContains(subnet, wanted.ipv4)) {
          throw new Error(
            `service "${service.name}": ${wanted.ipv4} is outside network "${wanted.name}" (${network.spec.subnet})`,
          );
        }
      }
      result.set(wanted.name, {
        dockerNetwork: network.dockerName,
        aliases: [...new Set([service.name, ...wanted.aliases])],
        ...(wanted.ipv4 ? { ipv4: wanted.ipv4 } : {}),
      });
    }
    if (access && service.publish.length > 0)
      result.set(ACCESS_NETWORK, { dockerNetwork: access.dockerName, aliases: [] });
    return result;
  }
}
