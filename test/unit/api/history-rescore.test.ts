/**
 * A session reopened from history (no live run in this process) is scored against the variant it played,
 * read from its run.created event: never a variant picked afresh from a seed. A pack with a base scenario
 * and three variants, each with its own resolutions, investigation signals and postmortem rubric.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import type { ApiHandlers } from '../../../shared/api/contract.js';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { applyVariant } from '../../../main/engine/run/variants.js';
import { FakeRuntime, type FakeSandbox } from '../../helpers/fake-runtime.js';
import { engineHandlers } from '../../helpers/handlers.js';

const PACK = new URL('../../fixtures/scenarios/three-variants/', import.meta.url).pathname;

/** Time moves only when the engine sleeps: phases and holds run at once. */
function fakeTime() {
  let mono = 0;
  return {
    clock: { now: () => new Date(Date.UTC(2026, 0, 1) + mono), monotonic: () => mono },
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      mono += ms;
      await Promise.resolve();
    },
  };
}

function app(home: string): { manager: RunManager; runtime: FakeRuntime; handlers: ApiHandlers } {
  const runtime = new FakeRuntime();
  const runtimes = new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => runtime }]);
  const manager = new RunManager({ runtimes, home, scenariosDirs: [], ...fakeTime() });
  const handlers = engineHandlers(manager, home);
  return { manager, runtime, handlers };
}

/** Plays a run to its resolution (with the variant's own root-cause command), then ends it. */
async function playResolved(manager: RunManager, runtime: FakeRuntime, options: { seed: number; variant?: string }, command: string) {
  const run = manager.create(await manager.load(PACK), options);
  await run.startLive();
  const sandbox = runtime.sandboxes.at(-1) as FakeSandbox;
  // What a learner's terminal would log: the command that looks at the root cause.
  // (no startedAt: scoring then times it by the event itself, after the page and before the fix)
  run.events.append({ type: 'command', terminal: 1, source: 'shell', command, exitCode: 0, startedAt: '', endedAt: '', durationMs: 1 });
  await sandbox.exec('app', ['set-state', 'ok']);
  await run.waitResolved(60_000);
  await run.teardown();
  return run;
}

const VARIANTS = [
  { variant: null, resolution: 'Switched the switch back', signal: 'switch', command: 'get-switch', rootCause: 'The switch was flipped by a cron job.' },
  { variant: 'disk', resolution: 'Freed the full disk', signal: 'disk', command: 'df -h', rootCause: 'The disk filled up with logs.' },
  { variant: 'cert', resolution: 'Renewed the expired certificate', signal: 'cert', command: 'openssl x509 -in cert.pem -noout -dates', rootCause: 'The certificate expired overnight.' },
  { variant: 'dns', resolution: 'Fixed the DNS record', signal: 'dns', command: 'dig api.internal', rootCause: 'The DNS record was wrong after a migration.' },
] as const;

describe('reopening a session from history scores it against its own variant', () => {
  it('finds a seed that plays the base scenario while seed 0 would pick a variant (the old re-score)', async () => {
    const { manager } = app(mkdtempSync(join(tmpdir(), 'fd-rescore-')));
    const scenario = (await manager.load(PACK)).scenario;
    expect(scenario.variants.map((v) => v.name)).toEqual(['disk', 'cert', 'dns']);
    expect(applyVariant(scenario, { seed: 0 }).variant).not.toBeNull();
    expect(applyVariant(scenario, { seed: 7 }).variant).toBeNull();
  });

  for (const { variant, resolution, signal, command, rootCause } of VARIANTS) {
    it(`${variant ?? 'the base scenario'}: the report and the postmortem grade use its resolutions, signals and rubric`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'fd-rescore-'));
      const first = app(home);
      // The base scenario chosen by a seed (7), the variants by name.
      const run = await playResolved(first.manager, first.runtime, variant ? { seed: 7, variant } : { seed: 7 }, command);
      expect(run.variant).toBe(variant);

      // A new process: nothing live, everything comes from the session folder and the pack.
      const later = app(home);
      expect(later.manager.get(run.id)).toBeUndefined();
      const report = await later.handlers['reports.get']({ runId: run.id });
      const outcome = report.troubleshooting!.criteria.find((c) => c.id === 'outcome')!;
      expect(outcome.points).toBe(outcome.max);
      expect(JSON.stringify(outcome.evidence)).toContain(resolution);
      const investigation = report.troubleshooting!.criteria.find((c) => c.id === 'investigation')!;
      expect(JSON.stringify(investigation.evidence)).toContain(`${signal} (root-cause signal): credited because`);

      const grade = await later.handlers['postmortem.grade']({ runId: run.id, markdown: `# Postmortem\n\n## Root cause\n\n${rootCause}\n` });
      const cause = grade.criteria.find((c) => c.id === 'root-cause')!;
      expect(cause.points).toBeGreaterThan(0);
    });
  }
});
