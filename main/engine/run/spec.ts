import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { HealthcheckSpec, ImageSpec, KubeObject, ServiceFile, ServiceSpec, SandboxSpec } from '../../../sandbox/runtime.js';
import { argv } from '../checks/types.js';
import { toMs } from '../scenario/duration.js';
import { statSignature } from '../scenario/stat-cache.js';
import { memoryBytes, type Scenario, type Service } from '../scenario/schema.js';
import { formatDiagnostics } from '../scenario/diagnostics.js';
import { readManifests, resolveManifestImages } from '../scenario/manifests.js';

/** The pack's manifests as objects; a pack that validated has no errors here (files changed since: they are reported). */
function manifestObjects(packDir: string, manifests: string[], images: ImageSpec[], mode: 'namespaced' | 'crds' = 'namespaced'): KubeObject[] {
  const read = readManifests(packDir, manifests, images.map((image) => image.name), mode);
  const errors = read.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(formatDiagnostics(errors));
  return read.objects.map((o) => o.object);
}

/** Image tags are content-addressed, so "already built" means exactly this Dockerfile and context. */
export function imageSpecs(scenario: Scenario, packDir: string): ImageSpec[] {
  return scenario.environment.images.map((image) => {
    const contextDir = join(packDir, image.context ?? join('images', image.name));
    const hash = hashTree(contextDir, JSON.stringify([image.dockerfile, image.args]));
    return {
      name: image.name,
      contextDir,
      dockerfile: image.dockerfile,
      buildArgs: image.args,
      tag: `firedrill/${scenario.metadata.name}-${image.name}:${hash.slice(0, 12)}`,
    };
  });
}

export function imageTagResolver(images: ImageSpec[]): (name: string) => string {
  return (name) => images.find((image) => image.name === name)?.tag ?? name;
}

/** sha256 of a folder's files (names and contents) and a salt; read again only when a file's stats moved. */
export function hashTree(dir: string, salt = ''): string {
  const files = new Map<string, Stats>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else files.set(path, stat);
    }
  };
  walk(dir);
  const key = `${salt}\0${statSignature(dir, files)}`;
  const cached = treeHashes.get(dir);
  if (cached?.key === key) return cached.hash;
  const hash = createHash('sha256').update(salt);
  for (const path of files.keys()) hash.update(relative(dir, path)).update('\0').update(readFileSync(path)).update('\0');
  const digest = hash.digest('hex');
  treeHashes.set(dir, { key, hash: digest });
  return digest;
}

const treeHashes = new Map<string, { key: string; hash: string }>();

function healthcheck(service: Service): HealthcheckSpec | undefined {
  const hc = service.healthcheck;
  if (!hc) return undefined;
  return {
    command: typeof hc.test === 'string' ? { shell: hc.test } : { argv: hc.test },
    intervalMs: toMs(hc.interval),
    timeoutMs: toMs(hc.timeout),
    retries: hc.retries,
    startPeriodMs: toMs(hc.startPeriod),
  };
}

/** Turns the scenario's environment into what a runtime builds; the bastion also gets Firedrill's shell files. */
export function sandboxSpec(options: {
  runId: string;
  scenario: Scenario;
  packDir: string;
  images: ImageSpec[];
  bastionFiles: ServiceFile[];
}): SandboxSpec {
  const { scenario, packDir } = options;
  const tagOf = imageTagResolver(options.images);
  const services: ServiceSpec[] = Object.entries(scenario.environment.services).map(([name, service]) => {
    const networks = Array.isArray(service.networks)
      ? service.networks.map((network) => ({ name: network, aliases: [] as string[] }))
      : Object.entries(service.networks).map(([network, spec]) => ({
          name: network,
          ...(spec.ipv4 ? { ipv4: spec.ipv4 } : {}),
          aliases: spec.aliases,
        }));
    const files: ServiceFile[] = service.files.map((file) => ({
      source: isAbsolute(file.source) ? file.source : join(packDir, file.source),
      target: file.target,
      mode: parseInt(file.mode, 8),
    }));
    if (name === scenario.environment.bastion) files.push(...options.bastionFiles);
    return {
      name,
      image: tagOf(service.image),
      ...(service.command ? { command: argv(service.command) } : {}),
      ...(service.entrypoint ? { entrypoint: typeof service.entrypoint === 'string' ? ['sh', '-c', service.entrypoint] : service.entrypoint } : {}),
      env: service.env,
      ...(service.user ? { user: service.user } : {}),
      ...(service.workdir ? { workdir: service.workdir } : {}),
      hostname: name,
      networks,
      capabilities: service.capabilities,
      sysctls: service.sysctls,
      ...(healthcheck(service) ? { healthcheck: healthcheck(service) } : {}),
      ...(memoryBytes(service.memory) ? { memoryBytes: memoryBytes(service.memory) } : {}),
      ...(service.cpus ? { cpus: service.cpus } : {}),
      ...(service.pids ? { pids: service.pids } : {}),
      files,
      ...(service.tmpfs.length > 0
        ? {
            tmpfs: service.tmpfs.map((t) => ({
              target: t.target,
              sizeBytes: memoryBytes(t.size)!,
              mode: parseInt(t.mode, 8),
              ...(t.uid !== undefined ? { uid: t.uid } : {}),
              ...(t.gid !== undefined ? { gid: t.gid } : {}),
            })),
          }
        : {}),
      ...(service.volumes.length > 0 ? { volumes: service.volumes.map((m) => ({ volume: m.volume, target: m.target, readOnly: m.readOnly })) } : {}),
      publish: service.publish,
      dependsOn: service.dependsOn,
      // The bastion keeps a TTY so `docker exec -it` shells behave like a login.
      tty: name === scenario.environment.bastion,
    };
  });
  const kube = scenario.environment.kubernetes;
  return {
    runId: options.runId,
    scenario: scenario.metadata.name,
    ...(kube
      ? {
          objects: resolveManifestImages(manifestObjects(packDir, kube.manifests, options.images), tagOf),
          rolloutTimeoutMs: toMs(kube.rolloutTimeout),
          ...(kube.crds.length > 0 ? { crds: manifestObjects(packDir, kube.crds, options.images, 'crds') } : {}),
        }
      : {}),
    images: options.images,
    networks: scenario.environment.networks.map((n) => ({
      name: n.name,
      ...(n.subnet ? { subnet: n.subnet } : {}),
      egress: n.egress,
      ...(n.routed ? { routed: true } : {}),
    })),
    ...(scenario.environment.volumes.length > 0
      ? {
          volumes: scenario.environment.volumes.map((v) => ({
            name: v.name,
            ...(v.size !== undefined ? { sizeBytes: memoryBytes(v.size)! } : {}),
            ...(v.mode !== undefined ? { mode: parseInt(v.mode, 8) } : {}),
            ...(v.uid !== undefined ? { uid: v.uid } : {}),
            ...(v.gid !== undefined ? { gid: v.gid } : {}),
          })),
        }
      : {}),
    services,
  };
}
