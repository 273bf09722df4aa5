/**
 * Is a workload's rollout complete? The same rules as `kubectl rollout status` (kubectl's
 * polymorphichelpers/rollout_status.go), on the object as the API server returns it. Pure: the runtime
 * waits on it at start, the `rollout` check reads it while live.
 */
import type { KubeObject } from '../runtime.js';

export interface RolloutStatus {
  complete: boolean;
  /** What kubectl would print: `2 of 3 updated replicas are available`. */
  message: string;
}

type Obj = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const at = (object: unknown, key: string): Obj => ((object as Obj | undefined)?.[key] as Obj | undefined) ?? {};

export function rolloutStatus(object: KubeObject): RolloutStatus {
  const spec = at(object, 'spec');
  const status = at(object, 'status');
  const generation = num(at(object, 'metadata').generation);
  const observed = num(status.observedGeneration);
  if (generation > observed) return { complete: false, message: `waiting for the ${object.kind} spec update to be observed` };
  const name = `${object.kind.toLowerCase()}/${object.metadata.name}`;
  switch (object.kind) {
    case 'Deployment': {
      const conditions = (status.conditions as Obj[] | undefined) ?? [];
      const progressing = conditions.find((c) => c.type === 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') return { complete: false, message: `${name} exceeded its progress deadline` };
      const replicas = spec.replicas === undefined ? 1 : num(spec.replicas);
      const updated = num(status.updatedReplicas);
      const total = num(status.replicas);
      const available = num(status.availableReplicas);
      if (updated < replicas) return { complete: false, message: `${updated} of ${replicas} new replicas have been updated` };
      if (total > updated) return { complete: false, message: `${total - updated} old replicas are pending termination` };
      if (available < updated) return { complete: false, message: `${available} of ${updated} updated replicas are available` };
      return { complete: true, message: `${name} successfully rolled out` };
    }
    case 'StatefulSet': {
      const replicas = spec.replicas === undefined ? 1 : num(spec.replicas);
      const ready = num(status.readyReplicas);
      if (ready < replicas) return { complete: false, message: `${ready} of ${replicas} pods are ready` };
      const strategy = at(spec, 'updateStrategy');
      if (strategy.type === 'OnDelete') return { complete: true, message: `${name}: updateStrategy OnDelete, nothing to wait for` };
      const partition = num(at(strategy, 'rollingUpdate').partition);
      if (partition > 0) {
        const updated = num(status.updatedReplicas);
        if (updated < replicas - partition) return { complete: false, message: `${updated} of ${replicas - partition} partitioned pods are updated` };
        return { complete: true, message: `${name}: partitioned roll out complete` };
      }
      if (status.updateRevision !== status.currentRevision) {
        return { complete: false, message: `${num(status.updatedReplicas)} pods at revision ${String(status.updateRevision)}` };
      }
      return { complete: true, message: `${name}: rolling update complete (${replicas} pods at revision ${String(status.currentRevision)})` };
    }
    case 'DaemonSet': {
      const desired = num(status.desiredNumberScheduled);
      const updated = num(status.updatedNumberScheduled);
      const available = num(status.numberAvailable);
      if (updated < desired) return { complete: false, message: `${updated} of ${desired} updated pods are scheduled` };
      if (available < desired) return { complete: false, message: `${available} of ${desired} updated pods are available` };
      return { complete: true, message: `${name} successfully rolled out` };
    }
    default:
      return { complete: false, message: `${object.kind} has no rollout` };
  }
}

/** A status condition of an object, when it has one of this type. */
export function condition(object: KubeObject, type: string): { status: string; reason?: string; message?: string } | undefined {
  const conditions = (at(object, 'status').conditions as Obj[] | undefined) ?? [];
  const found = conditions.find((c) => c.type === type);
  if (!found) return undefined;
  return {
    status: String(found.status),
    ...(typeof found.reason === 'string' ? { reason: found.reason } : {}),
    ...(typeof found.message === 'string' ? { message: found.message } : {}),
  };
}
