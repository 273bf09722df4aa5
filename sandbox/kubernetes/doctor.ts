/**
 * The doctor's Kubernetes rows, each a diagnostic `{id, applicable, check}`: `applicable` says whether it
 * concerns the chosen target (privileged containers matter for kind only; RBAC only once a cluster answers),
 * `check` says what it saw and the fix. Together they say exactly why Kubernetes scenarios are not playable.
 * Everything outside (Docker, the API, kind) is injected.
 */
import type { DoctorCheck, DoctorCheckId, DoctorStatus } from '../../shared/doctor.js';
import type { KubeApi } from './api.js';
import { apiMessage } from './errors.js';
import { kindClient, type ProcessRunner } from './kind.js';
import { describeTarget, type KubeTarget, type TargetResolution } from './target.js';

export interface KubeDoctorDeps {
  target: TargetResolution;
  run: ProcessRunner;
  /** Starts (and removes) a privileged container: resolves with null when Docker allows it, else Docker's error. */
  privilegedProbe(): Promise<string | null>;
  /** The target's API (kind: the existing cluster's); rejects when there is none yet. */
  api(): Promise<KubeApi>;
}

export interface DiagnosticState {
  /** Filled by the cluster check: later checks (RBAC) run only when it answered. */
  reachable?: boolean;
  kindClusterExists?: boolean;
}

export interface KubernetesDiagnostic {
  id: DoctorCheckId;
  applicable(target: TargetResolution, state: DiagnosticState): boolean;
  check(deps: KubeDoctorDeps, state: DiagnosticState): Promise<DoctorCheck>;
}

const row = (id: DoctorCheckId, title: string, status: DoctorStatus, detail: string, fix = ''): DoctorCheck => ({ id, title, status, detail, fix: status === 'pass' ? '' : fix });

const PRIVILEGED_FIX =
  'kind nodes are privileged containers: use Docker Desktop, Colima or a Linux engine whose root has every capability, or point Firedrill at an existing cluster with FIREDRILL_KUBECONFIG (and FIREDRILL_KUBE_CONTEXT).';

/** What a run does in its namespace, asked of the API server as SelfSubjectAccessReviews. */
export const REQUIRED_ACCESS: { verb: string; resource: string; group?: string; subresource?: string; namespaced?: boolean }[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'delete', resource: 'namespaces' },
  { verb: 'list', resource: 'namespaces' },
  { verb: 'create', resource: 'deployments', group: 'apps', namespaced: true },
  { verb: 'patch', resource: 'deployments', group: 'apps', namespaced: true },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespaced: true },
  { verb: 'create', resource: 'pods', subresource: 'portforward', namespaced: true },
  { verb: 'delete', resource: 'pods', namespaced: true },
  { verb: 'create', resource: 'roles', group: 'rbac.authorization.k8s.io', namespaced: true },
  { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', namespaced: true },
];

export const KUBERNETES_DIAGNOSTICS: readonly KubernetesDiagnostic[] = [
  {
    id: 'kubernetes',
    applicable: () => true,
    async check(deps, state) {
      const title = 'Kubernetes cluster (optional: Kubernetes scenarios)';
      const target = deps.target;
      if (target.type === 'none') return row('kubernetes', title, 'warn', `Kubernetes scenarios are not playable: ${target.unavailable}`, 'Install kind, or set FIREDRILL_KUBECONFIG to a cluster you may use.');
      if (target.type === 'kind') {
        try {
          const kind = kindClient(target.kind, deps.run);
          const version = await kind.version();
          state.kindClusterExists = (await kind.clusters()).includes(target.cluster);
          if (!state.kindClusterExists) return row('kubernetes', title, 'pass', `kind ${version} at ${target.kind}; cluster "${target.cluster}" is created when a Kubernetes scenario starts`);
        } catch (error) {
          return row('kubernetes', title, 'warn', `Kubernetes scenarios are not playable: kind at ${target.kind} does not work (${(error as Error).message})`, 'Reinstall kind.');
        }
      }
      try {
        const version = await withTimeout((async () => (await deps.api()).serverVersion())(), 10_000, 'no answer within 10s');
        state.reachable = true;
        return row('kubernetes', title, 'pass', `${describeTarget(target)}: API server ${version}`);
      } catch (error) {
        state.reachable = false;
        return row('kubernetes', title, 'warn', `Kubernetes scenarios are not playable: ${describeTarget(target)} does not answer (${apiMessage(error)})`, target.type === 'kind' ? `Start the kind cluster's node (\`docker start ${target.cluster}-control-plane\`) or remove it with \`firedrill clean\`.` : 'Check FIREDRILL_KUBECONFIG and FIREDRILL_KUBE_CONTEXT, and that the cluster runs.');
      }
    },
  },
  {
    id: 'docker-privileged',
    // Only kind needs them, and only to create its cluster.
    applicable: (target, state) => target.type === 'kind' && state.kindClusterExists !== true,
    async check(deps) {
      const title = 'Docker allows privileged containers (kind)';
      const refused = await deps.privilegedProbe().catch((error: unknown) => (error as Error).message);
      if (refused === null) return row('docker-privileged', title, 'pass', 'a privileged container started');
      return row('docker-privileged', title, 'warn', `Kubernetes scenarios are not playable with kind here: Docker refuses privileged containers (${refused.trim().split('\n')[0]})`, PRIVILEGED_FIX);
    },
  },
  {
    id: 'kubernetes-rbac',
    applicable: (_target, state) => state.reachable === true,
    async check(deps) {
      const title = 'Kubernetes permissions (RBAC)';
      const api = await deps.api();
      const missing: string[] = [];
      for (const access of REQUIRED_ACCESS) {
        const allowed = await api
          .canI(access.verb, access.resource, {
            ...(access.group !== undefined ? { group: access.group } : {}),
            ...(access.subresource ? { subresource: access.subresource } : {}),
            ...(access.namespaced ? { namespace: 'firedrill-doctor' } : {}),
          })
          .catch(() => false);
        if (!allowed) missing.push(`${access.verb} ${access.group ? `${access.group}/` : ''}${access.resource}${access.subresource ? `/${access.subresource}` : ''}`);
      }
      if (missing.length === 0) return row('kubernetes-rbac', title, 'pass', `may ${REQUIRED_ACCESS.length} of ${REQUIRED_ACCESS.length} things a run does (namespaces, deployments, exec, port-forward, roles)`);
      return row('kubernetes-rbac', title, 'warn', `Kubernetes scenarios are not playable with these credentials: not allowed to ${missing.join(', ')}`, 'Use a context whose user may create namespaces and everything in them (see the authoring guide, "Kubernetes: RBAC").');
    },
  },
];

/** Runs the applicable diagnostics in order (each may tell the next what it found). */
export async function kubernetesDoctor(deps: KubeDoctorDeps): Promise<DoctorCheck[]> {
  const state: DiagnosticState = {};
  const rows: DoctorCheck[] = [];
  for (const diagnostic of KUBERNETES_DIAGNOSTICS) {
    if (!diagnostic.applicable(deps.target, state)) continue;
    rows.push(await diagnostic.check(deps, state));
  }
  return rows;
}

/** Why Kubernetes scenarios are not playable, in one sentence, or null when they are. */
export function notPlayableReason(rows: DoctorCheck[]): string | null {
  const bad = rows.find((r) => r.status !== 'pass');
  return bad ? `${bad.detail}. ${bad.fix}`.replace(/\.\. /, '. ') : null;
}

export type { KubeTarget };

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
