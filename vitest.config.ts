import { defineConfig } from 'vitest/config';

// One runner for the whole suite; projects split it by what a test needs, and groups run one after the
// other: unit, then the sandbox tests two files at a time (each makes its own labelled objects and
// cleans only its own run, and most of their time is waiting on real services), then the Kubernetes tests
// (in CI the test cluster builds and starts in the background meanwhile: wait-for-test-cluster.ts), then
// the browser, then the tests that need the machine to themselves, one at a time: slow-query's baseline is
// a p95 on two cores (a neighbour, or a cluster still compiling, would skew it), and tgw-routes' networks
// have fixed subnets, so its two files cannot hold them at the same time.
const ALONE = ['test/integration/scenarios/slow-query.docker.test.ts', 'test/integration/scenarios/tgw-routes-egress.docker.test.ts'];
const KUBERNETES = ['test/integration/**/*.kubernetes.test.ts'];

export default defineConfig({
  test: {
    // The pool is shared by the projects of a group: at most two sandbox files run side by side.
    maxWorkers: 2,
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'node', sequence: { groupOrder: 0 } },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...ALONE, ...KUBERNETES],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'kubernetes',
          include: KUBERNETES,
          setupFiles: ['test/helpers/wait-for-test-cluster.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          // One cluster: its tests one at a time (cluster-wide CRDs, image loads into one containerd).
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          name: 'alone',
          include: ALONE,
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          sequence: { groupOrder: 4 },
        },
      },
    ],
  },
});
