import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GameRunError } from '../../../main/game/runner.js';
import { LABELS } from '../../../sandbox/runtime.js';
import type { FakeSandbox } from '../../helpers/fake-runtime.js';
import { PLAN, setup, untilLive } from './setup.js';

describe('the game runner', () => {
  it('starts one run per team, namespaced and labelled with the game and its deadline, with its own token', async () => {
    const { runner, runtime, watchdogs, file } = setup(PLAN);
    const game = await runner.start(file);
    expect(game.teams.map((t) => t.run.id)).toEqual([`${game.id}-red`, `${game.id}-blue`]);
    expect(new Set(game.teams.map((t) => t.token)).size).toBe(2);
    await untilLive(runner);
    const deadline = String(Date.UTC(2026, 0, 1, 9) + 30 * 60_000 + 2 * 60_000);
    expect(runtime.sandboxes.map((s) => [s.runId, s.spec.labels])).toEqual([
      [`${game.id}-red`, { [LABELS.game]: game.id, [LABELS.deadline]: deadline }],
      [`${game.id}-blue`, { [LABELS.game]: game.id, [LABELS.deadline]: deadline }],
    ]);
    expect(watchdogs).toEqual([expect.objectContaining({ gameId: game.id, ttlMs: 120_000, deadline: Number(deadline) })]);
    expect(runner.teamByToken(game.teams[1]!.token)?.plan.id).toBe('blue');
    await runner.kill();
  });

  it('injects a fault step into one team only, logged as a facilitator action, shown on that board', async () => {
    const { runner, runtime, file } = setup(PLAN);
    const game = await runner.start(file);
    await untilLive(runner);
    const results = await runner.inject('blue', 'extra');
    expect(results).toEqual([{ team: 'blue', ok: true, detail: expect.any(String) }]);
    const [red, blue] = runtime.sandboxes as FakeSandbox[];
    expect(blue!.vars.get('extra')).toBe('on');
    expect(red!.vars.get('extra')).toBeUndefined();
    const board = runner.board()!;
    expect(board.teams.find((t) => t.id === 'blue')!.faultsApplied).toEqual(['flip', 'extra']);
    expect(board.teams.find((t) => t.id === 'red')!.faultsApplied).toEqual(['flip']);
    // Hints taken, not hints the pack has.
    expect(board.teams.map((t) => t.hintsTaken)).toEqual([0, 0]);
    game.team('red')!.run.takeHint();
    expect(runner.board()!.teams.map((t) => t.hintsTaken)).toEqual([1, 0]);
    const logged = game.team('blue')!.run.readEvents().filter((e) => e.type === 'facilitator.action');
    expect(logged).toEqual([expect.objectContaining({ action: 'inject', target: 'extra', game: game.id })]);
    // An unknown step is reported per team, never thrown at the console.
    expect(await runner.inject('all', 'nope')).toEqual([
      { team: 'red', ok: false, detail: expect.stringMatching(/unknown fault step "nope"/) },
      { team: 'blue', ok: false, detail: expect.stringMatching(/unknown fault step "nope"/) },
    ]);
    await expect(runner.inject('green', 'flip')).rejects.toThrow(/no team "green"/);
    await runner.kill();
  });

  it('broadcasts to every team, in their logs', async () => {
    const { runner, file } = setup(PLAN);
    const game = await runner.start(file);
    await untilLive(runner);
    runner.broadcast('Status update due to stakeholders in 5 minutes');
    for (const team of game.teams) {
      expect(team.run.readEvents().filter((e) => e.type === 'facilitator.action').map((e) => (e.type === 'facilitator.action' ? e.message : ''))).toEqual([
        'Status update due to stakeholders in 5 minutes',
      ]);
    }
    expect(runner.board()!.broadcasts.map((b) => b.message)).toEqual(['Status update due to stakeholders in 5 minutes']);
    expect(() => runner.broadcast('   ')).toThrow(/needs a message/);
    await runner.kill();
  });

  it('the kill switch reverts every team\'s faults last first, tears every sandbox down and sweeps by the game label', async () => {
    const { runner, runtime, file } = setup(PLAN);
    const game = await runner.start(file);
    await untilLive(runner);
    await runner.inject('red', 'extra');
    const stopping = runner.kill();
    // The debrief waits until every run has ended.
    expect(game.state).toBe('stopping');
    const report = await stopping;
    expect(game.state).toBe('killed');
    const [red, blue] = runtime.sandboxes as FakeSandbox[];
    expect(red!.state).toBe('ok');
    expect(red!.vars.get('extra')).toBe('off');
    expect(blue!.state).toBe('ok');
    expect(runtime.sandboxes.every((s) => (s as FakeSandbox).tornDown)).toBe(true);
    // red: extra then flip; blue: flip.
    expect(report).toMatchObject({ reverted: 3, revertFailures: 0, leftover: 0 });
    const redReverts = game.team('red')!.run.readEvents().flatMap((e) => (e.type === 'fault.step' && e.status === 'reverted' ? [e.stepId] : []));
    expect(redReverts).toEqual(['extra', 'flip']);
    expect(runtime.sweeps).toEqual([{ gameId: game.id }, { gameId: game.id }]);
    for (const team of game.teams) {
      expect(team.run.phase).toBe('ended');
      expect(team.run.readEvents().some((e) => e.type === 'facilitator.action' && e.action === 'kill-switch')).toBe(true);
    }
    // The watchdog's marker says the game ended on purpose.
    expect(readFileSync(game.endedMarker, 'utf8')).toBe('kill switch\n');
    // Idempotent, and nothing more can be injected.
    expect(await runner.kill()).toBe(report);
    await expect(runner.inject('red', 'flip')).rejects.toThrow(GameRunError);
  });

  it('a team whose scenario does not exist starts nothing', async () => {
    const { runner, runtime, file } = setup(PLAN.replace("- { id: blue, name: Blue, members: [bob], variant: default, seed: 3 }", '- { id: blue, name: Blue, members: [bob], scenario: no-such-pack }'));
    await expect(runner.start(file)).rejects.toThrow(/no scenario "no-such-pack"/);
    expect(runtime.sandboxes).toEqual([]);
  });
});
