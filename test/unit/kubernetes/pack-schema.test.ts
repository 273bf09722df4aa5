import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntimeRegistry } from '../../../main/app/runtimes.js';
import { formatDiagnostic } from '../../../main/engine/scenario/diagnostics.js';
import { resolveManifestImages, readManifests } from '../../../main/engine/scenario/manifests.js';
import { validateScenarioDir, validateScenarioText, type ValidationResult } from '../../../main/engine/scenario/validate.js';

const PACK = resolve(import.meta.dirname, '../../fixtures/scenarios/k8s-rollout');
const TEXT = readFileSync(join(PACK, 'scenario.yaml'), 'utf8');
const registry = createRuntimeRegistry();
const supports = { supports: (kind: 'docker' | 'kubernetes', op: Parameters<typeof registry.supports>[1]) => registry.supports(kind, op) };

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A copy of the fixture pack (folder name k8s-rollout) with scenario.yaml and files edited. */
function packWith(edits: [string, string][] = [], files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'fd-k8s-pack-'));
  dirs.push(root);
  const dir = join(root, 'k8s-rollout');
  cpSync(PACK, dir, { recursive: true });
  let text = TEXT;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `"${from}" occurs once`).toBe(1);
    text = text.replace(from, to);
  }
  writeFileSync(join(dir, 'scenario.yaml'), text);
  for (const [rel, content] of Object.entries(files)) writeFileSync(join(dir, rel), content);
  return dir;
}

const lines = (result: ValidationResult, dir: string): string[] => result.diagnostics.map((d) => formatDiagnostic(d).replace(`${dir}/`, ''));

describe('the Kubernetes pack format', () => {
  it('accepts the fixture pack: manifests, a patch fault with a json-patch revert, rollout and condition checks', async () => {
    const result = await validateScenarioDir(PACK, supports);
    expect(result.diagnostics).toEqual([]);
    expect(result.scenario!.runtimes).toEqual(['kubernetes']);
    expect(result.scenario!.environment.kubernetes!.manifests).toEqual(['manifests']);
  });

  it('reports a manifest problem at the manifest file, line and field', async () => {
    const web = readFileSync(join(PACK, 'manifests/web.yaml'), 'utf8')
      .replace('  name: web-release\n', '  name: web-release\n  namespace: prod\n')
      .replace('image: debian:bookworm', 'image: nginx');
    const dir = packWith([], { 'manifests/web.yaml': web, 'manifests/extra.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: too-wide\n' });
    const result = await validateScenarioDir(dir, supports);
    expect(result.ok).toBe(false);
    expect(lines(result, dir)).toEqual([
      'manifests/extra.yaml:2:7: ClusterRole is cluster-scoped: a run owns one namespace and creates nothing outside it (at kind)',
      "manifests/web.yaml:6:14: remove metadata.namespace: every object goes into the run's own namespace (at metadata.namespace)",
      expect.stringMatching(/^manifests\/web\.yaml:32:18: image "nginx" is neither an image of this pack \(bastion\) nor a tag with a version: .* \(at spec\.template\.spec\.containers\[0\]\.image\)$/),
    ]);
  });

  it('names the scenario line of a bad object reference, and of an action a kind cannot take', async () => {
    const dir = packWith([
      ['        object: deployment/web\n        patch:', '        object: deploymnt/web\n        patch:'],
      ['      object: deployment/web\n  broken:', '      object: configmap/web-release\n  broken:'],
    ]);
    const result = await validateScenarioDir(dir, supports);
    expect(lines(result, dir)).toEqual([
      expect.stringMatching(/^scenario\.yaml:\d+:17: object: unknown kind "deploymnt" \(kinds: deployment, statefulset, .*\) \(at faults\[0\]\.action\.patch\.object\)$/),
    ]);
    const rollout = await validateScenarioDir(packWith([['      object: deployment/web\n  broken:', '      object: configmap/web-release\n  broken:']]), supports);
    expect(rollout.diagnostics.map((d) => `${d.line}: ${d.message} (at ${d.path})`)).toEqual([
      expect.stringMatching(/^\d+: ConfigMap has no rollout: name a Deployment, StatefulSet or DaemonSet \(at checks\.steadyState\[0\]\.object\)$/),
    ]);
  });

  it('rejects a json patch that is not a list, and a scale of something without replicas', async () => {
    const merge = await validateScenarioDir(packWith([['        type: json\n', '        type: merge\n']]), supports);
    expect(merge.diagnostics.map((d) => `${d.message} (at ${d.path})`)).toEqual([
      'a merge patch is an object (a list of operations needs type: json) (at faults[0].revert.patch.patch)',
    ]);
    const scale = await validateScenarioDir(
      packWith([['        type: json\n        patch:\n          - { op: replace, path: /spec/template/spec/containers/0/env/0/value, value: good }\n', '        type: json\n        patch:\n          - { op: replace, path: /spec/template/spec/containers/0/env/0/value, value: good }\n  - id: scale\n    after: bad-config\n    action:\n      scale: { object: configmap/web-release, replicas: 0 }\n']]),
      supports,
    );
    expect(scale.diagnostics.map((d) => `${d.message} (at ${d.path})`)).toEqual([
      'ConfigMap cannot be scaled (scalable: Deployment, StatefulSet, ReplicaSet) (at faults[1].action.scale.object)',
    ]);
  });

  it('keeps Kubernetes actions and checks off the docker runtime, and manifests off Docker-only packs', () => {
    const text = TEXT.replace('runtimes: [kubernetes]', 'runtimes: [docker, kubernetes]');
    const result = validateScenarioText(text, join(PACK, 'scenario.yaml'), PACK, supports);
    const messages = result.diagnostics.map((d) => `${d.message} (at ${d.path})`);
    expect(messages).toContain('the docker runtime needs at least one network in environment.networks (at environment.networks)');
    expect(messages).toContain('the docker runtime cannot patch, which the patch action needs: drop docker from runtimes or use another action (at faults[0].action.patch)');
    expect(messages).toContain('the docker runtime cannot getObject, which the rollout check needs: drop docker from runtimes or use another check (at checks.steadyState[0].kind)');
    const dockerOnly = validateScenarioText(TEXT.replace('runtimes: [kubernetes]', 'runtimes: [docker]'), join(PACK, 'scenario.yaml'), PACK, supports);
    expect(dockerOnly.diagnostics.map((d) => d.message)).toContain('environment.kubernetes needs kubernetes in runtimes (the docker runtime cannot apply manifests)');
  });

  it('lets `service:` name a workload of the manifests, and nothing else', async () => {
    const result = await validateScenarioDir(packWith([['          service: web\n', '          service: webb\n']]), supports);
    expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^unknown service "webb"; did you mean "web"\? \(services: bastion, web\)$/)]);
  });

  it('resolves pack image names in manifests to built tags, never pulling', () => {
    const read = readManifests(PACK, ['manifests'], ['bastion']);
    expect(read.diagnostics).toEqual([]);
    expect(read.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`)).toEqual(['ConfigMap/web-release', 'Deployment/web', 'Service/web']);
    const deployment = { ...read.objects[1]!.object };
    (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = 'bastion';
    const [resolved] = resolveManifestImages([deployment], (name) => (name === 'bastion' ? 'firedrill/k8s-rollout-bastion:abc' : name));
    expect((resolved!.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]).toMatchObject({
      image: 'firedrill/k8s-rollout-bastion:abc',
      imagePullPolicy: 'IfNotPresent',
    });
  });
});
