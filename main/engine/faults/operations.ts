/**
 * Which sandbox operations a scenario action needs, so a pack is checked against what each of its
 * runtimes can do (SandboxRuntime.supports) before a run finds out halfway through a fault.
 */
import type { RuntimeKind, SandboxOperation } from '../../../sandbox/runtime.js';
import type { Action, Check } from '../scenario/schema.js';

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
  if ('patch' in action) return ['patch'];
  if ('scale' in action) return ['scale'];
  if ('deletePods' in action) return ['deletePods'];
  if ('apply' in action) return ['apply'];
  if ('delete' in action) return ['delete'];
  return ['replace'];
}

/** Which sandbox operations a check needs (checks on Kubernetes objects read them through the cluster). */
export function operationsOfCheck(check: Check): SandboxOperation[] {
  switch (check.kind) {
    case 'rollout':
    case 'condition':
      return ['getObject'];
    case 'http':
    case 'promql':
    case 'alertmanager':
      return [];
    default:
      return ['exec'];
  }
}
