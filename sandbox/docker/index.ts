/** The Docker runtime's public surface, for the engine and the CLI. */
export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { DockerSandbox } from './sandbox.js';
export { createDockerClient } from './client.js';
export { cleanupRuns, pidAlive, isOrphan, type CleanupOptions } from './cleanup.js';
export { ExecTimeoutError } from './exec.js';
export { ImageBuildError } from './build.js';
export { ServiceNotHealthyError } from './containers.js';
export { UnsafeContainerError } from './safety.js';
export {
  resolveDockerEndpoint,
  describeEndpoint,
  dockerCliEnv,
  dockerodeOptions,
  DockerEndpointError,
  type DockerEndpoint,
  type DockerEndpointSource,
  type SocketDeps,
} from './socket.js';
