/**
 * A run's named volumes. With a size, a local volume backed by tmpfs: the engine mounts it (no privileges in
 * the container), the kernel enforces the size (ENOSPC past it), and its pages count against the memory limit of
 * the container that writes them. Without a size, a plain local volume on the engine's disk, which Docker cannot
 * cap. Either way labelled like everything of the run, so teardown and `firedrill clean` remove it.
 */
import type { VolumeSpec } from '../runtime.js';
import { tmpfsOptions } from './containers.js';
import { assertSafeVolumeOptions } from './safety.js';

export interface VolumeCreateOptions {
  Name: string;
  Driver: 'local';
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
}

export function volumeCreateOptions(name: string, volume: VolumeSpec, labels: Record<string, string>): VolumeCreateOptions {
  const options: VolumeCreateOptions = {
    Name: name,
    Driver: 'local',
    DriverOpts:
      volume.sizeBytes !== undefined
        ? {
            type: 'tmpfs',
            device: 'tmpfs',
            o: tmpfsOptions({
              sizeBytes: volume.sizeBytes,
              mode: volume.mode ?? 0o1777,
              ...(volume.uid !== undefined ? { uid: volume.uid } : {}),
              ...(volume.gid !== undefined ? { gid: volume.gid } : {}),
            }),
          }
        : {},
    Labels: labels,
  };
  assertSafeVolumeOptions(options);
  return options;
}
