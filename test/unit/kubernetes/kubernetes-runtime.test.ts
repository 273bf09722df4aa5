import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LABELS, type KubeObject, type Progress, type SandboxSpec, type ServiceSpec } from '../../../sandbox/runtime.js';
import { KubernetesRuntime, KUBERNETES_OPERATIONS, normalizeImage } from '../../../sandbox/kubernetes/kubernetes-runtime.js';
import { namespaceName, labelValue, runSelector } from '../../../sandbox/kubernetes/objects.js';
import { wrapCommand } from '../../../sandbox/kubernetes/sandbox.js';
import type { TargetResolution } from '../../../sandbox/kubernetes/target.js';
import type { ProcessRunner } from '../../../sandbox/kubernetes/kind.js';
import { FakeKube } from './fake-kube.js';

const OWNER = { pid: 4242, host: 'laptop' };
let dir: string;
let kubeconfig: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fd-k8s-rt-'));
  kubeconfig = join(dir, 'user-kubeconfig.yaml');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: lab, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]',
      'users: [{name: me, user: {token: secret-token}}]',
      'contexts: [{name: lab, context: {cluster: lab, user: me}}, {name: other, context: {cluster: lab, user: me}}]',
      'current-context: other',
      '',
    ].join('\n'),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fakeDocker = (present: string[] = ['debian:bookworm', 'firedrill/k-bastion:1']): Docker =>
  ({ getImage: (tag: string) => ({ inspect: async () => (present.includes(tag) ? {} : Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))) }) }) as unknown as Docker;

function service(name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, image: 'debian:bookworm', env: {}, networks: [], capabilities: [], sysctls: {}, files: [], publish: [], dependsOn: [], tty: false, ...overrides };
}

const WEB: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'debian:bookworm' }] } } },
};

function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    runId: 'k-20261202-001500-ab12',
    scenario: 'k',
    images: [],
    networks: [],
    services: [service('bastion', { image: 'firedrill/k-bastion:1', tty: true, command: ['sleep', 'infinity'] })],
    objects: [WEB, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-release' }, data: { release: '1' } }],
    rolloutTimeoutMs: 2_000,
    ...overrides,
  };
}

function runtime(fake: FakeKube, options: { target?: TargetResolution; run?: ProcessRunner; docker?: Docker } = {}): KubernetesRuntime {
  return new KubernetesRuntime({
    dataDir: dir,
    target: options.target ?? { type: 'kubeconfig', kubeconfig, context: 'lab' },
    api: () => fake,
    docker: options.docker ?? fakeDocker(),
    ...(options.run ? { run: options.run } : {}),
    owner: OWNER,
    kubectl: '/usr/local/bin/kubectl',
    sleep: async () => undefined,
  });
}

describe('the Kubernetes runtime (against an in-memory API server)', () => {
  it('brings a run up in its own labelled namespace: access, services, manifests applied by Firedrill, rollouts waited on', async () => {
    const fake = new FakeKube();
    const progress: Progress[] = [];
    const sandbox = await runtime(fake).up(spec(), (p) => progress.push(p));
    const namespace = namespaceName('k-20261202-001500-ab12');
    expect(sandbox.cluster!.namespace).toBe(namespace);
    const ns = fake.objects.get(FakeKube.keyOf({ kind: 'Namespace', name: namespace }))!;
    expect(ns.metadata.labels).toEqual({
      [LABELS.managed]: 'true',
      [LABELS.run]: 'k-20261202-001500-ab12',
      [LABELS.scenario]: 'k',
      [LABELS.ownerPid]: '4242',
      [LABELS.ownerHost]: 'laptop',
    });
    const applied = fake.calls.filter((c) => c.op === 'apply').map((c) => `${c.key} by ${c.fieldManager}`);
    expect(applied).toEqual([
      `Namespace//${namespace} by firedrill`,
      `ServiceAccount/${namespace}/firedrill-learner by firedrill`,
      `Role/${namespace}/firedrill-learner by firedrill`,
      `RoleBinding/${namespace}/firedrill-learner by firedrill`,
      `Deployment/${namespace}/bastion by firedrill`,
      `Service/${namespace}/bastion by firedrill`,
      `Deployment/${namespace}/web by firedrill`,
      `ConfigMap/${namespace}/web-release by firedrill`,
    ]);
    // Every object carries the run's labels, pod templates too.
    const web = fake.objects.get(FakeKube.keyOf({ kind: 'Deployment', name: 'web', namespace }))!;
    expect(web.metadata.labels?.[LABELS.run]).toBe('k-20261202-001500-ab12');
    expect((web.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).toMatchObject({ app: 'web', [LABELS.run]: 'k-20261202-001500-ab12' });
    // The bastion runs as the learner's ServiceAccount; other pods get no token.
    const bastion = fake.objects.get(FakeKube.keyOf({ kind: 'Deployment', name: 'bastion', namespace }))!;
    expect((bastion.spec as { template: { spec: Record<string, unknown> } }).template.spec).toMatchObject({ serviceAccountName: 'firedrill-learner', automountServiceAccountToken: true });
    // Progress counts up to its max, and says what happened.
    expect(progress.at(-1)).toMatchObject({ current: progress.at(-1)!.max, description: 'sandbox ready' });
    expect(progress.map((p) => p.description)).toContain('deployment/web rolled out');
    expect(progress.every((p, i) => i === 0 || p.current >= progress[i - 1]!.current)).toBe(true);
  });

  it('execs in the newest ready pod of a service or manifest workload, as another user through runuser/setpriv', async () => {
    const fake = new FakeKube();
    const sandbox = await runtime(fake).up(spec(), () => undefined);
    await sandbox.exec('web', ['printenv', 'WEB_CONFIG'], { user: 'app' });
    await sandbox.exec('bastion', ['id'], { user: '0', workdir: '/', env: { A: '1' } });
    expect(fake.execs.map((e) => [e.pod.replace(/-\d+$/, ''), e.container, e.command])).toEqual([
      ['web', 'web', ['runuser', '-u', 'app', '--', 'printenv', 'WEB_CONFIG']],
      ['bastion', 'bastion', ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', '/', 'env', 'A=1', 'id']],
    ]);
    expect(wrapCommand(['id'], { user: '1000:1000' })).toEqual(['setpriv', '--reuid', '1000', '--regid', '1000', '--clear-groups', 'id']);
    await sandbox.writeFile('bastion', '/etc/motd', 'hello', 0o644);
    expect(fake.execs.at(-1)).toMatchObject({ command: ['sh', '-c', 'mkdir -p "$1" && cat > "$2" && chmod "$3" "$2"', 'sh', '/etc', '/etc/motd', '644'], stdin: 'hello' });
    await expect(sandbox.exec('nope', ['true'])).rejects.toThrow(/no service "nope"/);
  });

  it('applies patch faults under their own field manager, and reverts them', async () => {
    const fake = new FakeKube();
    const sandbox = await runtime(fake).up(spec(), () => undefined);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
    await sandbox.cluster!.patch(ref, { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'WEB_CONFIG', value: 'bad' }] }] } } } }, 'strategic', { fieldManager: 'firedrill-fault' });
    const patched = await sandbox.cluster!.get(ref);
    expect((patched!.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0]!.env).toEqual([{ name: 'WEB_CONFIG', value: 'bad' }]);
    await sandbox.cluster!.patch(ref, [{ op: 'replace', path: '/spec/template/spec/containers/0/env/0/value', value: 'good' }], 'json', { fieldManager: 'firedrill-fault' });
    expect(fake.calls.filter((c) => c.op.startsWith('patch')).map((c) => `${c.op} ${c.fieldManager}`)).toEqual(['patch:strategic firedrill-fault', 'patch:json firedrill-fault']);
    await sandbox.cluster!.scale(ref, 3);
    expect((await sandbox.cluster!.get(ref))!.spec).toMatchObject({ replicas: 3 });
    expect(await sandbox.cluster!.deletePods(ref)).toBe(3);
  });

  it('cleans up after a rollout that never completes: the namespace goes, the error says what the pods do', async () => {
    const fake = new FakeKube();
    fake.stuck.add('web');
    const error = await runtime(fake).up(spec({ rolloutTimeoutMs: 200 }), () => undefined).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^deployment\/web did not roll out within 0s: 0 of 1 updated replicas are available; pods: web-\d+ Running, not ready$/);
    expect([...fake.objects.keys()].filter((k) => k.includes(namespaceName('k-20261202-001500-ab12')))).toEqual([]);
  });

  it('refuses to start a run whose namespace already exists', async () => {
    const fake = new FakeKube();
    await runtime(fake).up(spec(), () => undefined);
    await expect(runtime(fake).up(spec(), () => undefined)).rejects.toThrow(/already has namespace fd-k-20261202-001500-ab12/);
  });

  it('finds leftovers by label: one run, every run, or only orphans (owner gone on this host)', async () => {
    const fake = new FakeKube();
    const mine = runtime(fake);
    await mine.up(spec(), () => undefined);
    const other = new KubernetesRuntime({ dataDir: dir, target: { type: 'kubeconfig', kubeconfig }, api: () => fake, docker: fakeDocker(), owner: { pid: 999_999_999, host: 'laptop' }, sleep: async () => undefined });
    await other.up(spec({ runId: 'k-20261202-001600-cd34' }), () => undefined);
    expect((await mine.cleanup({ onlyOrphans: true })).removed).toEqual([{ kind: 'namespace', name: 'fd-k-20261202-001600-cd34' }]);
    expect((await mine.cleanup({ runId: 'k-20261202-001500-ab12' })).removed).toEqual([{ kind: 'namespace', name: 'fd-k-20261202-001500-ab12' }]);
    expect((await mine.cleanup()).removed).toEqual([]);
    expect([...fake.objects.keys()]).toEqual([]);
    expect(runSelector('x')).toBe('firedrill.managed=true,firedrill.run=x');
    // A game's cleanup removes its own runs' namespaces only, and never the kind cluster.
    await mine.up(spec({ runId: 'k-game', labels: { [LABELS.game]: 'g1', [LABELS.deadline]: '1000' } }), () => undefined);
    await mine.up(spec({ runId: 'k-solo' }), () => undefined);
    expect((await mine.cleanup({ gameId: 'g2' })).removed).toEqual([]);
    expect((await mine.cleanup({ expired: true, now: 999 })).removed).toEqual([]);
    expect((await mine.cleanup({ gameId: 'g1', expired: true, now: 1000 })).removed).toEqual([{ kind: 'namespace', name: 'fd-k-game' }]);
    expect((await mine.cleanup({ runId: 'k-solo' })).removed).toEqual([{ kind: 'namespace', name: 'fd-k-solo' }]);
  });

  it('firedrill clean removes the namespaces and the kind cluster Firedrill owns (found by io.x-k8s.kind.cluster); orphan reaping keeps it', async () => {
    const fake = new FakeKube();
    const kindCalls: string[] = [];
    const run: ProcessRunner = async (_file, args) => {
      kindCalls.push(args.join(' '));
      if (args[0] === 'get' && args[1] === 'clusters') return { code: 0, stdout: 'firedrill\nother\n', stderr: '' };
      if (args[0] === 'get' && args[1] === 'kubeconfig') return { code: 0, stdout: readFileSync(kubeconfig, 'utf8').replace('current-context: other', 'current-context: lab'), stderr: '' };
      return { code: 0, stdout: '', stderr: '' };
    };
    const docker = {
      ...fakeDocker(),
      listContainers: async () => [{ Labels: { 'io.x-k8s.kind.cluster': 'firedrill' } }, { Labels: { 'io.x-k8s.kind.cluster': 'other' } }],
    } as unknown as Docker;
    const kind = runtime(fake, { target: { type: 'kind', kind: '/bin/kind', cluster: 'firedrill', kubeconfig: join(dir, 'kube', 'kind-firedrill.yaml') }, run, docker });
    await kind.up(spec(), () => undefined);
    expect((await kind.cleanup({ onlyOrphans: true })).removed).toEqual([]);
    expect(kindCalls.filter((c) => c.startsWith('delete'))).toEqual([]);
    expect((await kind.cleanup()).removed).toEqual([
      { kind: 'namespace', name: 'fd-k-20261202-001500-ab12' },
      { kind: 'kind cluster', name: 'firedrill' },
    ]);
    expect(kindCalls.filter((c) => c.startsWith('delete') || c.startsWith('load'))).toEqual(['load docker-image --name firedrill firedrill/k-bastion:1 debian:bookworm', 'delete cluster --name firedrill']);
  });

  it('never writes the user kubeconfig: terminals use a copy of the chosen context in the data directory', async () => {
    const before = readFileSync(kubeconfig, 'utf8');
    const fake = new FakeKube();
    const sandbox = await runtime(fake).up(spec(), () => undefined);
    const shell = sandbox.shellCommand('bastion', ['bash', '-l']);
    const copy = join(dir, 'kube', 'target.yaml');
    expect(shell).toEqual({
      file: '/usr/local/bin/kubectl',
      args: ['--kubeconfig', copy, '--context', 'lab', '--namespace', 'fd-k-20261202-001500-ab12', 'exec', '-it', 'deployment/bastion', '-c', 'bastion', '--', 'env', 'TERM=xterm-256color', 'bash', '-l'],
      env: { KUBECONFIG: copy },
    });
    expect(JSON.parse(readFileSync(copy, 'utf8'))).toMatchObject({ 'current-context': 'lab', contexts: [{ name: 'lab' }] });
    expect(readFileSync(kubeconfig, 'utf8')).toBe(before);
  });

  it('loads local images with the configured command, only those no node has yet', async () => {
    const fake = new FakeKube();
    fake.objects.set(FakeKube.keyOf({ kind: 'Node', name: 'n1' }), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { images: [{ names: ['docker.io/library/debian:bookworm'] }] } });
    const ran: string[][] = [];
    const run: ProcessRunner = async (file, args) => {
      ran.push([file, ...args]);
      return { code: 0, stdout: '', stderr: '' };
    };
    await runtime(fake, { target: { type: 'kubeconfig', kubeconfig, imageLoad: ['bash', 'cluster.sh', 'load'] }, run }).up(spec(), () => undefined);
    expect(ran).toEqual([['bash', 'cluster.sh', 'load', 'firedrill/k-bastion:1']]);
    expect(normalizeImage('firedrill/x:1')).toBe('docker.io/firedrill/x:1');
    expect(normalizeImage('localhost:5000/x:1')).toBe('localhost:5000/x:1');
  });

  it('says why Kubernetes scenarios are not playable, per target', async () => {
    const none = runtime(new FakeKube(), { target: { type: 'none', unavailable: 'no Kubernetes cluster: kind is not installed' } });
    expect(await none.whyUnavailable()).toMatch(/^Kubernetes scenarios are not playable: no Kubernetes cluster: kind is not installed\. Install kind/);
    const down = new FakeKube();
    down.reachable = false;
    expect(await runtime(down).whyUnavailable()).toMatch(/does not answer \(connect ECONNREFUSED 127\.0\.0\.1:6443\)\. Check FIREDRILL_KUBECONFIG/);
    const limited = new FakeKube();
    limited.denied.add('create namespaces').add('create pods/exec');
    expect(await runtime(limited).whyUnavailable()).toMatch(/not allowed to create namespaces, create pods\/exec\. Use a context/);
    expect(await runtime(new FakeKube()).whyUnavailable()).toBeNull();
    // kind without a cluster yet: Docker must allow privileged containers.
    const kindRun: ProcessRunner = async (_file, args) => ({ code: 0, stdout: args[0] === 'version' ? 'kind v0.33.0 go1.26 linux/amd64\n' : 'No kind clusters found.\n', stderr: '' });
    const refusing = {
      ...fakeDocker(),
      createContainer: async () => ({ start: async () => Promise.reject(new Error('(HTTP code 500) server error - unable to apply caps: operation not permitted')), wait: async () => ({}), remove: async () => undefined }),
    } as unknown as Docker;
    const kind = runtime(new FakeKube(), { target: { type: 'kind', kind: '/usr/local/bin/kind', cluster: 'firedrill', kubeconfig: join(dir, 'kind.yaml') }, run: kindRun, docker: refusing });
    expect(await kind.whyUnavailable()).toMatch(/^Kubernetes scenarios are not playable with kind here: Docker refuses privileged containers \(.*unable to apply caps: operation not permitted\)\. kind nodes are privileged containers: use Docker Desktop, Colima/);
  });

  it('supports what pods can do, and every operation on objects', () => {
    const rt = runtime(new FakeKube());
    expect(KUBERNETES_OPERATIONS.filter((op) => !rt.supports(op))).toEqual([]);
    expect(['pause', 'unpause', 'connect', 'disconnect'].filter((op) => rt.supports(op as never))).toEqual([]);
    expect(labelValue('a'.repeat(70))).toMatch(/^a{52}-[0-9a-f]{10}$/);
  });
});
