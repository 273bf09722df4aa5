/**
 * The Kubernetes runtime against the real test control plane (test/k8s: kube-apiserver, kubelet,
 * containerd as processes; pods are real): `firedrill test` of the fixture pack, nothing left in the API
 * server afterwards, a run's namespace reaped after its owner is killed, the catalog's verdict, the
 * kind target up to the point where Docker refuses privileged containers, and a game whose teams each get a
 * namespace on the shared cluster (in this file, so its pods never compete with the pack test's rollout).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { createAppContext } from '../../../main/app/context.js';
import { GameRunner } from '../../../main/game/runner.js';
import { createKubeApi, loadKubeConfig } from '../../../sandbox/kubernetes/api.js';
import { KubernetesRuntime } from '../../../sandbox/kubernetes/kubernetes-runtime.js';
import { LABELS } from '../../../sandbox/runtime.js';
import { CLI, ROOT, runCli } from '../../helpers/cli.js';
import { describeKubernetes, TEST_K8S_BIN, TEST_KUBECONFIG, TEST_KUBECTL } from '../../helpers/kubernetes-gate.js';
import { ALL_PHASES_OK, phaseLines, type TestReport } from '../../helpers/self-test-report.js';
import { engineHandlers } from '../../helpers/handlers.js';

const PACK = join(ROOT, 'test/fixtures/scenarios/k8s-rollout');

/** The environment that points Firedrill at the test cluster, the way a team points it at theirs. */
function clusterEnv(home: string): NodeJS.ProcessEnv {
  return {
    FIREDRILL_HOME: home,
    FIREDRILL_KUBECONFIG: TEST_KUBECONFIG,
    FIREDRILL_KUBECTL: TEST_KUBECTL,
    // What `kind load docker-image` does for kind: docker save | ctr import into the node's containerd.
    FIREDRILL_KUBE_IMAGE_LOAD: `bash ${join(ROOT, 'test/k8s/cluster.sh')} load`,
  };
}

const admin = () => createKubeApi(loadKubeConfig(TEST_KUBECONFIG));

async function firedrillNamespaces(selector = 'firedrill.managed=true,firedrill.scenario=k8s-rollout'): Promise<string[]> {
  return (await admin().list('v1', 'Namespace', { labelSelector: selector })).map((ns) => ns.metadata.name);
}

describeKubernetes('the Kubernetes runtime on a real control plane', () => {
  it('firedrill test passes the fixture pack: baseline, a patch fault, broken, solution, resolved, teardown, nothing left', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-k8s-test-'));
    const result = await runCli(['test', PACK, '--json'], clusterEnv(home), 600_000);
    const report = JSON.parse(result.stdout || '{}') as TestReport;
    expect(phaseLines(report), result.stderr).toEqual(ALL_PHASES_OK);
    expect(result.code).toBe(0);
    const { events } = readEvents(join(report.session, 'events.jsonl'));
    expect(events.find((e) => e.type === 'fault.step')).toMatchObject({ stepId: 'bad-config', status: 'applied', detail: 'patched deployment/web (strategic, field manager firedrill-fault)' });
    expect(events.find((e) => e.type === 'run.created')).toMatchObject({ runtime: 'kubernetes' });
    // Nothing of the run is left in the API server: no namespace by label, none by name.
    expect(await firedrillNamespaces(`firedrill.run=${report.runId}`)).toEqual([]);
    expect(await admin().get({ apiVersion: 'v1', kind: 'Namespace', name: `fd-${report.runId}` })).toBeNull();
  });

  it("reaps a run's namespace after its owner is killed (SIGKILL mid-run), by label", async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-k8s-crash-'));
    const before = await firedrillNamespaces();
    const child = spawn(process.execPath, [CLI, 'test', PACK, '--json'], { cwd: ROOT, env: { ...process.env, ...clusterEnv(home) }, stdio: 'ignore' });
    // Wait (bounded) until its namespace exists, then kill it without a chance to clean up.
    let created: string[] = [];
    for (let i = 0; i < 240 && created.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      created = (await firedrillNamespaces()).filter((name) => !before.includes(name));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(created).toHaveLength(1);
    expect(await firedrillNamespaces()).toContain(created[0]);
    const runtime = new KubernetesRuntime({ env: clusterEnv(home), dataDir: home });
    const report = await runtime.cleanup({ onlyOrphans: true });
    expect(report.removed).toContainEqual({ kind: 'namespace', name: created[0] });
    expect(await firedrillNamespaces()).not.toContain(created[0]);
  });

  it('the catalog shows the Kubernetes pack as playable with a cluster, and says exactly why not without one', async () => {
    const scenarios = mkdtempSync(join(tmpdir(), 'fd-k8s-catalog-'));
    symlinkSync(PACK, join(scenarios, 'k8s-rollout'));
    const list = async (env: NodeJS.ProcessEnv) => {
      const home = mkdtempSync(join(tmpdir(), 'fd-k8s-home-'));
      const { manager } = createAppContext({ env: { ...process.env, ...env, FIREDRILL_HOME: home }, extraScenarioDirs: [scenarios] });
      const handlers = engineHandlers(manager, home);
      return (await handlers['scenarios.list']({})).find((s) => s.name === 'k8s-rollout')!;
    };
    const playable = await list(clusterEnv(''));
    expect(playable).toMatchObject({ runtimes: ['kubernetes'], runnable: true, problems: [] });

    const closed = mkdtempSync(join(tmpdir(), 'fd-k8s-closed-'));
    const kubeconfig = join(closed, 'kubeconfig');
    cpSync(TEST_KUBECONFIG, kubeconfig);
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
    const unreachable = await list({ FIREDRILL_KUBECONFIG: kubeconfig });
    expect(unreachable.runnable).toBe(false);
    expect(unreachable.problems).toEqual([expect.stringMatching(/^Kubernetes scenarios cannot be played here: Kubernetes scenarios are not playable: .*kubeconfig does not answer \(.*ECONNREFUSED.*\)\. Check FIREDRILL_KUBECONFIG/)]);
  });

  it('doctor with kind says Docker refuses the privileged containers kind nodes need (the kind target stops there here)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-k8s-doctor-'));
    const result = await runCli(['doctor', '--json'], { FIREDRILL_HOME: home, FIREDRILL_KIND: join(TEST_K8S_BIN, 'kind'), FIREDRILL_KUBECONFIG: '' });
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; detail: string; fix: string }[] };
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.kubernetes).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^kind v0\.33\.0 at .*kind; cluster "firedrill" is created when a Kubernetes scenario starts$/) });
    expect(byId['docker-privileged']).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^Kubernetes scenarios are not playable with kind here: Docker refuses privileged containers \(.*operation not permitted.*\)$/),
      fix: expect.stringContaining('FIREDRILL_KUBECONFIG'),
    });
    // With the test cluster's kubeconfig instead: reachable, and the admin may do everything a run needs.
    const cluster = await runCli(['doctor', '--json'], clusterEnv(home));
    const rows = Object.fromEntries((JSON.parse(cluster.stdout) as typeof report).checks.map((c) => [c.id, c]));
    expect(rows.kubernetes).toMatchObject({ status: 'pass', detail: expect.stringMatching(/API server v1\.37\.\d+$/) });
    expect(rows['kubernetes-rbac']).toMatchObject({ status: 'pass' });
    expect(rows['docker-privileged']).toBeUndefined();
  });

  it('a game on the shared cluster: two teams in their own labelled namespaces, injects into one, and the kill switch leaves nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-k8s-game-'));
    const scenarios = join(home, 'packs');
    mkdirSync(scenarios);
    symlinkSync(PACK, join(scenarios, 'k8s-rollout'));
    const file = join(home, 'k8s.game.yaml');
    // Game days scale out here: nothing in the game file says "Kubernetes", the pack's runtimes decide.
    writeFileSync(
      file,
      [
        'apiVersion: firedrill/v1',
        'kind: Game',
        'metadata: { name: k8s-drill, title: Two teams on one cluster }',
        'scenario: k8s-rollout',
        'timeBox: 20m',
        'deadMansSwitch: { ttl: 5m }',
        'teams:',
        '  - { id: red, name: Red, members: [alice] }',
        '  - { id: blue, name: Blue, members: [bob] }',
        '',
      ].join('\n'),
    );
    const { manager } = createAppContext({ env: { ...process.env, ...clusterEnv(home) }, extraScenarioDirs: [scenarios] });
    const runner = new GameRunner({ manager });
    const api = admin();
    const game = await runner.start(file);
    try {
      for (let i = 0; i < 600; i++) {
        const phases = runner.board()!.teams.map((t) => t.phase);
        if (phases.every((p) => p === 'live') || phases.some((p) => p === 'failed' || p === 'ended')) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const board = runner.board()!;
      expect(board.teams.map((t) => [t.id, t.phase, t.error])).toEqual([
        ['red', 'live', null],
        ['blue', 'live', null],
      ]);
      const namespaces = await api.list('v1', 'Namespace', { labelSelector: `${LABELS.game}=${game.id}` });
      expect(namespaces.map((ns) => ns.metadata.labels?.[LABELS.run]).sort()).toEqual([`${game.id}-blue`, `${game.id}-red`]);
      for (const ns of namespaces) expect(ns.metadata.labels?.[LABELS.deadline]).toBe(String(game.labelDeadline));

      // The facilitator re-applies the fault's patch to blue only (an "inject now" of the same step).
      const results = await runner.inject('blue', 'bad-config');
      expect(results).toEqual([{ team: 'blue', ok: true, detail: expect.stringMatching(/patched deployment\/web/) }]);
      expect(runner.board()!.teams.map((t) => t.faultsApplied)).toEqual([['bad-config'], ['bad-config', 'bad-config']]);

      const report = await runner.kill();
      expect(report).toMatchObject({ leftover: 0, revertFailures: 0 });
      expect(report.reverted).toBeGreaterThanOrEqual(2);
      expect(await api.list('v1', 'Namespace', { labelSelector: `${LABELS.game}=${game.id}` })).toEqual([]);
    } finally {
      await runner.kill().catch(() => undefined);
    }
  }, 600_000);
});
