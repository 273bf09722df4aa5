/**
 * Which cluster the Kubernetes runtime uses, decided once from the environment:
 * - **any cluster by kubeconfig**: `FIREDRILL_KUBECONFIG` (a file) and optionally `FIREDRILL_KUBE_CONTEXT`;
 *   images reach it through `FIREDRILL_KUBE_IMAGE_LOAD` (a command that takes image tags, such as
 *   `minikube image load` or `k3d image import -c lab`) or are already in its registry;
 * - **kind** otherwise, when a kind binary is found: Firedrill's own cluster `firedrill`, created on first
 *   use, its kubeconfig in the data directory (never `~/.kube/config`).
 * Nothing found: Kubernetes scenarios are not playable, and `unavailable` says exactly why.
 */
import { join } from 'node:path';
import { findKind } from './kind.js';

export const KIND_CLUSTER = 'firedrill';

export type KubeTarget =
  | { type: 'kubeconfig'; kubeconfig: string; context?: string; imageLoad?: string[] }
  | { type: 'kind'; kind: string; cluster: string; kubeconfig: string };

export type TargetResolution = KubeTarget | { type: 'none'; unavailable: string };

export function kindKubeconfigPath(dataDir: string, cluster = KIND_CLUSTER): string {
  return join(dataDir, 'kube', `kind-${cluster}.yaml`);
}

export function resolveTarget(env: NodeJS.ProcessEnv, dataDir: string, find: typeof findKind = findKind): TargetResolution {
  if (env.FIREDRILL_KUBECONFIG) {
    const load = env.FIREDRILL_KUBE_IMAGE_LOAD?.trim();
    return {
      type: 'kubeconfig',
      kubeconfig: env.FIREDRILL_KUBECONFIG,
      ...(env.FIREDRILL_KUBE_CONTEXT ? { context: env.FIREDRILL_KUBE_CONTEXT } : {}),
      ...(load ? { imageLoad: load.split(/\s+/) } : {}),
    };
  }
  const kind = find(env, dataDir);
  if (kind) return { type: 'kind', kind, cluster: KIND_CLUSTER, kubeconfig: kindKubeconfigPath(dataDir) };
  return {
    type: 'none',
    unavailable:
      'no Kubernetes cluster: kind is not installed (looked on PATH, in Homebrew and Go paths and the data directory) and FIREDRILL_KUBECONFIG names no cluster. Install kind (https://kind.sigs.k8s.io) or set FIREDRILL_KUBECONFIG to a kubeconfig file (and FIREDRILL_KUBE_CONTEXT to one of its contexts)',
  };
}

export function describeTarget(target: KubeTarget): string {
  return target.type === 'kind' ? `kind cluster "${target.cluster}" (${target.kind})` : `${target.kubeconfig}${target.context ? ` context ${target.context}` : ''}`;
}
