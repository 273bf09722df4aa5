/**
 * The import half of seeding on the real engine: a tiny fake "debootstrap" rootfs goes through
 * the real tar and `docker import`, gets both tags, and the temp dir is removed. (The real
 * debootstrap needs a Debian mirror, which tests must not contact.)
 */
import { existsSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { seedBaseImage, spawnProcess } from '../../../sandbox/images/seed.js';

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const tags = [`firedrill-test/seed:${suffix}`, `firedrill-test/seed-alias:${suffix}`];
const docker = createDockerClient();

describeDocker('seedBaseImage import', () => {
  afterAll(async () => {
    for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  });

  it('imports a rootfs as an image with every tag and removes its temp dir', async () => {
    let workDir = '';
    const result = await seedBaseImage({
      docker,
      tags,
      deps: {
        uid: 0,
        platform: 'linux',
        makeTempDir: async () => {
          const { mkdtemp } = await import('node:fs/promises');
          const { tmpdir } = await import('node:os');
          workDir = await mkdtemp(`${tmpdir()}/fd-seed-it-`);
          return workDir;
        },
        spawn: (file, args) =>
          file === 'debootstrap'
            ? spawnProcess('sh', ['-c', `mkdir -p "${args[2]}/etc" && echo seeded > "${args[2]}/etc/seeded" && echo "I: Base system installed successfully."`])
            : spawnProcess(file, args),
      },
    });
    expect(result.seeded).toBe(true);
    for (const tag of tags) {
      const info = await docker.getImage(tag).inspect();
      expect(info.Config.Cmd).toEqual(['bash']);
    }
    expect(existsSync(workDir)).toBe(false);
    // A second call finds the image and does nothing.
    expect((await seedBaseImage({ docker, tags })).seeded).toBe(false);
  });
});
