/**
 * Wires the real side effects (Docker, the data directory, the bastion files) into the engine once,
 * for every host: the CLI commands, `serve` and the Electron shell.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DockerRuntime } from '../../sandbox/docker/docker-runtime.js';
import type { SandboxRuntime } from '../../sandbox/runtime.js';
import { RunManager } from '../engine/run/run-manager.js';
import { dataDir, scenariosDir } from '../paths.js';
import { bastionFiles } from '../terminal/bastion-files.js';

export interface AppContext {
  home: string;
  runtime: SandboxRuntime;
  manager: RunManager;
}

export function createAppContext(options: { env?: NodeJS.ProcessEnv; runtime?: SandboxRuntime; extraScenarioDirs?: string[] } = {}): AppContext {
  const env = options.env ?? process.env;
  const home = dataDir(env);
  mkdirSync(join(home, 'sessions'), { recursive: true });
  // Docker is resolved lazily: `doctor` and `validate` must work on a machine without an engine.
  const runtime = options.runtime ?? lazyDockerRuntime();
  const manager = new RunManager({
    runtime,
    home,
    bastionFiles: () => bastionFiles(),
    scenariosDirs: [scenariosDir(env), join(home, 'scenarios'), ...(options.extraScenarioDirs ?? [])],
  });
  return { home, runtime, manager };
}

/** Creates the Docker client on first use, so a missing engine fails the operation, not the start-up. */
function lazyDockerRuntime(): SandboxRuntime {
  let runtime: DockerRuntime | null = null;
  const get = (): DockerRuntime => (runtime ??= new DockerRuntime());
  return {
    name: 'docker',
    imagesPresent: (tags) => get().imagesPresent(tags),
    buildImages: (images, onProgress, signal) => get().buildImages(images, onProgress, signal),
    up: (spec, onProgress, signal) => get().up(spec, onProgress, signal),
    cleanup: (options) => get().cleanup(options),
  };
}

