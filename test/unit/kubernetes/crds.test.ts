/**
 * environment.kubernetes.crds: files of CustomResourceDefinitions only (anything else is an error at its
 * file and line), created on the cluster when missing and waited on until Established, left alone when
 * present; their kinds' objects deleted before the namespace at teardown.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../../main/engine/scenario/manifests.js';
import { crdKind, ensureCrds } from '../../../sandbox/kubernetes/kubernetes-runtime.js';
import { KubernetesSandbox } from '../../../sandbox/kubernetes/sandbox.js';
import type { KubeObject } from '../../../sandbox/runtime.js';
import { FakeKube } from './fake-kube.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
spec:
  group: example.io
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - { name: v1beta1, served: true, storage: false }
    - { name: v1, served: true, storage: true }
`;

function pack(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fd-crds-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('environment.kubernetes.crds', () => {
  it('reads CustomResourceDefinitions, which manifests refuse as cluster-scoped', () => {
    const dir = pack({ 'crds/widgets.yaml': CRD });
    const read = readManifests(dir, ['crds'], [], 'crds');
    expect(read.diagnostics).toEqual([]);
    expect(read.objects.map((o) => o.object.metadata.name)).toEqual(['widgets.example.io']);
    expect(readManifests(dir, ['crds']).diagnostics.map((d) => d.message)).toEqual([
      'CustomResourceDefinition is cluster-scoped: a run owns one namespace and creates nothing outside it',
    ]);
  });

  it('refuses anything else in a CRD file, and a CRD named other than <plural>.<group>, at its line', () => {
    const dir = pack({
      'crds/mixed.yaml': `${CRD.replace('name: widgets.example.io', 'name: widget.example.io')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n`,
    });
    const problems = readManifests(dir, ['crds'], [], 'crds').diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(problems).toEqual([
      "4: a CustomResourceDefinition's name must be widgets.example.io (<plural>.<group>)",
      '14: ConfigMap is not a CustomResourceDefinition: environment.kubernetes.crds holds only CRDs (namespaced objects go in manifests)',
    ]);
  });

  it('serves the storage version of its kind', () => {
    const crd = readManifests(pack({ 'c.yaml': CRD }), ['c.yaml'], [], 'crds').objects[0]!.object;
    expect(crdKind(crd)).toEqual([{ apiVersion: 'example.io/v1', kind: 'Widget' }]);
  });

  it('creates a missing CRD and waits until it is Established; leaves a present one alone', async () => {
    const api = new FakeKube();
    const crd = readManifests(pack({ 'c.yaml': CRD }), ['c.yaml'], [], 'crds').objects[0]!.object;
    const present: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.io' }, spec: { group: 'example.io' } };
    await api.apply(present, 'someone-else');
    let polls = 0;
    const created = await ensureCrds(api, [crd, present], 'pack', {
      timeoutMs: 10_000,
      // The API server establishes the new CRD after a couple of polls.
      sleep: async () => {
        if (++polls === 2) (api.objects.get(FakeKube.keyOf({ kind: 'CustomResourceDefinition', name: 'widgets.example.io' }))!).status = { conditions: [{ type: 'Established', status: 'True' }] };
      },
    });
    expect(created).toEqual(['widgets.example.io']);
    expect(polls).toBe(2);
    const applied = api.calls.filter((c) => c.op === 'apply' && c.fieldManager === 'firedrill').map((c) => c.key);
    expect(applied).toEqual(['CustomResourceDefinition//widgets.example.io']);
    expect(api.objects.get('CustomResourceDefinition//widgets.example.io')!.metadata.annotations).toMatchObject({ 'firedrill.created-for': 'pack' });
  });

  it('says which CRD never became Established', async () => {
    const api = new FakeKube();
    const crd = readManifests(pack({ 'c.yaml': CRD }), ['c.yaml'], [], 'crds').objects[0]!.object;
    await expect(ensureCrds(api, [crd], 'pack', { timeoutMs: 0, sleep: async () => undefined })).rejects.toThrow(
      'CustomResourceDefinition widgets.example.io was not Established within 0s',
    );
  });

  it("deletes the custom kinds' objects before the namespace, and strips the finalizers of those left", async () => {
    const api = new FakeKube();
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fd-run' } }, 'firedrill');
    await api.apply({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'fd-run', finalizers: ['example.io/cleanup'] } }, 'firedrill');
    // An operator that never runs its finalizer: the object comes back until its finalizers are gone.
    const remove = api.delete.bind(api);
    api.delete = async (key, options) => {
      const object = api.objects.get(FakeKube.keyOf(key));
      if (key.kind === 'Widget' && object && (object.metadata.finalizers as string[] | null | undefined)?.length) return true;
      return remove(key, options);
    };
    const sandbox = new KubernetesSandbox({
      api,
      runId: 'run',
      namespace: 'fd-run',
      labels: {},
      services: new Map(),
      kubeconfig: '/dev/null',
      kubectl: 'kubectl',
      rolloutTimeoutMs: 1000,
      customKinds: [{ apiVersion: 'example.io/v1', kind: 'Widget' }],
      pollMs: 1,
      finalizerTimeoutMs: 20,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    await sandbox.teardown();
    const ops = api.calls.map((c) => `${c.op} ${c.key}`);
    expect(ops.indexOf('delete Widget/fd-run/w')).toBeLessThan(ops.indexOf('delete Namespace//fd-run'));
    expect(ops).toContain('patch:merge Widget/fd-run/w');
    expect(api.objects.size).toBe(0);
  });
});
