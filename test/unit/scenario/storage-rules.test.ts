/** Bounded storage in the pack format: tmpfs and volumes validated at the right place, and mapped to the runtime spec. */
import { describe, expect, it } from 'vitest';
import { sandboxSpec } from '../../../main/engine/run/spec.js';
import { lines, validateEdited } from './helpers.js';

const API_FILES = `      files:
        - source: files/api.conf
          target: /etc/api.conf
`;
const NETWORKS = `  networks:
    - name: lab
      subnet: 10.231.7.0/24
`;

/** The valid fixture with storage added to the api service (before its files) and, optionally, pack volumes. */
function withStorage(service: string, volumes = '') {
  return validateEdited([API_FILES, `${service}${API_FILES}`], [NETWORKS, `${NETWORKS}${volumes}`]);
}

describe('tmpfs and volumes in scenario.yaml', () => {
  it('a tmpfs and a shared sized volume validate and map to the runtime spec', () => {
    const result = withStorage(
      `      tmpfs:\n        - { target: /var/spool/jobs, size: 16m, uid: 1000 }\n      volumes:\n        - { volume: handoff, target: /handoff }\n`,
      `  volumes:\n    - { name: handoff, size: 8m, mode: "0770", gid: 1000 }\n    - { name: scratch }\n`,
    );
    expect(result.diagnostics).toEqual([]);
    const spec = sandboxSpec({ runId: 'r', scenario: result.scenario!, packDir: '/pack', images: [], bastionFiles: [] });
    expect(spec.volumes).toEqual([
      { name: 'handoff', sizeBytes: 8 * 1024 ** 2, mode: 0o770, gid: 1000 },
      { name: 'scratch' },
    ]);
    const api = spec.services.find((s) => s.name === 'api')!;
    expect(api.tmpfs).toEqual([{ target: '/var/spool/jobs', sizeBytes: 16 * 1024 ** 2, mode: 0o1777, uid: 1000 }]);
    expect(api.volumes).toEqual([{ volume: 'handoff', target: '/handoff', readOnly: false }]);
    expect(spec.services.find((s) => s.name === 'bastion')!.tmpfs).toBeUndefined();
  });

  it('sizes: a unit is required to read as a size, and the bounds are stated', () => {
    expect(lines(withStorage(`      tmpfs:\n        - { target: /spool, size: 16 MB }\n`))).toEqual([
      '33:35: invalid size "16 MB": use a size such as 16m or 1g (at environment.services.api.tmpfs[0].size)',
    ]);
    expect(lines(withStorage(`      tmpfs:\n        - { target: /spool, size: 512k }\n`))).toEqual([
      '33:35: size: use between 1m and 4g (at environment.services.api.tmpfs[0].size)',
    ]);
    expect(lines(withStorage(`      tmpfs:\n        - { target: spool, size: 1m }\n`))).toEqual([
      '33:21: invalid target "spool": must be an absolute path in the container (at environment.services.api.tmpfs[0].target)',
    ]);
  });

  it('an unknown volume, two mounts at one target, and a target the runtime owns', () => {
    expect(lines(withStorage(`      volumes:\n        - { volume: handof, target: /handoff }\n`, `  volumes:\n    - { name: handoff, size: 8m }\n`))).toEqual([
      '35:21: unknown volume "handof"; did you mean "handoff"? (environment.volumes: handoff) (at environment.services.api.volumes[0].volume)',
    ]);
    expect(
      lines(withStorage(`      tmpfs:\n        - { target: /data/, size: 1m }\n      volumes:\n        - { volume: v, target: /data }\n`, `  volumes:\n    - { name: v }\n`)),
    ).toEqual(['37:32: volume "v" and tmpfs are both mounted at /data in service "api" (at environment.services.api.volumes[0].target)']);
    expect(lines(withStorage(`      tmpfs:\n        - { target: /proc/x, size: 1m }\n`))).toEqual([
      '33:21: tmpfs cannot be mounted at /proc/x: /, /proc, /sys, /dev and the files Docker manages (/etc/hosts, /etc/hostname, /etc/resolv.conf) are the runtime\'s (at environment.services.api.tmpfs[0].target)',
    ]);
  });

  it('a file copied under a tmpfs would be hidden by it', () => {
    expect(lines(withStorage(`      tmpfs:\n        - { target: /etc, size: 1m }\n`))).toEqual([
      '36:19: file /etc/api.conf is inside the tmpfs at /etc: files are copied in before the service starts, and the tmpfs mounted at start hides them (at environment.services.api.files[0].target)',
    ]);
  });

  it('memory-backed storage must fit under the memory limit, or filling it is an OOM kill, not ENOSPC', () => {
    expect(lines(withStorage(`      memory: 64m\n      tmpfs:\n        - { target: /a, size: 48m }\n      volumes:\n        - { volume: v, target: /b }\n`, `  volumes:\n    - { name: v, size: 16m }\n`))).toEqual([
      '36:9: service "api" mounts 64 MiB of memory-backed storage (tmpfs and sized volumes) with a memory limit of 64 MiB: those pages count against the limit, so filling them would OOM-kill the service instead of failing with ENOSPC; raise memory or lower the sizes (at environment.services.api.tmpfs)',
    ]);
    // A read-only mount never writes, so it does not count.
    expect(lines(withStorage(`      memory: 64m\n      tmpfs:\n        - { target: /a, size: 48m }\n      volumes:\n        - { volume: v, target: /b, readOnly: true }\n`, `  volumes:\n    - { name: v, size: 16m }\n`))).toEqual([]);
  });

  it('a volume without a size takes no mode or owner, and volume names are unique', () => {
    expect(lines(withStorage('', `  volumes:\n    - { name: v, uid: 1000 }\n    - { name: v, size: 1m }\n`))).toEqual([
      '22:18: volume "v" sets uid but has no size: only a sized (memory-backed) volume takes uid; a disk volume takes ownership and mode from the image\'s directory at its first mount point (at environment.volumes[0].uid)',
      '23:15: duplicate volume name "v" (first at environment.volumes[0].name) (at environment.volumes[1].name)',
    ]);
  });
});
