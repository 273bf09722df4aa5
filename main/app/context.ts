/**
 * Wires the real side effects (the runtimes, the data directory, the bastion files) into the engine once,
 * for every host: the CLI commands, `serve` and the Electron shell.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeRegistry } from '../../sandbox/registry.js';
import { RunManager } from '../engine/run/run-manager.js';
import { dataDir, scenariosDir } from '../platform/paths.js';
import { bastionFiles } from '../terminal/bastion-files.js';
import { createRuntimeRegistry } from './runtimes.js';

export interface AppContext {
  home: string;
  runtimes: RuntimeRegistry;
  manager: RunManager;
}

export function createAppContext(options: { env?: NodeJS.ProcessEnv; runtimes?: RuntimeRegistry; extraScenarioDirs?: string[] } = {}): AppContext {
  const env = options.env ?? process.env;
  const home = dataDir(env);
  mkdirSync(join(home, 'sessions'), { recursive: true });
  // Runtimes are created on first use: `doctor` and `validate` must work on a machine without an engine.
  const runtimes = options.runtimes ?? createRuntimeRegistry({ env, home });
  const manager = new RunManager({
    runtimes,
    home,
    bastionFiles: () => bastionFiles(),
    scenariosDirs: [scenariosDir(env), join(home, 'scenarios'), ...(options.extraScenarioDirs ?? [])],
  });
  return { home, runtimes, manager };
}
