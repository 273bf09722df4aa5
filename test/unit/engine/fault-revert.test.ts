import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../main/engine/events/types.js';
import type { ActionContext } from '../../../main/engine/faults/apply-action.js';
import { FaultLedger } from '../../../main/engine/faults/revert.js';
import { Run } from '../../../main/engine/run/run.js';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import type { FaultStep } from '../../../main/engine/scenario/schema.js';
import { FakeRuntime, type FakeSandbox } from '../../helpers/fake-runtime.js';

const STATE_MACHINE = new URL('../../fixtures/scenarios/state-machine/', import.meta.url).pathname;

const exec = (command: string) => ({ exec: { service: 'app', command, timeout: '30s' } }) as unknown as FaultStep['action'];
const step = (id: string, revert?: string): FaultStep =>
  ({ id, at: '0s', delay: '0s', action: exec(`apply ${id}`), ...(revert ? { revert: exec(revert) } : {}) }) as unknown as FaultStep;
const context = {} as ActionContext;

function ledger(fail: (command: string) => boolean = () => false) {
  const applied: string[] = [];
  const logged: EventPayload[] = [];
  const faults = new FaultLedger({
    log: (payload) => logged.push(payload),
    apply: async (action) => {
      const command = (action as unknown as { exec: { command: string } }).exec.command;
      if (fail(command)) throw new Error(`${command} exited 1`);
      applied.push(command);
      return `ran ${command}`;
    },
  });
  return { faults, applied, logged };
}

describe('FaultLedger', () => {
  it('runs the reverts of applied steps last first and logs each as reverted', async () => {
    const { faults, applied, logged } = ledger();
    for (const s of [step('a', 'undo a'), step('b'), step('c', 'undo c')]) await faults.track(s, async () => 'ok');
    const outcomes = await faults.revertAll(context, 'the learner gave up');
    expect(applied).toEqual(['undo c', 'undo a']);
    expect(outcomes.map((o) => [o.stepId, o.status])).toEqual([['c', 'reverted'], ['a', 'reverted']]);
    expect(logged).toEqual([
      { type: 'fault.step', stepId: 'c', action: 'exec app', status: 'reverted', detail: 'the learner gave up: ran undo c' },
      { type: 'fault.step', stepId: 'a', action: 'exec app', status: 'reverted', detail: 'the learner gave up: ran undo a' },
    ]);
  });

  it('logs a failed revert with its reason and still reverts the steps before it', async () => {
    const { faults, applied, logged } = ledger((c) => c === 'undo b');
    for (const s of [step('a', 'undo a'), step('b', 'undo b')]) await faults.track(s, async () => 'ok');
    await faults.revertAll(context, 'kill switch');
    expect(applied).toEqual(['undo a']);
    expect(logged.map((e) => (e.type === 'fault.step' ? [e.stepId, e.status, e.detail] : null))).toEqual([
      ['b', 'failed', 'revert (kill switch): undo b exited 1'],
      ['a', 'reverted', 'kill switch: ran undo a'],
    ]);
  });

  it('never reverts a step whose apply failed, runs once, and refuses to apply after the reverts started', async () => {
    const { faults, applied } = ledger();
    await faults.track(step('a', 'undo a'), async () => 'ok');
    await expect(faults.track(step('b', 'undo b'), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const first = faults.revertAll(context, 'teardown');
    expect(faults.revertAll(context, 'again')).toBe(first);
    await first;
    expect(applied).toEqual(['undo a']);
    await expect(faults.track(step('c', 'undo c'), async () => 'ok')).rejects.toThrow(/being reverted/);
  });

  it('waits for a step still being applied before reverting, so the undo lands after it', async () => {
    const { faults, applied } = ledger();
    let finish!: () => void;
    const slow = faults.track(step('slow', 'undo slow'), () => new Promise<string>((resolve) => (finish = () => resolve('ok'))));
    const reverting = faults.revertAll(context, 'teardown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(applied).toEqual([]);
    finish();
    await slow;
    await reverting;
    expect(applied).toEqual(['undo slow']);
  });
});

describe('a run reverts its applied faults', () => {
  async function liveRun() {
    // The state-machine pack with two steps that each have a revert.
    const dir = join(mkdtempSync(join(tmpdir(), 'fd-revert-pack-')), 'state-machine');
    cpSync(STATE_MACHINE, dir, { recursive: true });
    const file = join(dir, 'scenario.yaml');
    // Its faults and variants are replaced by two steps that each have a revert.
    const text = readFileSync(file, 'utf8');
    const yaml =
      text.slice(0, text.indexOf('faults:')) +
      [
        'faults:',
        '  - id: flip',
        '    at: 0s',
        '    action: { exec: { service: app, command: set-state broken } }',
        '    revert: { exec: { service: app, command: set-state ok } }',
        '  - id: mark',
        '    after: flip',
        '    action: { exec: { service: app, command: set-var marked yes } }',
        '    revert: { exec: { service: app, command: set-var marked no } }',
        '',
      ].join('\n') +
      text.slice(text.indexOf('checks:'));
    writeFileSync(file, yaml);
    const runtime = new FakeRuntime();
    let mono = 0;
    const run = new Run(
      await loadScenario(dir),
      {
        runtime,
        home: mkdtempSync(join(tmpdir(), 'fd-revert-')),
        clock: { now: () => new Date(Date.UTC(2026, 0, 1) + mono), monotonic: () => mono },
        sleep: async (ms, signal) => {
          signal?.throwIfAborted();
          mono += ms;
          await new Promise((resolve) => setImmediate(resolve));
        },
      },
      { seed: 1 },
    );
    await run.startLive();
    return { run, sandbox: runtime.sandboxes[0] as FakeSandbox };
  }

  const reverts = (run: Run) =>
    run.readEvents().flatMap((e) => (e.type === 'fault.step' && e.status !== 'applied' ? [[e.stepId, e.status]] : []));

  it('on give-up: reverts run last first, before the sandbox is removed, and are logged', async () => {
    const { run, sandbox } = await liveRun();
    expect(sandbox.vars.get('marked')).toBe('yes');
    expect(sandbox.state).toBe('broken');
    await run.abandon();
    const calls = sandbox.calls.filter((c) => / set-(var|state) /.test(c)).map((c) => c.replace(/^exec app: (sh -c )?/, ''));
    expect(calls).toEqual(['set-state broken', 'set-var marked yes', 'set-var marked no', 'set-state ok']);
    expect(reverts(run)).toEqual([['mark', 'reverted'], ['flip', 'reverted']]);
    expect(sandbox.state).toBe('ok');
    expect(sandbox.tornDown).toBe(true);
    const types = run.readEvents().map((e) => e.type);
    // Reverted during teardown, before the run ended.
    expect(types.lastIndexOf('fault.step')).toBeLessThan(types.indexOf('run.ended'));
    const detail = run.readEvents().find((e) => e.type === 'fault.step' && e.status === 'reverted');
    expect(detail && 'detail' in detail ? detail.detail : '').toMatch(/^the learner gave up: /);
  });

  it('on teardown with a reason (a game kill switch) and on a failed revert: logged, never dropped', async () => {
    const { run, sandbox } = await liveRun();
    // The learner's change makes the first revert fail.
    const original = sandbox.exec.bind(sandbox);
    sandbox.exec = async (service, command) => (command.join(' ').endsWith('set-var marked no') ? { exitCode: 1, stdout: '', stderr: 'read-only\n' } : original(service, command));
    await run.teardown('abandoned', 'kill switch');
    expect(reverts(run)).toEqual([['mark', 'failed'], ['flip', 'reverted']]);
    const failed = run.readEvents().find((e) => e.type === 'fault.step' && e.status === 'failed');
    expect(failed && 'detail' in failed ? failed.detail : '').toMatch(/revert \(kill switch\): exec in app exited 1: read-only/);
    expect(sandbox.state).toBe('ok');
  });

  it('an injected step (inject now) is reverted too', async () => {
    const { run, sandbox } = await liveRun();
    sandbox.state = 'ok';
    await run.injectStep('flip');
    expect(sandbox.state).toBe('broken');
    await run.cancel().catch(() => undefined);
    await run.teardown();
    expect(reverts(run).map(([id]) => id)).toEqual(['flip', 'mark', 'flip']);
    expect(sandbox.state).toBe('ok');
  });
});
