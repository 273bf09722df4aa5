/** A game over the fake runtime and the state-machine pack: shared by the runner's and the game API's tests. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { GameRunner } from '../../../main/game/runner.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS, type CleanupOptions } from '../../../sandbox/runtime.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';

const STATE_MACHINE = new URL('../../fixtures/scenarios/state-machine/', import.meta.url).pathname;

/** The state-machine pack: its fault with a revert, and a variant whose step the facilitator can inject. */
function packs(): string {
  const root = mkdtempSync(join(tmpdir(), 'fd-game-packs-'));
  const dir = join(root, 'state-machine');
  cpSync(STATE_MACHINE, dir, { recursive: true });
  const file = join(dir, 'scenario.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    text.slice(0, text.indexOf('faults:')) +
      [
        'faults:',
        '  - id: flip',
        '    at: 0s',
        '    action: { exec: { service: app, command: set-state broken } }',
        '    revert: { exec: { service: app, command: set-state ok } }',
        'variants:',
        '  - name: harder',
        '    faults:',
        '      - id: extra',
        '        at: 0s',
        '        action: { exec: { service: app, command: set-var extra on } }',
        '        revert: { exec: { service: app, command: set-var extra off } }',
        '',
      ].join('\n') +
      text.slice(text.indexOf('checks:')),
  );
  return root;
}

export class RecordingRuntime extends FakeRuntime {
  sweeps: CleanupOptions[] = [];
  override async cleanup(options: CleanupOptions = {}) {
    this.sweeps.push(options);
    return { removed: [] };
  }
}

export function setup(plan: string, options: { now?: () => number; every?: (ms: number, tick: () => void) => { stop(): void } } = {}) {
  const runtime = new RecordingRuntime();
  let mono = 0;
  const home = mkdtempSync(join(tmpdir(), 'fd-game-home-'));
  const manager = new RunManager({
    runtimes: new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => runtime }]),
    home,
    scenariosDirs: [packs()],
    clock: { now: () => new Date(Date.UTC(2026, 0, 1) + mono), monotonic: () => mono },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      mono += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const file = join(home, 'drill.game.yaml');
  writeFileSync(file, plan);
  const watchdogs: { gameId: string; ttlMs: number; deadline: number }[] = [];
  const runner = new GameRunner({
    manager,
    now: options.now ?? (() => Date.UTC(2026, 0, 1, 9)),
    ...(options.every ? { every: options.every } : {}),
    score: (run) => run.readEvents().length,
    startWatchdog: (watch) => {
      watchdogs.push(watch);
      return { stop: () => undefined };
    },
  });
  return { runtime, manager, runner, file, watchdogs, home };
}

export const PLAN = `apiVersion: firedrill/v1
kind: Game
metadata: { name: drill, title: Drill }
scenario: state-machine
timeBox: 30m
deadMansSwitch: { ttl: 2m }
teams:
  - { id: red, name: Red, members: [alice], variant: default }
  - { id: blue, name: Blue, members: [bob], variant: default, seed: 3 }
`;

export async function untilLive(runner: GameRunner) {
  for (let i = 0; i < 5000; i++) {
    const board = runner.board()!;
    if (board.teams.every((t) => t.phase === 'live')) return board;
    if (board.teams.some((t) => t.phase === 'failed')) throw new Error(JSON.stringify(board.teams.map((t) => t.error)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('teams never went live');
}
