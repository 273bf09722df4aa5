import { defineConfig } from 'vitest/config';

// One runner for the whole suite; projects split it by what a test needs, and groups run one after the
// other: unit, then the sandbox tests two files at a time (each makes its own labelled objects and
// cleans only its own run, and most of their time is waiting on real services), then the browser, then
// what measures latency on its own (slow-query's baseline is a p95 on two cores: a neighbour would skew it).
const LATENCY = ['test/integration/scenarios/slow-query.docker.test.ts'];

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
          exclude: LATENCY,
          testTimeout: 300_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'latency',
          include: LATENCY,
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
