/**
 * Tests that need a real Docker engine use `describeDocker`. Without an engine they skip,
 * unless FIREDRILL_REQUIRE_DOCKER=1 (CI), where a missing engine must fail loudly instead.
 */
import { describe, it } from 'vitest';
import { createDockerClient } from '../../sandbox/docker/client.js';
import { resolveDockerEndpoint } from '../../sandbox/docker/socket.js';

export const dockerRequired = process.env.FIREDRILL_REQUIRE_DOCKER === '1';

let cached: Promise<boolean> | undefined;

/** true when an engine answers `/_ping` within 5 s at the resolved endpoint. */
export function dockerAvailable(): Promise<boolean> {
  cached ??= (async () => {
    try {
      const docker = createDockerClient(resolveDockerEndpoint());
      await Promise.race([
        docker.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), 5_000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  })();
  return cached;
}

// Top-level await: vitest collects test files as ES modules, so the gate is decided before `describe` runs.
const available = await dockerAvailable();

/** `describe` for Docker tests: runs with an engine; skips without one; fails without one when required. */
export const describeDocker: typeof describe = (
  available
    ? describe
    : dockerRequired
      ? ((name: string, ..._rest: unknown[]) =>
          describe(name, () => {
            it('has a Docker engine', () => {
              throw new Error('FIREDRILL_REQUIRE_DOCKER=1 but no Docker engine answers (check DOCKER_HOST / the socket)');
            });
          }))
      : describe.skip
) as typeof describe;
