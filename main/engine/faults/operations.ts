/**
 * Which sandbox operations a scenario action needs, so a pack is checked against what each of its
 * runtimes can do (SandboxRuntime.supports) before a run finds out halfway through a fault.
 */
import type { RuntimeKind, SandboxOperation } from '../../../sandbox/runtime.js';
import type { Action } from '../scenario/schema.js';

/** Answers whether a runtime can perform an operation; undefined when this build has no such runtime. */
export type RuntimeSupport = (runtime: RuntimeKind, operation: SandboxOperation) => boolean | undefined;

export function operationsOf(action: Action): SandboxOperation[] {
  if ('exec' in action) return ['exec'];
  // A script is copied in, then run.
  if ('script' in action) return ['writeFile', 'exec'];
  // Appending reads the file first.
  if ('writeFile' in action) return action.writeFile.append ? ['exec', 'writeFile'] : ['writeFile'];
  if ('stop' in action) return ['stop'];
  if ('start' in action) return ['start'];
  if ('restart' in action) return ['restart'];
  if ('kill' in action) return ['kill'];
  if ('pause' in action) return ['pause'];
  if ('unpause' in action) return ['unpause'];
  if ('disconnect' in action) return ['disconnect'];
  if ('connect' in action) return ['connect'];
  return ['replace'];
}
