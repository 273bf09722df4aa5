import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Run } from '../../../main/engine/run/run.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { FakeRuntime, type FakeSandbox } from '../../helpers/fake-runtime.js';

const FIXTURE = new URL('../../fixtures/scenarios/replay/', import.meta.url).pathname;

// Time only moves when the engine sleeps, so holds and the replay window run instantly and deterministically.
// A sleep yields to the event loop (setImmediate): the monitor polls in the background and must not starve it.
function fakeClock() {
  let mono = 0;
  return {
    clock: { now: () => new Date(Date.UTC(2026, 0, 1) + mono), monotonic: () => mono },
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      mono += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function liveRun() {
  const runtime = new FakeRuntime();
  const { clock, sleep } = fakeClock();
  const run = new Run(
    await loadScenario(FIXTURE),
    { runtime, home: mkdtempSync(join(tmpdir(), 'fd-replay-')), clock, sleep },
    { seed: 1 },
  );
  await run.startLive();
  return { run, sandbox: runtime.sandboxes[0] as FakeSandbox };
}

const types = (run: Run) => run.readEvents().map((e) => e.type);

describe('resolveOn: submit', () => {
  it('keeps the run live while a fix holds, until the learner submits', async () => {
    const { run, sandbox } = await liveRun();
    await sandbox.exec('app', ['set-state', 'ok']);
    run.startMonitor();
    // Let the monitor poll for a while (fake time: each poll moves the clock by the 1 s interval).
    const before = run.events.elapsed();
    for (let i = 0; i < 10_000 && run.events.elapsed() - before < 20_000; i++) await tick();
    expect(run.events.elapsed() - before).toBeGreaterThanOrEqual(20_000);
    expect(run.canSubmit).toBe(true);
    // Well past the 3 s hold, and still live: this pack resolves on submit.
    expect(run.phase).toBe('live');
    expect(types(run)).not.toContain('resolution.reached');
    const outcome = await run.submit();
    expect(outcome.resolved).toBe(true);
    expect(outcome.resolution?.id).toBe('flipped-back');
    expect(run.phase).toBe('resolved');
    // The best holding resolution has no replayChecks: nothing is replayed.
    expect(types(run)).not.toContain('replay.started');
    expect(types(run)).toContain('run.submitted');
    await run.teardown();
  });

  it('says why and stays live when nothing holds', async () => {
    const { run } = await liveRun();
    const outcome = await run.submit();
    expect(outcome.resolved).toBe(false);
    expect(outcome.message).toMatch(/Not resolved yet/);
    expect(run.phase).toBe('live');
    await run.teardown();
  });
});

describe('the replay', () => {
  it('re-injects the failure, judges replayChecks at the end of the window, reverts, then resolves', async () => {
    const { run, sandbox } = await liveRun();
    await run.runSolution(); // op flip-back, alarm on, rang once
    const outcome = await run.submit();
    expect(outcome.resolution?.id).toBe('fixed');
    expect(outcome.message).toMatch(/replay confirmed/);
    const events = run.readEvents();
    const started = events.find((e) => e.type === 'replay.started');
    const finished = events.find((e) => e.type === 'replay.finished');
    expect(started).toMatchObject({ windowMs: 10_000, resolutions: ['fixed'] });
    expect(finished).toMatchObject({ showed: true, results: [{ resolutionId: 'fixed', pass: true }] });
    expect(finished!.mono - started!.mono).toBeGreaterThanOrEqual(10_000);
    const replaySteps = events
      .filter((e) => e.type === 'fault.step' && e.replay)
      .map((e) => (e as { status: string }).status);
    expect(replaySteps).toEqual(['applied', 'reverted']);
    // The phase went through replaying; the switch is back where the learner left it.
    expect(events.filter((e) => e.type === 'phase.changed').map((e) => (e as { to: string }).to)).toContain(
      'replaying',
    );
    expect(sandbox.state).toBe('ok');
    expect(run.phase).toBe('resolved');
    await run.teardown();
  });

  it('falls back to the best resolution that needs no proof when the replay does not confirm the fix', async () => {
    const { run, sandbox } = await liveRun();
    await sandbox.exec('app', ['set-state', 'ok']);
    await sandbox.exec('app', ['set-var', 'alarm', 'on']); // looks fixed, but would still ring many times
    const outcome = await run.submit();
    expect(outcome.resolution?.id).toBe('flipped-back');
    expect(outcome.message).toMatch(/did not confirm/);
    const finished = run.readEvents().find((e) => e.type === 'replay.finished');
    expect(finished).toMatchObject({ showed: true, results: [{ resolutionId: 'fixed', pass: false }] });
    await run.teardown();
  });

  it('proves nothing when the failure does not come back', async () => {
    const { run, sandbox } = await liveRun();
    await run.runSolution();
    // Whatever the replay does, the switch will not break (a learner who removed the failure mode for good).
    const exec = sandbox.exec.bind(sandbox);
    sandbox.exec = async (service, command) =>
      command.join(' ').includes('set-state broken')
        ? { exitCode: 0, stdout: '', stderr: '' }
        : exec(service, command);
    const outcome = await run.submit();
    expect(outcome.resolution?.id).toBe('flipped-back');
    expect(outcome.message).toMatch(/could not bring the failure back/);
    await run.teardown();
  });
});
