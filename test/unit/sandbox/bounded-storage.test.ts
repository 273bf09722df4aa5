/** Docker's side of bounded storage: tmpfs and volume mounts in the create options, volume create options, and what safety refuses. */
import { describe, expect, it } from 'vitest';
import { containerCreateOptions, tmpfsOptions } from '../../../sandbox/docker/containers.js';
import { volumeName } from '../../../sandbox/docker/labels.js';
import { assertSafeCreateOptions, assertSafeVolumeOptions } from '../../../sandbox/docker/safety.js';
import { volumeCreateOptions } from '../../../sandbox/docker/volumes.js';
import type { ServiceSpec } from '../../../sandbox/runtime.js';

const MiB = 1024 ** 2;
const worker: ServiceSpec = {
  name: 'worker',
  image: 'debian:bookworm',
  env: {},
  networks: [],
  capabilities: [],
  sysctls: {},
  files: [],
  publish: [],
  dependsOn: [],
  tty: false,
  tmpfs: [{ target: '/var/spool/jobs', sizeBytes: 16 * MiB, mode: 0o755, uid: 1000, gid: 1000 }],
  volumes: [{ volume: 'handoff', target: '/handoff', readOnly: true }],
};

describe('bounded storage in the Docker runtime', () => {
  it('a tmpfs becomes HostConfig.Tmpfs with its size in bytes, mode and owner', () => {
    expect(tmpfsOptions({ sizeBytes: 16 * MiB, mode: 0o1777 })).toBe('size=16777216,mode=1777');
    const options = containerCreateOptions('fd-r-worker', worker, {}, [], (v) => volumeName('r', v));
    expect(options.HostConfig?.Tmpfs).toEqual({ '/var/spool/jobs': 'size=16777216,mode=755,uid=1000,gid=1000' });
    expect(options.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'fd-r-handoff', Target: '/handoff', ReadOnly: true }]);
  });

  it('a service without storage gets neither field', () => {
    const { tmpfs: _t, volumes: _v, ...plain } = worker;
    const host = containerCreateOptions('n', plain, {}, []).HostConfig!;
    expect(host).not.toHaveProperty('Tmpfs');
    expect(host).not.toHaveProperty('Mounts');
  });

  it('a sized volume is a tmpfs-backed local volume; an unsized one a plain local volume; both labelled', () => {
    expect(volumeCreateOptions('fd-r-handoff', { name: 'handoff', sizeBytes: 8 * MiB, gid: 1000 }, { 'firedrill.run': 'r' })).toEqual({
      Name: 'fd-r-handoff',
      Driver: 'local',
      DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=8388608,mode=1777,gid=1000' },
      Labels: { 'firedrill.run': 'r' },
    });
    expect(volumeCreateOptions('fd-r-scratch', { name: 'scratch' }, {}).DriverOpts).toEqual({});
  });

  it('refuses a volume that would bind a host path, another driver, and mounts of volumes that are not the run\'s', () => {
    expect(() => assertSafeVolumeOptions({ Name: 'v', DriverOpts: { type: 'none', o: 'bind', device: '/etc' } })).toThrow(/only a tmpfs-backed local volume/);
    expect(() => assertSafeVolumeOptions({ Name: 'v', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,bind' } })).toThrow(/bind options/);
    expect(() => assertSafeVolumeOptions({ Name: 'v', Driver: 'nfs' })).toThrow(/driver nfs/);
    const limits = { Memory: 1 << 29, NanoCpus: 1e9, PidsLimit: 512 };
    const mount = (m: object) => () => assertSafeCreateOptions({ name: 'x', Image: 'i', HostConfig: { ...limits, Mounts: [m as never] } });
    expect(mount({ Type: 'volume', Source: 'someone-elses-data', Target: '/d' })).toThrow(/only volumes of the run itself/);
    expect(mount({ Type: 'npipe', Source: 'fd-r-x', Target: '/d' })).toThrow(/only volume and tmpfs mounts/);
    expect(mount({ Type: 'volume', Source: 'fd-r-handoff', Target: '/d' })).not.toThrow();
  });
});
