/**
 * Game-day mode's scale-out on Kubernetes: the same game file format, teams whose pack runs on Kubernetes
 * get one namespace each on the shared cluster (here the test control plane), labelled with the game and
 * the dead man's switch's deadline. A fault injected into one team changes that team's namespace only, and
 * the kill switch reverts it and leaves no namespace of the game in the API server.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createAppContext } from '../../../main/app/context.js';
import { GameRunner } from '../../../main/game/runner.js';
import { createKubeApi, loadKubeConfig } from '../../../sandbox/kubernetes/api.js';
import { LABELS } from '../../../sandbox/runtime.js';
import { ROOT } from '../../helpers/cli.js';
import { describeKubernetes, TEST_KUBECONFIG, TEST_KUBECTL } from '../../helpers/kubernetes-gate.js';

const PACK = join(ROOT, 'test/fixtures/scenarios/k8s-rollout');

describeKubernetes('a game on a shared Kubernetes cluster: one namespace per team', () => {
  it('starts two teams in their own labelled namespaces, injects into one, and the kill switch leaves nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-k8s-game-'));
    const scenarios = join(home, 'packs');
    mkdirSync(scenarios);
    symlinkSync(PACK, join(scenarios, 'k8s-rollout'));
    const file = join(home, 'k8s.game.yaml');
    // Nothing in the game file says "Kubernetes": the pack's runtimes decide.
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
    const env = {
      ...process.env,
      FIREDRILL_HOME: home,
      FIREDRILL_KUBECONFIG: TEST_KUBECONFIG,
      FIREDRILL_KUBECTL: TEST_KUBECTL,
      FIREDRILL_KUBE_IMAGE_LOAD: `bash ${join(ROOT, 'test/k8s/cluster.sh')} load`,
    };
    const { manager } = createAppContext({ env, extraScenarioDirs: [scenarios] });
    const runner = new GameRunner({ manager });
    const api = createKubeApi(loadKubeConfig(TEST_KUBECONFIG));
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
