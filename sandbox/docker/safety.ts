/**
 * What a scenario container may never get, whatever a caller (or a malicious pack) asks for:
 * privileges, host mounts, host namespaces, the Docker socket, running without resource limits. Checked on the final create
 * options, right before every container create, so no code path can bypass it.
 */
import type Docker from 'dockerode';

/** Capabilities that amount to root on the host (or the kernel). NET_ADMIN, SYS_PTRACE etc. stay allowed. */
export const FORBIDDEN_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
]);

export class UnsafeContainerError extends Error {
  override name = 'UnsafeContainerError';
}

function normaliseCap(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, '');
}

export function assertCapabilitiesAllowed(service: string, capabilities: string[]): void {
  for (const cap of capabilities) {
    if (FORBIDDEN_CAPABILITIES.has(normaliseCap(cap))) {
      throw new UnsafeContainerError(`service "${service}": capability ${cap} is not allowed in a sandbox`);
    }
  }
}

const HOST_MODES = ['PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode'] as const;

export function assertSafeCreateOptions(options: Docker.ContainerCreateOptions): void {
  const name = options.name ?? '(unnamed)';
  const fail = (why: string): never => {
    throw new UnsafeContainerError(`refusing to create ${name}: ${why}`);
  };
  const host = (options.HostConfig ?? {}) as Docker.HostConfig & Record<string, unknown>;
  if (host.Privileged) fail('privileged containers are not allowed');
  if (host.Binds && host.Binds.length > 0) fail('host bind mounts are not allowed');
  if (host.Mounts?.some((m) => m.Type === 'bind' || /docker\.sock/.test(String(m.Source ?? '')))) {
    fail('host mounts are not allowed');
  }
  // Named volumes: only the run's own (`fd-<run>-<name>`, created by volumeCreateOptions), never another's data.
  if (host.Mounts?.some((m) => m.Type === 'volume' && !/^fd-[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(String(m.Source ?? '')))) {
    fail('only volumes of the run itself may be mounted');
  }
  if (host.Mounts?.some((m) => m.Type !== 'volume' && m.Type !== 'tmpfs')) fail('only volume and tmpfs mounts are allowed');
  if (options.Volumes && Object.keys(options.Volumes).some((v) => /docker\.sock/.test(v))) fail('the Docker socket is not allowed');
  if (host.VolumesFrom && host.VolumesFrom.length > 0) fail('volumes from other containers are not allowed');
  if (host.Devices && host.Devices.length > 0) fail('host devices are not allowed');
  const networkMode = String(host.NetworkMode ?? '');
  if (networkMode === 'host' || networkMode.startsWith('container:')) fail(`network mode ${networkMode} is not allowed`);
  for (const mode of HOST_MODES) {
    const value = String(host[mode] ?? '');
    if (value === 'host' || value.startsWith('container:')) fail(`${mode} ${value} is not allowed`);
  }
  if ((host.SecurityOpt as string[] | undefined)?.some((opt) => /unconfined|label[:=]disable/.test(opt))) fail('disabling seccomp/AppArmor/SELinux is not allowed');
  assertCapabilitiesAllowed(name, host.CapAdd ?? []);
  // Unlimited is Docker's default: every container must carry its limits (see RESOURCE_LIMITS).
  if (!(Number(host.Memory) > 0)) fail('no memory limit');
  if (!(Number(host.NanoCpus) > 0)) fail('no CPU limit');
  if (!(Number(host.PidsLimit) > 0)) fail('no pids limit');
}

/**
 * A run's volume is either a plain local volume or a memory-backed one with a size (`type=tmpfs`): local
 * driver options that bind a host path (`o=bind`, `type=none`, a `device` that is not `tmpfs`) are refused.
 */
export function assertSafeVolumeOptions(options: { Name: string; Driver?: string; DriverOpts?: Record<string, string> }): void {
  const opts = options.DriverOpts ?? {};
  const fail = (why: string): never => {
    throw new UnsafeContainerError(`refusing to create volume ${options.Name}: ${why}`);
  };
  if ((options.Driver ?? 'local') !== 'local') fail(`driver ${options.Driver} is not allowed`);
  if (Object.keys(opts).length === 0) return;
  if (opts.type !== 'tmpfs' || opts.device !== 'tmpfs') fail('only a tmpfs-backed local volume may take driver options');
  if (/(^|,)\s*(bind|rbind)\s*(,|$)/.test(opts.o ?? '')) fail('bind options are not allowed');
}
