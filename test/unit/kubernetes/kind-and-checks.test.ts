import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../main/engine/checks/run-check.js';
import { applyAction } from '../../../main/engine/faults/apply-action.js';
import { checkSchema, actionSchema } from '../../../main/engine/scenario/schema.js';
import type { ClusterOperations, KubeObject, Sandbox } from '../../../sandbox/runtime.js';
import { findKind, kindClient, kindConfig, kindProgress, parseKindVersion, type ProcessRunner } from '../../../sandbox/kubernetes/kind.js';
import { rolloutStatus } from '../../../sandbox/kubernetes/rollout.js';
import { resolveTarget } from '../../../sandbox/kubernetes/target.js';

const deployment = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation },
  spec,
  status: { observedGeneration: 2, ...status },
});

describe('kind through its CLI', () => {
  it('turns kind create stderr into progress {current, max, description}', () => {
    const state = { done: 0 };
    const lines = [
      'Creating cluster "firedrill" ...',
      ' ✓ Ensuring node image (kindest/node:v1.37.0) 🖼',
      ' • Preparing nodes 📦  ',
      ' ✓ Preparing nodes 📦',
      ' ✗ Starting control-plane 🕹️',
    ];
    expect(lines.map((l) => kindProgress(l, state))).toEqual([
      null,
      { current: 1, max: 6, description: 'kind: Ensuring node image (kindest/node:v1.37.0)' },
      { current: 1, max: 6, description: 'kind: Preparing nodes' },
      { current: 2, max: 6, description: 'kind: Preparing nodes' },
      { current: 2, max: 6, description: 'kind: failed: Starting control-plane' },
    ]);
  });

  it('creates with its own kubeconfig file and a config on stdin; explains a privileged refusal', async () => {
    const calls: { args: string[]; stdin?: string }[] = [];
    const run: ProcessRunner = async (_file, args, options = {}) => {
      calls.push({ args, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
      options.onStderrLine?.(' ✓ Ensuring node image (kindest/node:v1.37.0) 🖼');
      options.onStderrLine?.(' ✗ Preparing nodes 📦');
      return { code: 1, stdout: '', stderr: 'ERROR: failed to create cluster: command "docker run --privileged ..." failed: unable to apply caps: operation not permitted' };
    };
    const progress: string[] = [];
    const error = await kindClient('/opt/kind', run)
      .create('firedrill', kindConfig({ apiServerPort: 40123 }), '/data/kube/kind-firedrill.yaml', (p) => progress.push(`${p.current}/${p.max} ${p.description}`))
      .catch((e: unknown) => e as Error);
    expect(calls[0]!.args).toEqual(['create', 'cluster', '--name', 'firedrill', '--kubeconfig', '/data/kube/kind-firedrill.yaml', '--config', '-', '--wait', '120s']);
    expect(calls[0]!.stdin).toContain('apiServerAddress: "127.0.0.1"\n  apiServerPort: 40123');
    expect(progress).toEqual(['1/6 kind: Ensuring node image (kindest/node:v1.37.0)', '1/6 kind: failed: Preparing nodes']);
    expect(error.message).toMatch(/^kind create cluster --name firedrill failed \(exit 1\): ERROR: failed to create cluster: .*unable to apply caps.*Docker refused a privileged container, which every kind node is/);
  });

  it('finds kind on PATH, in Homebrew paths or the data directory, or FIREDRILL_KIND; reads its version', () => {
    const have = (paths: string[]) => (p: string) => paths.includes(p);
    expect(findKind({ PATH: '/usr/bin:/opt/tools' }, '/data', have(['/opt/tools/kind', '/opt/homebrew/bin/kind']))).toBe('/opt/tools/kind');
    expect(findKind({ PATH: '/usr/bin' }, '/data', have(['/opt/homebrew/bin/kind']))).toBe('/opt/homebrew/bin/kind');
    expect(findKind({ PATH: '/usr/bin' }, '/data', have(['/data/bin/kind']))).toBe('/data/bin/kind');
    expect(findKind({ PATH: '/usr/bin', FIREDRILL_KIND: '/x/kind' }, '/data', have(['/usr/bin/kind']))).toBeNull();
    expect(parseKindVersion('kind v0.33.0 go1.26.0 linux/amd64')).toBe('v0.33.0');
    expect(resolveTarget({ PATH: '' }, '/data', () => null)).toMatchObject({ type: 'none', unavailable: expect.stringMatching(/^no Kubernetes cluster: kind is not installed/) });
    expect(resolveTarget({ FIREDRILL_KUBECONFIG: '/k', FIREDRILL_KUBE_CONTEXT: 'lab', FIREDRILL_KUBE_IMAGE_LOAD: 'k3d image import -c lab' }, '/data')).toEqual({
      type: 'kubeconfig',
      kubeconfig: '/k',
      context: 'lab',
      imageLoad: ['k3d', 'image', 'import', '-c', 'lab'],
    });
    expect(resolveTarget({}, '/data', () => '/bin/kind')).toEqual({ type: 'kind', kind: '/bin/kind', cluster: 'firedrill', kubeconfig: '/data/kube/kind-firedrill.yaml' });
  });
});

describe('rollouts, as kubectl rollout status judges them', () => {
  it('is complete only when every replica is updated and available and no old one is left', () => {
    expect(rolloutStatus(deployment({ replicas: 2 }, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))).toEqual({ complete: true, message: 'deployment/web successfully rolled out' });
    expect(rolloutStatus(deployment({ replicas: 2 }, { replicas: 2, updatedReplicas: 1, availableReplicas: 2 })).message).toBe('1 of 2 new replicas have been updated');
    expect(rolloutStatus(deployment({ replicas: 1 }, { replicas: 2, updatedReplicas: 1, availableReplicas: 1 })).message).toBe('1 old replicas are pending termination');
    expect(rolloutStatus(deployment({ replicas: 1 }, { replicas: 1, updatedReplicas: 1, availableReplicas: 0 })).message).toBe('0 of 1 updated replicas are available');
    expect(rolloutStatus(deployment({ replicas: 1 }, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 3)).complete).toBe(false);
    expect(rolloutStatus(deployment({}, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] })).message).toBe('deployment/web exceeded its progress deadline');
    const sts: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2', updatedReplicas: 0 } };
    expect(rolloutStatus(sts)).toEqual({ complete: false, message: '0 pods at revision db-2' });
  });
});

describe('Kubernetes checks and fault actions on a sandbox', () => {
  const objects = new Map<string, KubeObject>();
  const calls: string[] = [];
  const cluster: ClusterOperations = {
    namespace: 'fd-x',
    apply: async (list, options) => void calls.push(`apply ${list.map((o) => `${o.kind}/${o.metadata.name}`).join(',')} by ${options?.fieldManager}`),
    patch: async (ref, patch, type, options) => void calls.push(`patch ${ref.kind}/${ref.name} ${type} by ${options?.fieldManager}: ${JSON.stringify(patch)}`),
    scale: async (ref, n) => void calls.push(`scale ${ref.kind}/${ref.name} ${n}`),
    deletePods: async () => 2,
    delete: async (ref) => void calls.push(`delete ${ref.kind}/${ref.name}`),
    get: async (ref) => objects.get(`${ref.kind}/${ref.name}`) ?? null,
    logs: async () => '',
  };
  const sandbox = { runId: 'x', cluster } as unknown as Sandbox;
  const context = { sandbox, fetch, now: () => 0, windows: new Map() };

  it('judges rollout and condition checks from the object the API server has', async () => {
    objects.set('Deployment/web', deployment({ replicas: 1 }, { replicas: 2, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-2" has timed out progressing.' }] }));
    const rollout = checkSchema.parse({ id: 'r', title: 'r', kind: 'rollout', object: 'deploy/web' });
    expect(await runCheck(rollout, context)).toEqual({ pass: false, observed: 'deployment/web exceeded its progress deadline', message: 'deployment/web exceeded its progress deadline' });
    const stuck = checkSchema.parse({ id: 'c', title: 'c', kind: 'condition', object: 'deployment/web', type: 'Progressing', status: 'False', reasonMatches: 'deadline' });
    expect(await runCheck(stuck, context)).toEqual({ pass: true, observed: 'Progressing=False (ProgressDeadlineExceeded)' });
    const available = checkSchema.parse({ id: 'a', title: 'a', kind: 'condition', object: 'deployment/web', type: 'Available' });
    expect(await runCheck(available, context)).toMatchObject({ pass: false, observed: 'no Available condition' });
    const missing = checkSchema.parse({ id: 'm', title: 'm', kind: 'rollout', object: 'deployment/api' });
    expect(await runCheck(missing, context)).toEqual({ pass: false, observed: 'not found', message: 'deployment/api does not exist' });
    // On a sandbox without a cluster (Docker), the check fails with the reason instead of crashing the run.
    expect(await runCheck(rollout, { ...context, sandbox: { runId: 'd' } as unknown as Sandbox })).toMatchObject({ pass: false, observed: 'error', message: expect.stringContaining('no Kubernetes cluster') });
  });

  it('applies patch, scale, deletePods and delete actions through the cluster, with their field managers', async () => {
    const actx = { sandbox, packDir: '/nonexistent', imageTag: (n: string) => n };
    const patch = actionSchema.parse({ patch: { object: 'deployment/web', patch: { spec: { paused: true } } } });
    expect(await applyAction(patch, actx)).toBe('patched deployment/web (strategic, field manager firedrill-fault)');
    expect(await applyAction(actionSchema.parse({ scale: { object: 'sts/db', replicas: 0 } }), actx)).toBe('scaled sts/db to 0');
    expect(await applyAction(actionSchema.parse({ deletePods: { object: 'deployment/web' } }), actx)).toBe('deleted 2 pod(s) of deployment/web');
    expect(await applyAction(actionSchema.parse({ delete: { object: 'cm/web-config' } }), actx)).toBe('deleted cm/web-config');
    expect(calls).toEqual([
      'patch Deployment/web strategic by firedrill-fault: {"spec":{"paused":true}}',
      'scale StatefulSet/db 0',
      'delete ConfigMap/web-config',
    ]);
  });
});
