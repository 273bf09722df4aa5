/**
 * The runtimes this build offers, by kind. A scenario's `runtimes:` list picks one; each runtime is
 * created on first use, so `doctor` and `validate` work on a machine without Docker (or a cluster), and a
 * missing engine fails the operation that needs it, not the start-up.
 */
import type { CleanupOptions, CleanupReport, RuntimeKind, SandboxOperation, SandboxRuntime } from './runtime.js';

export interface RuntimeEntry {
  kind: RuntimeKind;
  /** What its sandboxes can do; must not need the runtime itself (validation asks it offline). */
  operations: readonly SandboxOperation[];
  create(): SandboxRuntime;
}

export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError';
}

export class RuntimeRegistry {
  private readonly entries = new Map<RuntimeKind, { entry: RuntimeEntry; runtime: SandboxRuntime }>();

  constructor(entries: RuntimeEntry[] = []) {
    for (const entry of entries) this.register(entry);
  }

  /** Adds a runtime (or replaces the one of its kind). */
  register(entry: RuntimeEntry): void {
    this.entries.set(entry.kind, { entry, runtime: lazy(entry) });
  }

  kinds(): RuntimeKind[] {
    return [...this.entries.keys()];
  }

  has(kind: RuntimeKind): boolean {
    return this.entries.has(kind);
  }

  /** Whether the named runtime can perform an operation; undefined when this build has no such runtime. */
  supports(kind: RuntimeKind, operation: SandboxOperation): boolean | undefined {
    return this.entries.get(kind)?.entry.operations.includes(operation);
  }

  get(kind: RuntimeKind): SandboxRuntime {
    const found = this.entries.get(kind);
    if (!found) throw new RuntimeUnavailableError(`the ${kind} runtime is not available in this version (available: ${this.kinds().join(', ') || 'none'})`);
    return found.runtime;
  }

  /**
   * The runtime for a scenario: `preferred` when given (it must be one the scenario names), else the
   * first of the scenario's runtimes this build has. Null when none is available.
   */
  forScenario(runtimes: readonly RuntimeKind[], preferred?: RuntimeKind): SandboxRuntime | null {
    if (preferred !== undefined) {
      if (!runtimes.includes(preferred)) {
        throw new RuntimeUnavailableError(`this scenario does not run on ${preferred} (runtimes: ${runtimes.join(', ')})`);
      }
      return this.get(preferred);
    }
    const kind = runtimes.find((k) => this.entries.has(k));
    return kind ? this.get(kind) : null;
  }

  /** Every registered runtime's cleanup, merged (`firedrill clean`, orphan reaping at start). */
  async cleanup(options: CleanupOptions = {}): Promise<CleanupReport> {
    const removed: CleanupReport['removed'] = [];
    for (const { runtime } of this.entries.values()) removed.push(...(await runtime.cleanup(options)).removed);
    return { removed };
  }
}

/** Creates the real runtime on the first call that needs it; `supports` is answered from the entry. */
function lazy(entry: RuntimeEntry): SandboxRuntime {
  let runtime: SandboxRuntime | null = null;
  const get = (): SandboxRuntime => (runtime ??= entry.create());
  return {
    kind: entry.kind,
    supports: (operation) => entry.operations.includes(operation),
    imagesPresent: async (tags) => get().imagesPresent(tags),
    buildImages: async (images, onProgress, signal) => get().buildImages(images, onProgress, signal),
    up: async (spec, onProgress, signal) => get().up(spec, onProgress, signal),
    cleanup: async (options) => get().cleanup(options),
    whyUnavailable: async () => (await get().whyUnavailable?.()) ?? null,
  };
}
