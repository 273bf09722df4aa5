import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGameDeadline } from '../../../main/game/deadline-file.js';
import { GameRunError, PAUSED_REFRESH_MS } from '../../../main/game/runner.js';
import { LABELS } from '../../../sandbox/runtime.js';
import type { FakeSandbox } from '../../helpers/fake-runtime.js';
import { PLAN, setup, untilLive } from './setup.js';

const MIN = 60_000;

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

  it("the board's last commands say which member ran each (shared terminals), a solo command as it was", async () => {
    const { runner, file } = setup(PLAN);
    const game = await runner.start(file);
    await untilLive(runner);
    const command = { type: 'command', terminal: 1, source: 'shell', exitCode: 0, startedAt: '2026-01-01T09:00:00.000Z', endedAt: '2026-01-01T09:00:01.000Z', durationMs: 1000 } as const;
    const { events } = game.team('red')!.run;
    events.append({ ...command, command: 'psql -c "select 1"', by: 'alice' });
    events.append({ ...command, command: 'uptime' });
    expect(runner.board()!.teams.find((t) => t.id === 'red')!.lastCommands).toEqual(['alice: psql -c "select 1"', 'uptime']);
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

  it('pauses, resumes and extends the clock: teams are told, the deadline file follows, a paused clock keeps it ahead', async () => {
    let now = Date.UTC(2026, 0, 1, 9);
    const ticks: { ms: number; tick: () => void; stopped: boolean }[] = [];
    const { runner, file } = setup(PLAN, {
      now: () => now,
      every: (ms, tick) => {
        const entry = { ms, tick, stopped: false };
        ticks.push(entry);
        return { stop: () => void (entry.stopped = true) };
      },
    });
    const game = await runner.start(file);
    await untilLive(runner);
    const start = now;
    // 30m time box + 2m TTL, written at start.
    expect(readGameDeadline(game.dir)).toBe(start + 32 * MIN);
    now += 10 * MIN;
    runner.pause();
    expect(runner.board()!.clock).toMatchObject({ paused: true, remainingMs: 20 * MIN });
    expect(() => runner.pause()).toThrow(/already paused/);
    // While paused, the living process pushes the deadline forward; it dies, the pushes stop.
    expect(ticks).toEqual([expect.objectContaining({ ms: PAUSED_REFRESH_MS, stopped: false })]);
    now += 7 * MIN;
    ticks[0]!.tick();
    expect(readGameDeadline(game.dir)).toBe(now + 20 * MIN + 2 * MIN);
    now += 1 * MIN;
    runner.resume();
    expect(ticks[0]!.stopped).toBe(true);
    expect(runner.board()!.clock).toMatchObject({ paused: false, remainingMs: 20 * MIN, pausedMs: 8 * MIN });
    runner.extend(15 * MIN);
    expect(runner.board()!.clock).toMatchObject({ remainingMs: 35 * MIN, timeBoxMs: 45 * MIN });
    expect(readGameDeadline(game.dir)).toBe(start + 32 * MIN + 8 * MIN + 15 * MIN);
    expect(runner.board()!.deadline).toBe(readGameDeadline(game.dir));
    expect(() => runner.extend(-1)).toThrow(GameRunError);
    for (const team of game.teams) {
      const actions = team.run.readEvents().flatMap((e) => (e.type === 'facilitator.action' ? [[e.action, e.extendMs ?? null]] : []));
      expect(actions).toEqual([
        ['pause', null],
        ['resume', null],
        ['extend', 15 * MIN],
      ]);
    }
    await runner.end();
    expect(() => runner.resume()).toThrow(/ended/);
  });

  it('a team that did nothing since the page has no score so far ("not started"), one that typed has', async () => {
    const { runner, file } = setup(PLAN);
    const game = await runner.start(file);
    await untilLive(runner);
    expect(runner.board()!.teams.map((t) => [t.id, t.score, t.timeToEngageMs])).toEqual([
      ['red', null, null],
      ['blue', null, null],
    ]);
    const red = game.team('red')!.run;
    const at = new Date().toISOString();
    red.events.append({ type: 'command', terminal: 1, source: 'shell', command: 'docker ps', exitCode: 0, startedAt: at, endedAt: at, durationMs: 5 });
    const [redBoard, blueBoard] = runner.board()!.teams;
    expect(redBoard!.score).toEqual(expect.any(Number));
    expect(redBoard!.timeToEngageMs).toEqual(expect.any(Number));
    expect(blueBoard!.score).toBeNull();
    await runner.kill();
  });
});
