import { parseArgs } from 'node:util';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { seedBaseImage } from '../../../sandbox/images/seed.js';
import { createAppContext } from '../../app/context.js';
import { imageSpecs } from '../../engine/run/spec.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../io.js';
import { progressPrinter } from '../progress-bar.js';

/**
 * `images seed`: the Debian base image built offline (debootstrap + import), for machines that cannot
 * pull from a registry. `images build <scenario>`: a pack's images ahead of a game day.
 */
export async function runImages(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { force: { type: 'boolean', default: false } }, strict: true });
  const bar = progressPrinter();
  if (sub === 'seed') {
    if (positionals.length > 0) throw new UsageError('images seed takes no arguments');
    const result = await seedBaseImage({ docker: createDockerClient(), force: values.force, onProgress: (p) => bar.update(p) });
    bar.done();
    io.stdout(
      result.seeded
        ? `Seeded ${result.tags.join(', ')} in ${(result.durationMs / 1000).toFixed(1)}s.`
        : `${result.tags[0]} is already present (use --force to rebuild it).`,
    );
    return 0;
  }
  if (sub === 'build') {
    if (positionals.length !== 1) throw new UsageError('images build takes one scenario (a name or a pack folder)');
    const { manager } = createAppContext();
    const loaded = await manager.resolvePack(positionals[0]!);
    const runtime = manager.runtimeFor(loaded);
    if (!runtime) throw new Error(`${loaded.scenario.metadata.name} needs the ${loaded.scenario.runtimes.join(' or ')} runtime, which this version does not have`);
    const images = imageSpecs(loaded.scenario, loaded.dir);
    const present = await runtime.imagesPresent(images.map((i) => i.tag));
    const missing = images.filter((i) => !present[i.tag]);
    await runtime.buildImages(missing, (p) => bar.update(p));
    bar.done();
    for (const image of images) io.stdout(`${present[image.tag] ? 'cached ' : 'built  '} ${image.tag}`);
    return 0;
  }
  if (sub === 'prune') {
    if (positionals.length > 0) throw new UsageError('images prune takes no arguments');
    // Scenario image tags are content-addressed, so every edit of a pack leaves its old images behind.
    const { manager } = createAppContext();
    const current = new Set(
      (await manager.packs()).flatMap((pack) => (pack.loaded ? imageSpecs(pack.loaded.scenario, pack.loaded.dir).map((i) => i.tag) : [])),
    );
    const docker = createDockerClient();
    const images = await docker.listImages({ filters: JSON.stringify({ label: ['firedrill.managed=true'] }) });
    let removed = 0;
    for (const image of images) {
      const stale = (image.RepoTags ?? []).filter(
        (tag) => tag.startsWith('firedrill/') && tag !== 'firedrill/base:bookworm' && !current.has(tag),
      );
      // Removing by tag untags; the image itself goes with its last tag (an ID would need --force).
      for (const tag of stale) {
        try {
          await docker.getImage(tag).remove();
          removed += 1;
          io.stdout(`removed ${tag}`);
        } catch (error) {
          io.stderr(`kept ${tag}: ${(error as Error).message}`);
        }
      }
    }
    io.stdout(removed === 0 ? 'No stale scenario images.' : `Removed ${removed} stale scenario image tag(s).`);
    return 0;
  }
  throw new UsageError(sub ? `unknown images command "${sub}"` : 'images needs a command: seed, build or prune');
}
