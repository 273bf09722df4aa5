/** Reading `firedrill test --json` in tests: its report type (main/cli/commands/test.ts) and the phases of a pass. */
import type { TestReport } from '../../main/cli/commands/test.js';

export type { TestReport };

/** Every phase of one self-test, each passing, in order. */
export const ALL_PHASES_OK: readonly string[] = ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'].map(
  (phase) => `${phase}:ok`,
);

/** One line per phase: `name:ok`, or `name:<why it failed>` so a failing assertion shows the reason. */
export const phaseLines = (report: Pick<TestReport, 'phases'>): string[] => report.phases.map((p) => `${p.name}:${p.ok ? 'ok' : p.detail}`);
