/**
 * Kubernetes figures on a real cluster: start → live and teardown of the fixture Kubernetes pack
 * (test/fixtures/scenarios/k8s-rollout: a Deployment, a ConfigMap, a Service and the bastion) with cached
 * images. The cluster is the one FIREDRILL_KUBECONFIG names, else the test cluster of test/k8s
 * (FIREDRILL_TEST_KUBECONFIG, from `cluster.sh env`).
 */
import { join } from 'node:path';
import { packageRoot } from '../main/platform/package-root.js';
import { measure } from './engine.js';
import { summarize, type Figure } from './stats.js';

export async function benchKubernetes(): Promise<Record<string, Figure>> {
  const kubeconfig = process.env.FIREDRILL_KUBECONFIG || process.env.FIREDRILL_TEST_KUBECONFIG;
  if (!kubeconfig) throw new Error('no cluster: set FIREDRILL_KUBECONFIG, or start the test cluster (bash test/k8s/cluster.sh up; eval "$(bash test/k8s/cluster.sh env)")');
  const env: NodeJS.ProcessEnv = {
    FIREDRILL_KUBECONFIG: kubeconfig,
    ...(process.env.FIREDRILL_TEST_KUBECTL ? { FIREDRILL_KUBECTL: process.env.FIREDRILL_TEST_KUBECTL } : {}),
    ...(process.env.FIREDRILL_KUBECONFIG ? {} : { FIREDRILL_KUBE_IMAGE_LOAD: `bash ${join(packageRoot(), 'test/k8s/cluster.sh')} load` }),
  };
  const pack = join(packageRoot(), 'test/fixtures/scenarios/k8s-rollout');
  const result = await measure(pack, 3, { env });
  return {
    'kubernetes.fixture.startToBaseline': summarize(result.up, 'ms', 'namespace, RBAC, bastion and manifests applied, rollouts complete, steady state holding; cached images'),
    'kubernetes.fixture.startToLive': summarize(result.live, 'ms', "includes the fault's own wait: the rollout must pass its 15 s progress deadline before it pages"),
    'kubernetes.fixture.teardown': summarize(result.teardown, 'ms', 'namespace deleted and gone from the API server'),
  };
}
