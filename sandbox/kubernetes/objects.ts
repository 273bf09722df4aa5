/**
 * What a run is made of on Kubernetes, as plain objects (pure, no client): its namespace, labelled with the
 * run so cleanup finds it even after a crash; the learner's ServiceAccount and Role (that namespace only);
 * a Deployment and a Service per pack service; and the pack's own manifests, labelled the same way.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LABELS, resourceLimits, type KubeObject, type ServiceSpec } from '../runtime.js';
import type { Owner } from '../docker/labels.js';

/** The field manager of everything Firedrill applies (faults use their own, so managedFields tell them apart). */
export const FIELD_MANAGER = 'firedrill';

/** The kind cluster label convention: node containers of a kind cluster carry it (value: the cluster name). */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** The ServiceAccount (and Role, RoleBinding) the bastion runs as: it may do anything, in the run's namespace only. */
export const LEARNER_ACCOUNT = 'firedrill-learner';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A label value (≤ 63 characters, alphanumeric at both ends); longer or odd ones end in a hash so they stay unique. */
export function labelValue(text: string): string {
  if (text.length <= 63 && LABEL_VALUE.test(text)) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 10);
  const head = text.replace(/[^-A-Za-z0-9_.]/g, '-').slice(0, 52).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return head ? `${head}-${hash}` : hash;
}

/** The run's namespace: `fd-<run id>`, a DNS label (≤ 63, lowercase), hashed when the run id is longer. */
export function namespaceName(runId: string): string {
  const wanted = `fd-${runId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
  if (wanted.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(wanted)) return wanted;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 10);
  return `${wanted.slice(0, 52).replace(/-+$/, '')}-${hash}`;
}

/** Labels on the namespace (and every object in it): managed, run, scenario, owner. */
export function runLabels(runId: string, scenario: string, owner: Owner): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.run]: labelValue(runId),
    [LABELS.scenario]: labelValue(scenario),
    [LABELS.ownerPid]: String(owner.pid),
    [LABELS.ownerHost]: labelValue(owner.host),
  };
}

/** The label selector of Firedrill's namespaces: all of them, or one run's. */
export function runSelector(runId?: string): string {
  return runId === undefined ? `${LABELS.managed}=true` : `${LABELS.managed}=true,${LABELS.run}=${labelValue(runId)}`;
}

export function namespaceObject(name: string, labels: Record<string, string>, runId: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations: { 'firedrill.run': runId } } };
}

/** A copy of a manifest object with the run's labels on it (and on its pod template, so pods carry them too). */
export function labelled(object: KubeObject, labels: Record<string, string>): KubeObject {
  const copy = structuredClone(object);
  copy.metadata.labels = { ...(copy.metadata.labels ?? {}), ...labels };
  delete copy.metadata.namespace;
  const template = (copy.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template;
  if (template && typeof template === 'object') template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), ...labels } };
  return copy;
}

/** The learner's ServiceAccount, a Role over the namespace's usual kinds, and the binding. */
export function learnerAccess(): KubeObject[] {
  const everything = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: LEARNER_ACCOUNT } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: LEARNER_ACCOUNT },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec', 'pods/portforward', 'pods/eviction', 'services', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'persistentvolumeclaims', 'events', 'replicationcontrollers', 'limitranges', 'resourcequotas'], verbs: everything },
        { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale', 'deployments/rollback', 'statefulsets', 'statefulsets/scale', 'daemonsets', 'replicasets', 'replicasets/scale', 'controllerrevisions'], verbs: everything },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: everything },
        { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: everything },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: everything },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies', 'ingresses'], verbs: everything },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: LEARNER_ACCOUNT },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: LEARNER_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: LEARNER_ACCOUNT }],
    },
  ];
}

/** The ConfigMap holding a service's files (each mounted read-only at its target with its mode). */
export function filesConfigMapName(service: string): string {
  return `fd-files-${service}`;
}

function fileKey(index: number): string {
  return `file-${index}`;
}

/** A numeric user (`1000`, `1000:1000`) as runAsUser/runAsGroup; names cannot be set on a pod (the image's USER applies). */
function securityUser(user: string | undefined): { runAsUser?: number; runAsGroup?: number } {
  const match = user ? /^(\d+)(?::(\d+))?$/.exec(user) : null;
  if (!match) return {};
  return { runAsUser: Number(match[1]), ...(match[2] ? { runAsGroup: Number(match[2]) } : {}) };
}

/** A pack service as Kubernetes objects: a one-replica Deployment, a Service for its name, its files' ConfigMap. */
export function serviceObjects(service: ServiceSpec, options: { bastion: boolean; readFile?: (path: string) => Buffer } = { bastion: false }): KubeObject[] {
  const read = options.readFile ?? ((path: string) => readFileSync(path));
  const selector = { [LABELS.service]: service.name };
  const limits = resourceLimits(service);
  const objects: KubeObject[] = [];
  const volumes: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  if (service.files.length > 0) {
    const binaryData: Record<string, string> = {};
    service.files.forEach((file, i) => {
      binaryData[fileKey(i)] = read(file.source).toString('base64');
      mounts.push({ name: 'fd-files', mountPath: file.target, subPath: fileKey(i), readOnly: true });
    });
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: filesConfigMapName(service.name) }, binaryData });
    volumes.push({
      name: 'fd-files',
      configMap: { name: filesConfigMapName(service.name), items: service.files.map((file, i) => ({ key: fileKey(i), path: fileKey(i), mode: file.mode })) },
    });
  }
  const probe = service.healthcheck
    ? {
        exec: { command: 'shell' in service.healthcheck.command ? ['sh', '-c', service.healthcheck.command.shell] : service.healthcheck.command.argv },
        periodSeconds: Math.max(1, Math.round(service.healthcheck.intervalMs / 1000)),
        timeoutSeconds: Math.max(1, Math.round(service.healthcheck.timeoutMs / 1000)),
        failureThreshold: service.healthcheck.retries,
        initialDelaySeconds: Math.round(service.healthcheck.startPeriodMs / 1000),
      }
    : undefined;
  const container = {
    name: service.name,
    image: service.image,
    imagePullPolicy: 'IfNotPresent',
    ...(service.entrypoint ? { command: service.entrypoint } : {}),
    ...(service.command ? { args: service.command } : {}),
    env: Object.entries(service.env).map(([name, value]) => ({ name, value })),
    ...(service.workdir ? { workingDir: service.workdir } : {}),
    ...(probe ? { readinessProbe: probe } : {}),
    resources: {
      limits: { memory: String(limits.memoryBytes), cpu: `${Math.round(limits.cpus * 1000)}m` },
      requests: { memory: String(Math.min(limits.memoryBytes, 32 * 1024 ** 2)), cpu: '10m' },
    },
    securityContext: {
      ...securityUser(service.user),
      ...(service.capabilities.length > 0 ? { capabilities: { add: service.capabilities.map((c) => c.toUpperCase().replace(/^CAP_/, '')) } } : {}),
    },
    volumeMounts: mounts,
    ...(service.tty ? { tty: true, stdin: true } : {}),
    ...(service.publish.length > 0 ? { ports: service.publish.map((port) => ({ containerPort: port })) } : {}),
  };
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, labels: selector },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: selector },
        spec: {
          hostname: service.hostname ?? service.name,
          terminationGracePeriodSeconds: 2,
          enableServiceLinks: false,
          ...(options.bastion ? { serviceAccountName: LEARNER_ACCOUNT, automountServiceAccountToken: true } : { automountServiceAccountToken: false }),
          containers: [container],
          volumes,
        },
      },
    },
  });
  // A Service of the same name, so other pods reach it by name (headless: no port list needed).
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name },
    spec: {
      clusterIP: 'None',
      selector,
      ...(service.publish.length > 0 ? { ports: service.publish.map((port) => ({ name: `p${port}`, port, targetPort: port })) } : {}),
    },
  });
  return objects;
}
