/**
 * The runtimes this build offers. To add one (Kubernetes): implement SandboxRuntime under sandbox/, then
 * register it here with the operations its sandboxes support; scenarios that name it in `runtimes:` run
 * on it, and validation rejects actions it cannot perform.
 */
import { DOCKER_OPERATIONS, DockerRuntime } from '../../sandbox/docker/docker-runtime.js';
import { RuntimeRegistry } from '../../sandbox/registry.js';

export function createRuntimeRegistry(): RuntimeRegistry {
  return new RuntimeRegistry([{ kind: 'docker', operations: DOCKER_OPERATIONS, create: () => new DockerRuntime() }]);
}
