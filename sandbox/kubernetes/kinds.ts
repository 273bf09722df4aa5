/**
 * The Kubernetes object kinds a scenario pack may create and name, defined once: the pack schema checks
 * references (`object: deployment/web`) and manifests against it, the runtime resolves them to API types.
 * Pure data: no client, no cluster. Only namespaced kinds: a run lives in its own namespace and touches
 * nothing cluster-wide.
 */

export interface KindInfo {
  apiVersion: string;
  kind: string;
  /** Workloads own pods: `service:` references, exec, logs and rollouts reach them through their selector. */
  workload: boolean;
  /** Has a scale subresource (`scale` fault action). */
  scalable: boolean;
  /** Reports a rollout (`rollout` check, `kubectl rollout status`). */
  rollout: boolean;
}

const k = (apiVersion: string, kind: string, flags: Partial<Pick<KindInfo, 'workload' | 'scalable' | 'rollout'>> = {}): KindInfo => ({
  apiVersion,
  kind,
  workload: flags.workload ?? false,
  scalable: flags.scalable ?? false,
  rollout: flags.rollout ?? false,
});

/** Namespaced kinds packs use, by kind. */
export const NAMESPACED_KINDS: readonly KindInfo[] = [
  k('apps/v1', 'Deployment', { workload: true, scalable: true, rollout: true }),
  k('apps/v1', 'StatefulSet', { workload: true, scalable: true, rollout: true }),
  k('apps/v1', 'DaemonSet', { workload: true, rollout: true }),
  k('apps/v1', 'ReplicaSet', { workload: true, scalable: true }),
  k('v1', 'Pod', { workload: true }),
  k('batch/v1', 'Job', { workload: true }),
  k('batch/v1', 'CronJob'),
  k('v1', 'Service'),
  k('v1', 'ConfigMap'),
  k('v1', 'Secret'),
  k('v1', 'ServiceAccount'),
  k('v1', 'PersistentVolumeClaim'),
  k('v1', 'Endpoints'),
  k('discovery.k8s.io/v1', 'EndpointSlice'),
  k('networking.k8s.io/v1', 'NetworkPolicy'),
  k('networking.k8s.io/v1', 'Ingress'),
  k('rbac.authorization.k8s.io/v1', 'Role'),
  k('rbac.authorization.k8s.io/v1', 'RoleBinding'),
  k('autoscaling/v2', 'HorizontalPodAutoscaler'),
  k('policy/v1', 'PodDisruptionBudget'),
  k('v1', 'LimitRange'),
  k('v1', 'ResourceQuota'),
  // Flux's, for GitOps scenarios that run its controllers in the run's namespace (their CRDs come from the
  // pack's environment.kubernetes.crds): conditions, patches (suspend/resume) and references name them.
  k('source.toolkit.fluxcd.io/v1', 'GitRepository'),
  k('kustomize.toolkit.fluxcd.io/v1', 'Kustomization'),
];

/** Short names kubectl accepts, to the kind. */
const SHORT_NAMES: Record<string, string> = {
  deploy: 'Deployment',
  sts: 'StatefulSet',
  ds: 'DaemonSet',
  rs: 'ReplicaSet',
  po: 'Pod',
  cj: 'CronJob',
  svc: 'Service',
  cm: 'ConfigMap',
  sa: 'ServiceAccount',
  pvc: 'PersistentVolumeClaim',
  ep: 'Endpoints',
  netpol: 'NetworkPolicy',
  ing: 'Ingress',
  hpa: 'HorizontalPodAutoscaler',
  pdb: 'PodDisruptionBudget',
  limits: 'LimitRange',
  quota: 'ResourceQuota',
  gitrepo: 'GitRepository',
  ks: 'Kustomization',
};

/** Cluster-scoped kinds a pack must not create (a run owns one namespace and nothing outside it). */
export const CLUSTER_SCOPED_KINDS: readonly string[] = [
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'VolumeAttachment',
];

/** A kind by name (`Deployment`), lower-case name (`deployment`, `deployments`) or short name (`deploy`). */
export function kindInfo(name: string): KindInfo | undefined {
  const lower = name.toLowerCase();
  const byShort = SHORT_NAMES[lower];
  return NAMESPACED_KINDS.find((info) => {
    const kind = info.kind.toLowerCase();
    return info.kind === byShort || kind === lower || `${kind}s` === lower || (kind.endsWith('s') && `${kind}es` === lower);
  });
}

/** A reference to one object of the run's namespace, as `kubectl` writes it: `deployment/web`. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** RFC 1123 label-ish object names (what Kubernetes accepts for most kinds). */
export const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `deployment/web` → the reference, or why it is not one. */
export function parseObjectRef(text: string): ObjectRef | string {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return `"${text}" is not a reference such as deployment/web (kind/name)`;
  const kindName = text.slice(0, slash);
  const name = text.slice(slash + 1);
  const info = kindInfo(kindName);
  if (!info) return `unknown kind "${kindName}" (kinds: ${NAMESPACED_KINDS.map((i) => i.kind.toLowerCase()).join(', ')})`;
  if (!OBJECT_NAME.test(name) || name.length > 253) return `"${name}" is not a Kubernetes object name (lowercase letters, digits, '-' and '.')`;
  return { apiVersion: info.apiVersion, kind: info.kind, name };
}

export function formatRef(ref: Pick<ObjectRef, 'kind' | 'name'>): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** The containers of any object that holds a pod template (or is a Pod), with their paths. */
export function podContainers(object: Record<string, unknown>): { path: (string | number)[]; container: Record<string, unknown> }[] {
  const specPaths: (string | number)[][] = [['spec'], ['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec']];
  const out: { path: (string | number)[]; container: Record<string, unknown> }[] = [];
  for (const specPath of specPaths) {
    let spec: unknown = object;
    for (const key of specPath) spec = spec && typeof spec === 'object' ? (spec as Record<string, unknown>)[key as string] : undefined;
    if (!spec || typeof spec !== 'object') continue;
    for (const list of ['initContainers', 'containers'] as const) {
      const containers = (spec as Record<string, unknown>)[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container, i) => {
        if (container && typeof container === 'object') out.push({ path: [...specPath, list, i], container: container as Record<string, unknown> });
      });
    }
  }
  return out;
}


/** The images of an object's containers. */
export function podImages(object: object): string[] {
  return podContainers(object as Record<string, unknown>).flatMap(({ container }) => (typeof container.image === 'string' ? [container.image] : []));
}
