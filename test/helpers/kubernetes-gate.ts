/**
 * Tests that need a real Kubernetes API server (the test cluster of test/k8s: `cluster.sh up`, then
 * `eval "$(bash test/k8s/cluster.sh env)"`) use `describeKubernetes`. Without one they skip, unless
 * FIREDRILL_REQUIRE_KUBERNETES=1 (CI), where a missing cluster must fail loudly instead.
 */
import { describe, it } from 'vitest';
import { createKubeApi, loadKubeConfig } from '../../sandbox/kubernetes/api.js';
import { withTimeout } from '../../sandbox/kubernetes/doctor.js';

export const kubernetesRequired = process.env.FIREDRILL_REQUIRE_KUBERNETES === '1';

/** The test cluster's admin kubeconfig and kubectl, as `cluster.sh env` exports them. */
export const TEST_KUBECONFIG = process.env.FIREDRILL_TEST_KUBECONFIG ?? '';
export const TEST_KUBECTL = process.env.FIREDRILL_TEST_KUBECTL ?? 'kubectl';
export const TEST_K8S_BIN = process.env.FIREDRILL_TEST_K8S_BIN ?? '';

async function why(): Promise<string | null> {
  if (!TEST_KUBECONFIG) return 'FIREDRILL_TEST_KUBECONFIG is not set (run `bash test/k8s/cluster.sh up` and `eval "$(bash test/k8s/cluster.sh env)"`)';
  try {
    await withTimeout(createKubeApi(loadKubeConfig(TEST_KUBECONFIG)).serverVersion(), 5_000, 'no answer within 5s');
    return null;
  } catch (error) {
    return `the API server of ${TEST_KUBECONFIG} does not answer: ${(error as Error).message}`;
  }
}

const unavailable = await why();

/** `describe` for Kubernetes tests: runs against the test cluster; skips without one; fails without one when required. */
export const describeKubernetes: typeof describe = (
  unavailable === null
    ? describe
    : kubernetesRequired
      ? ((name: string, ..._rest: unknown[]) =>
          describe(name, () => {
            it('has a Kubernetes cluster', () => {
              throw new Error(`FIREDRILL_REQUIRE_KUBERNETES=1 but ${unavailable}`);
            });
          }))
      : describe.skip
) as typeof describe;
