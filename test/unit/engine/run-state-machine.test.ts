import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { Run } from '../../../main/engine/run/run.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { FakeRuntime, type FakeSandbox } from '../../helpers/fake-runtime.js';

const FIXTURE = new URL('../../fixtures/scenarios/state-machine/', import.meta.url).pathname;

// Time only moves when the engine sleeps, so every phase and hold runs instantly and deterministically.
function fakeClock() {
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

async function newRun(options: { variant?: string; seed?: number } = {}) {
  const runtime = new FakeRuntime();
  const { clock, sleep } = fakeClock();
  const home = mkdtempSync(join(tmpdir(), 'fd-run-'));
  const loaded = await loadScenario(FIXTURE);
  const run = new Run(loaded, { runtime, home, clock, sleep }, { seed: 1, ...options });
  return { run, runtime };
}

describe('the run state machine (with a fake runtime)', () => {
  it('goes preparing → baseline → injecting → live, paging when the broken checks hold', async () => {
    const { run, runtime } = await newRun();
    await run.startLive();
    expect(run.phase).toBe('live');
    const phases = run.readEvents().filter((e) => e.type === 'phase.changed').map((e) => (e as { to: string }).to);
    expect(phases).toEqual(['preparing', 'baseline', 'injecting', 'live']);
    const sandbox = runtime.sandboxes[0]!;
    expect(sandbox.state).toBe('broken');
    expect(run.pagedAt).not.toBeNull();
    await run.teardown();
  });

  it('resolves only after the resolution holds for the hold time, and logs why', async () => {
    const { run, runtime } = await newRun();
    await run.startLive();
    const sandbox = runtime.sandboxes[0] as FakeSandbox;
    await sandbox.exec('bastion', ['set-state', 'ok']);
    const resolution = await run.waitResolved(60_000);
    expect(resolution.id).toBe('switched-back');
    expect(run.phase).toBe('resolved');
    const events = run.readEvents();
    const holding = events.find((e) => e.type === 'resolution.holding');
    const reached = events.find((e) => e.type === 'resolution.reached');
    expect(holding).toBeDefined();
    expect(reached && reached.mono - holding!.mono).toBeGreaterThanOrEqual(3000);
    await run.teardown();
    expect(sandbox.tornDown).toBe(true);
    expect(run.phase).toBe('ended');
  });

  it('fails the run when the steady state never holds, naming the failing check', async () => {
    const { run, runtime } = await newRun();
    const original = runtime.up.bind(runtime);
    runtime.up = async (spec) => {
      const sandbox = await original(spec);
      sandbox.state = 'degraded';
      return sandbox;
    };
    await expect(run.startLive()).rejects.toThrow(/steady state never held.*Switch is ok/);
    expect(run.phase).toBe('failed');
    expect(run.readEvents().some((e) => e.type === 'run.error')).toBe(true);
  });

  it('runs the reference solution and reaches the resolution it targets', async () => {
    const { run } = await newRun();
    await run.prepare();
    await run.baseline();
    await run.inject();
    await run.waitBroken();
    await run.runSolution();
    expect((await run.waitResolved(60_000)).id).toBe(run.scenario.solution.resolution);
    await run.teardown();
  });

  it('hands out hints only once unlocked, and logs each one taken', async () => {
    const { run } = await newRun();
    await run.startLive();
    expect(run.takeHint().text).toMatch(/switch/);
    expect(() => run.takeHint()).toThrow(/unlocks in/);
    expect(run.readEvents().filter((e) => e.type === 'hint.shown')).toHaveLength(1);
    await run.abandon();
    expect(run.phase).toBe('ended');
  });

  it('says which checks hold on "check my fix" without ids or commands', async () => {
    const { run } = await newRun();
    await run.startLive();
    const result = await run.checkFix();
    expect(result.allPass).toBe(false);
    expect(result.results.map((r) => r.title)).toContain('Switch is ok');
    expect(JSON.stringify(result)).not.toMatch(/get-state/);
    await run.abandon();
  });

  it('picks the same variant from the same seed, and a named variant on request', async () => {
    const a = await newRun({ seed: 12345 });
    const b = await newRun({ seed: 12345 });
    expect(a.run.variant).toBe(b.run.variant);
    const named = await newRun({ variant: 'pause' });
    expect(named.run.variant).toBe('pause');
    expect(named.run.scenario.faults[0]!.id).toBe('pause-worker');
    await expect(newRun({ variant: 'nope' })).rejects.toThrow(/no variant "nope"/);
  });

  it('writes an event log that parses line by line after the run', async () => {
    const { run } = await newRun();
    await run.startLive();
    await run.abandon();
    const { events, damaged } = readEvents(join(run.dir, 'events.jsonl'));
    expect(damaged).toEqual([]);
    expect(events[0]!.type).toBe('run.created');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe('run.ended');
  });
});
