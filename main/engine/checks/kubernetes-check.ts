/**
 * Checks in Kubernetes terms, on the objects of the run's namespace as the API server has them:
 * `rollout` (complete as `kubectl rollout status` judges it) and `condition` (a status condition).
 */
import { parseObjectRef, type ObjectRef } from '../../../sandbox/kubernetes/kinds.js';
import { condition, rolloutStatus } from '../../../sandbox/kubernetes/rollout.js';
import type { ClusterOperations, Sandbox } from '../../../sandbox/runtime.js';
import type { Check } from '../scenario/schema.js';
import { regex, type CheckRunner } from './types.js';

type RolloutCheck = Extract<Check, { kind: 'rollout' }>;
type ConditionCheck = Extract<Check, { kind: 'condition' }>;

/** The sandbox's cluster, or an error saying this runtime has none. */
export function clusterOf(sandbox: Sandbox): ClusterOperations {
  if (!sandbox.cluster) throw new Error('this sandbox has no Kubernetes cluster (the pack must run on the kubernetes runtime)');
  return sandbox.cluster;
}

/** A reference the schema already accepted. */
export function objectRef(text: string): ObjectRef {
  const ref = parseObjectRef(text);
  if (typeof ref === 'string') throw new Error(ref);
  return ref;
}

export const runRolloutCheck: CheckRunner<RolloutCheck> = async (check, { sandbox }) => {
  const object = await clusterOf(sandbox).get(objectRef(check.object));
  if (!object) return { pass: false, observed: 'not found', message: `${check.object} does not exist` };
  const status = rolloutStatus(object);
  const pass = check.expect === 'complete' ? status.complete : !status.complete;
  return { pass, observed: status.complete ? 'rolled out' : status.message, ...(pass ? {} : { message: status.message }) };
};

export const runConditionCheck: CheckRunner<ConditionCheck> = async (check, { sandbox }) => {
  const object = await clusterOf(sandbox).get(objectRef(check.object));
  if (!object) return { pass: false, observed: 'not found', message: `${check.object} does not exist` };
  const found = condition(object, check.type);
  if (!found) return { pass: false, observed: `no ${check.type} condition`, message: `${check.object} has no ${check.type} condition yet` };
  const observed = `${check.type}=${found.status}${found.reason ? ` (${found.reason})` : ''}`;
  if (found.status !== check.status) return { pass: false, observed, message: found.message ?? `expected ${check.type}=${check.status}` };
  if (check.reasonMatches && !regex(check.reasonMatches).test(found.reason ?? '')) {
    return { pass: false, observed, message: `reason does not match /${check.reasonMatches}/` };
  }
  return { pass: true, observed };
};
