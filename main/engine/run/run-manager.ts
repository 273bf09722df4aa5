/**
 * Owns the runs of one process (the app, `serve`, `play` or `test`): finds scenario packs, starts runs,
 * and tears every run down on shutdown. The API handlers and the CLI go through it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RuntimeRegistry } from '../../../sandbox/registry.js';
import type { RuntimeKind, SandboxRuntime } from '../../../sandbox/runtime.js';
import { ScenarioError } from '../scenario/diagnostics.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import { Run, RunFailure, type RunDeps, type RunOptions } from './run.js';

export interface RunManagerDeps extends Omit<RunDeps, 'runtime'> {
  /** The runtimes this build has; each run gets the one its scenario names. */
  runtimes: RuntimeRegistry;
  scenariosDirs: string[];
}

export interface CreateOptions extends RunOptions {
  /** Run on this runtime (it must be one the scenario names); default the first of them available. */
  runtime?: RuntimeKind;
}

export interface PackEntry {
  name: string;
  dir: string;
  loaded: LoadedScenario | null;
  /** Why the pack cannot be loaded (validation errors, formatted). */
  problems: string[];
}

export class RunManager {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly deps: RunManagerDeps) {}

  get runtimes(): RuntimeRegistry {
    return this.deps.runtimes;
  }

  /** Loads a pack, checking its actions against what this build's runtimes can do. */
  load(dir: string): Promise<LoadedScenario> {
    return loadScenario(dir, { supports: (kind, operation) => this.deps.runtimes.supports(kind, operation) });
  }

  /** The runtime a scenario would run on here, or null when this build has none of its runtimes. */
  runtimeFor(loaded: LoadedScenario, preferred?: RuntimeKind): SandboxRuntime | null {
    return this.deps.runtimes.forScenario(loaded.scenario.runtimes, preferred);
  }

  get home(): string {
    return this.deps.home;
  }

  /** The folders packs are found in, in order (shipped first, then the user's). */
  get scenarioDirs(): readonly string[] {
    return this.deps.scenariosDirs;
  }

  /** Every pack folder (one with a scenario.yaml) under the scenario directories, loaded or with its problems. */
  async packs(): Promise<PackEntry[]> {
    const entries: PackEntry[] = [];
    for (const root of this.deps.scenariosDirs) {
      if (!existsSync(root)) continue;
      for (const name of readdirSync(root).sort()) {
        const dir = join(root, name);
        if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'scenario.yaml'))) continue;
        try {
          entries.push({ name, dir, loaded: await this.load(dir), problems: [] });
        } catch (error) {
          const problems = error instanceof ScenarioError ? error.message.split('\n') : [String(error)];
          entries.push({ name, dir, loaded: null, problems });
        }
      }
    }
    return entries;
  }

  /** A pack by name (from the scenario directories) or by path. */
  async resolvePack(nameOrPath: string): Promise<LoadedScenario> {
    const asPath = resolve(nameOrPath);
    if (existsSync(join(asPath, 'scenario.yaml')) || asPath.endsWith('.yaml')) {
      return this.load(asPath.endsWith('.yaml') ? resolve(asPath, '..') : asPath);
    }
    return this.packByName(nameOrPath);
  }

  /** A pack by its name, from the scenario directories only: never a path (an imported session names its pack). */
  async packByName(name: string): Promise<LoadedScenario> {
    if (/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      for (const root of this.deps.scenariosDirs) {
        const dir = join(root, name);
        if (existsSync(join(dir, 'scenario.yaml'))) return this.load(dir);
      }
    }
    throw new Error(`no scenario "${name}": not a pack folder, and not in ${this.deps.scenariosDirs.join(', ')}`);
  }

  /** Creates a run without starting it (the caller drives the phases, as `firedrill test` does). */
  create(loaded: LoadedScenario, options: CreateOptions = {}): Run {
    const { runtime: preferred, ...runOptions } = options;
    const runtime = this.runtimeFor(loaded, preferred);
    if (!runtime) {
      throw new RunFailure(`${loaded.scenario.metadata.name} needs the ${loaded.scenario.runtimes.join(' or ')} runtime, which this version does not have`);
    }
    const run = new Run(loaded, { ...this.deps, runtime }, runOptions);
    this.runs.set(run.id, run);
    return run;
  }

  /** Creates a run and brings it to live in the background; progress and failures show on the run. */
  start(loaded: LoadedScenario, options: CreateOptions = {}): Run {
    const run = this.create(loaded, options);
    run.startLive().catch(() => {
      // The run records its own failure (phase `failed`, run.error); clean up what came up.
      void run.teardown('failed').catch(() => undefined);
    });
    return run;
  }

  get(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  all(): Run[] {
    return [...this.runs.values()];
  }

  /** Tears down every run of this process (on exit: nothing is left running). */
  async shutdown(): Promise<void> {
    await Promise.allSettled(this.all().map((run) => run.teardown()));
  }
}
