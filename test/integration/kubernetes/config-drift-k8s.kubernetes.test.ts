/**
 * Issue 19's pack against the real test cluster (test/k8s) with real Flux: `firedrill test
 * scenarios/config-drift-k8s` runs the baseline (Flux deploys the shop from shop-config on the in-cluster
 * git server), the fault (the suspended kubectl hot-fix, then the resume that reverts it), the broken checks
 * (orders OOMKilled, not rolled out), the solution (commit, push, `flux reconcile kustomization shop
 * --with-source` from the bastion), the resolution and the teardown (Flux's objects first, then the
 * namespace: nothing of the run left in the API server).
 *
 * The pack names Flux's published images (ghcr.io/fluxcd/…); here they are the ones test/k8s/build.sh made
 * from Go modules, tagged with the published names (NOTES.md of the pack says how a user does the same).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { createKubeApi, loadKubeConfig } from '../../../sandbox/kubernetes/api.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { describeKubernetes, TEST_K8S_BIN, TEST_KUBECONFIG, TEST_KUBECTL } from '../../helpers/kubernetes-gate.js';
import { ALL_PHASES_OK, phaseLines, type TestReport } from '../../helpers/self-test-report.js';

const PACK = join(ROOT, 'scenarios/config-drift-k8s');
const FLUX_VERSION = 'v2.9.5';
const CONTROLLERS_VERSION = 'v1.9.5';

function clusterEnv(home: string): NodeJS.ProcessEnv {
  return {
    FIREDRILL_HOME: home,
    FIREDRILL_KUBECONFIG: TEST_KUBECONFIG,
    FIREDRILL_KUBECTL: TEST_KUBECTL,
    FIREDRILL_KUBE_IMAGE_LOAD: `bash ${join(ROOT, 'test/k8s/cluster.sh')} load`,
  };
}

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const hasImage = (tag: string): boolean => {
  try {
    docker('image', 'inspect', tag);
    return true;
  } catch {
    return false;
  }
};

/** Flux's published image names for the controllers and CLI test/k8s/build.sh built offline. */
function publishedFluxImages(): void {
  if (!existsSync(join(TEST_K8S_BIN, '..', '.flux-complete'))) throw new Error(`Flux is not built in ${TEST_K8S_BIN}/..: run bash test/k8s/build.sh`);
  for (const controller of ['source-controller', 'kustomize-controller']) {
    const published = `ghcr.io/fluxcd/${controller}:${CONTROLLERS_VERSION}`;
    if (!hasImage(published)) docker('tag', `firedrill/fluxcd/${controller}:${CONTROLLERS_VERSION}`, published);
  }
  const cli = `ghcr.io/fluxcd/flux-cli:${FLUX_VERSION}`;
  if (!hasImage(cli)) {
    // Flux's CLI image ships flux and kubectl in /usr/local/bin; the pack's bastion copies both from it.
    const context = mkdtempSync(join(tmpdir(), 'fd-flux-cli-'));
    copyFileSync(join(TEST_K8S_BIN, 'flux'), join(context, 'flux'));
    copyFileSync(TEST_KUBECTL, join(context, 'kubectl'));
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY flux kubectl /usr/local/bin/\n');
    docker('build', '-q', '--label', 'firedrill.k8s-test=flux', '-t', cli, context);
  }
}

const admin = () => createKubeApi(loadKubeConfig(TEST_KUBECONFIG));

describeKubernetes('config-drift-k8s on the test cluster with real Flux', () => {
  beforeAll(() => publishedFluxImages());

  it('firedrill test passes: Flux deploys, the resume reverts the hot-fix, the commit through Git fixes it, nothing is left', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-flux-drift-'));
    const started = Date.now();
    const result = await runCli(['test', PACK, '--json'], clusterEnv(home), 1_500_000);
    const seconds = Math.round((Date.now() - started) / 1000);
    const report = JSON.parse(result.stdout || '{}') as TestReport;
    console.log(`config-drift-k8s: firedrill test took ${seconds}s: ${(report.phases ?? []).map((p) => `${p.name} ${p.ok ? 'ok' : 'FAILED'}: ${p.detail}`).join(' | ')}`);
    expect((report.phases ? phaseLines(report) : undefined), result.stderr.slice(-4000)).toEqual(ALL_PHASES_OK);
    expect(result.code).toBe(0);
    const { events } = readEvents(join(report.session, 'events.jsonl'));
    const steps = events.filter((e) => e.type === 'fault.step');
    expect(steps.map((e) => (e as { stepId: string }).stepId)).toEqual(['batch-export', 'suspend-flux', 'hotfix-orders', 'note-annotation', 'reports-scaled-down', 'resume-flux']);
    expect(steps.find((e) => (e as { stepId: string }).stepId === 'hotfix-orders')).toMatchObject({ status: 'applied', detail: 'patched deployment/orders (strategic, field manager kubectl-edit)' });
    // Nothing of the run is left: no namespace; the CRDs stay (shared, never deleted by a run).
    expect(await admin().get({ apiVersion: 'v1', kind: 'Namespace', name: `fd-${report.runId}` })).toBeNull();
    expect(await admin().get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'kustomizations.kustomize.toolkit.fluxcd.io' })).not.toBeNull();
  });
});
