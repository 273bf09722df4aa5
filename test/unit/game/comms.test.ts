/**
 * Game-day comms end to end below the UI: the game file's `comms` section (validated where it is written),
 * the cadence each team's run records, posting through the API handler (a member's name, only while live),
 * and the facilitator's board line per team. Runs on the fake runtime: no Docker.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCommsHandlers } from '../../../main/api/comms-handlers.js';
import { liveComms } from '../../../main/api/views/comms.js';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { validateGameText } from '../../../main/game/load.js';
import { GameRunner } from '../../../main/game/runner.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { ApiError } from '../../../shared/api/contract.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';

const SCENARIOS = new URL('../../fixtures/scenarios/', import.meta.url).pathname;

const PLAN = `apiVersion: firedrill/v1
kind: Game
metadata: { name: drill, title: Drill }
scenario: state-machine
timeBox: 30m
comms:
  firstWithin: 10m
  every: 15m
teams:
  - { id: red, name: Red, members: [alice, bob], variant: default }
  - { id: blue, name: Blue, members: [carol], variant: default }
`;

const problems = (text: string) => {
  const result = validateGameText(text, 'plan.game.yaml');
  expect(result.ok).toBe(false);
  return result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message} (at ${d.path})`);
};

describe("the game file's comms section", () => {
  it('reads the cadence in the format durations (and is optional)', () => {
    expect(validateGameText(PLAN, 'plan.game.yaml').game!.comms).toEqual({ firstWithin: '10m', every: '15m' });
    expect(validateGameText(PLAN.replace(/comms:\n.*\n.*\n/, ''), 'plan.game.yaml').game!.comms).toBeUndefined();
  });

  it('names file, line and field for a bad duration, an unknown key, a zero or an empty section', () => {
    expect(problems(PLAN.replace('every: 15m', 'every: often'))).toEqual([expect.stringMatching(/^plan\.game\.yaml:8:10: .*duration.* \(at comms\.every\)$/)]);
    expect(problems(PLAN.replace('every: 15m', 'evry: 15m'))).toEqual([expect.stringMatching(/^plan\.game\.yaml:8:3: unknown field "evry".*did you mean "every"/)]);
    expect(problems(PLAN.replace('firstWithin: 10m', 'firstWithin: 0s'))).toEqual([expect.stringMatching(/^plan\.game\.yaml:7:16: firstWithin: must be longer than 0s.* \(at comms\.firstWithin\)$/)]);
    expect(problems(PLAN.replace(/comms:\n.*\n.*\n/, 'comms: {}\n'))).toEqual([expect.stringMatching(/^plan\.game\.yaml:6:8: comms: say what comms requires.* \(at comms\)$/)]);
  });
});

function setup() {
  let mono = 0;
  const home = mkdtempSync(join(tmpdir(), 'fd-comms-home-'));
  const manager = new RunManager({
    runtimes: new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => new FakeRuntime() }]),
    home,
    scenariosDirs: [SCENARIOS],
    clock: { now: () => new Date(Date.UTC(2026, 0, 1) + mono), monotonic: () => mono },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      mono += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const file = join(home, 'drill.game.yaml');
  writeFileSync(file, PLAN);
  const runner = new GameRunner({ manager, now: () => Date.UTC(2026, 0, 1, 9), comms: liveComms, startWatchdog: () => ({ stop: () => undefined }) });
  const handlers = createCommsHandlers({
    manager,
    teamOf: (runId) => {
      const team = runner.current?.teams.find((t) => t.run.id === runId);
      return team ? { id: team.plan.id, members: team.plan.members } : null;
    },
  });
  return { runner, manager, handlers, file, advance: (ms: number) => (mono += ms) };
}

async function untilLive(runner: GameRunner) {
  for (let i = 0; i < 5000; i++) {
    const board = runner.board()!;
    if (board.teams.every((t) => t.phase === 'live')) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('teams never went live');
}

const refused = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
};

describe('posting status updates in a game', () => {
  it("records the cadence in every team's run, takes a member's update while live, and shows it on the board", async () => {
    const { runner, handlers, file, advance } = setup();
    const game = await runner.start(file);
    const [red, blue] = game.teams;
    expect(red!.run.readEvents()[0]).toMatchObject({ type: 'run.created', comms: { firstWithinMs: 600_000, everyMs: 900_000 } });

    // Before the page the channel is not open yet.
    expect((await refused(handlers['comms.post']({ runId: red!.run.id, message: 'Too early to say anything here' }))).code).toBe('conflict');
    await untilLive(runner);

    const paged = runner.board()!.teams[0]!.comms!;
    expect(paged).toMatchObject({ updates: 0, lastUpdateMs: null, met: null });
    expect(paged.nextDueInMs).toBeGreaterThan(0);

    // The panel asks who may sign: the team's members (a solo run has none, below).
    expect(await handlers['comms.channel']({ runId: red!.run.id })).toEqual({ members: ['alice', 'bob'] });

    // The author must be one of the team's members (another team's member is not).
    const stranger = await refused(handlers['comms.post']({ runId: red!.run.id, author: 'carol', message: 'Checkout errors, investigating now' }));
    expect([stranger.code, stranger.message]).toEqual(['bad_request', '"carol" is not a member of team red (members: alice, bob)']);

    advance(60_000);
    const result = await handlers['comms.post']({ runId: red!.run.id, author: 'bob', message: 'Checkout errors for all users, investigating now' });
    expect(result.updates).toEqual([expect.objectContaining({ author: 'bob', counted: true })]);
    expect(result.rules.map((r) => [r.id, r.state])).toEqual([
      ['firstWithin', 'met'],
      ['every', 'pending'],
    ]);
    expect(red!.run.readEvents().at(-1)).toMatchObject({ type: 'status.update', author: 'bob', message: 'Checkout errors for all users, investigating now' });

    const board = runner.board()!;
    expect(board.teams[0]!.comms).toMatchObject({ updates: 1, nextDueInMs: 900_000 });
    expect(board.teams[0]!.comms!.lastUpdateMs).toBeGreaterThanOrEqual(60_000);
    expect(board.teams[1]!.comms!.updates).toBe(0);
    expect(blue!.run.readEvents().some((e) => e.type === 'status.update')).toBe(false);

    await runner.end();
    const closed = await refused(handlers['comms.post']({ runId: red!.run.id, author: 'alice', message: 'Posting after the end of the game' }));
    expect([closed.code, closed.message]).toEqual(['conflict', expect.stringMatching(/is over .*the incident channel is closed/)]);
  });

  it('a solo run takes updates too, signed by any name or none, held to no cadence', async () => {
    const { manager, handlers } = setup();
    const run = manager.start(await manager.resolvePack('state-machine'));
    for (let i = 0; i < 5000 && run.phase !== 'live'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(run.phase).toBe('live');
    expect(await handlers['comms.channel']({ runId: run.id })).toEqual({ members: [] });
    const signed = await handlers['comms.post']({ runId: run.id, author: 'learner', message: 'Practising comms: the switch is broken, looking' });
    const unsigned = await handlers['comms.post']({ runId: run.id, message: 'Flipped the switch back, watching the checks' });
    expect(unsigned.requirement).toBeNull();
    expect(unsigned.updates.map((u) => [u.author, u.counted])).toEqual([
      ['learner', true],
      [null, true],
    ]);
    expect(signed.nextDueInMs).toBeNull();
    await run.abandon();
  });
});
