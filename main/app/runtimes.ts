/**
 * The runtimes this build offers, each registered with the operations its sandboxes support; scenarios that
 * name it in `runtimes:` run on it, and validation rejects actions it cannot perform. Runtimes are created
 * on first use, so `validate` and `doctor` never need an engine or a cluster.
 */
import { DOCKER_OPERATIONS, DockerRuntime } from '../../sandbox/docker/docker-runtime.js';
import { KUBERNETES_OPERATIONS, KubernetesRuntime } from '../../sandbox/kubernetes/kubernetes-runtime.js';
import { RuntimeRegistry } from '../../sandbox/registry.js';
import { dataDir } from '../platform/paths.js';

export function createRuntimeRegistry(options: { env?: NodeJS.ProcessEnv; home?: string } = {}): RuntimeRegistry {
  const env = options.env ?? process.env;
  return new RuntimeRegistry([
    { kind: 'docker', operations: DOCKER_OPERATIONS, create: () => new DockerRuntime() },
    { kind: 'kubernetes', operations: KUBERNETES_OPERATIONS, create: () => new KubernetesRuntime({ env, dataDir: options.home ?? dataDir(env) }) },
  ]);
}
