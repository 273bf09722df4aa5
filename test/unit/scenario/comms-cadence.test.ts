/**
 * A pack's own comms cadence (scoring.comms): validated where it is written, recorded in the run it is played
 * in (solo practice), and replaced by a game file's `comms`.
 */
import { cpSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';
import { FIXTURES, lines, validateEdited } from './helpers.js';

const RISKY = 'scoring:\n  risky:\n';

describe("a pack's scoring.comms", () => {
  it('reads a cadence in the format durations', () => {
    const result = validateEdited([RISKY, 'scoring:\n  comms: { firstWithin: 10m, every: 15m }\n  risky:\n']);
    expect(result.diagnostics).toEqual([]);
    expect(result.scenario!.scoring.comms).toEqual({ firstWithin: '10m', every: '15m' });
  });

  it('names the line and field of a bad duration, a zero, or an empty section', () => {
    expect(lines(validateEdited([RISKY, 'scoring:\n  comms: { every: often }\n  risky:\n']))).toEqual([expect.stringMatching(/^133:\d+: invalid every "often".* \(at scoring\.comms\.every\)$/)]);
    expect(lines(validateEdited([RISKY, 'scoring:\n  comms: { firstWithin: 0 }\n  risky:\n']))).toEqual([expect.stringMatching(/^133:\d+: .*must be longer than 0s.* \(at scoring\.comms\.firstWithin\)$/)]);
    expect(lines(validateEdited([RISKY, 'scoring:\n  comms: {}\n  risky:\n']))).toEqual([expect.stringMatching(/^133:\d+: .*say what comms requires.* \(at scoring\.comms\)$/)]);
  });

  it("is recorded in a run of the pack, and a game's cadence replaces it", async () => {
    const root = mkdtempSync(join(tmpdir(), 'fd-comms-pack-'));
    cpSync(join(FIXTURES, 'state-machine'), join(root, 'state-machine'), { recursive: true });
    appendFileSync(join(root, 'state-machine', 'scenario.yaml'), 'scoring:\n  comms: { every: 5m }\n');
    const manager = new RunManager({
      runtimes: new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => new FakeRuntime() }]),
      home: mkdtempSync(join(tmpdir(), 'fd-comms-home-')),
      scenariosDirs: [root],
    });
    const loaded = await manager.resolvePack('state-machine');
    expect(manager.create(loaded).readEvents()[0]).toMatchObject({ type: 'run.created', comms: { firstWithinMs: null, everyMs: 300_000 } });
    const game = manager.create(loaded, { comms: { firstWithinMs: 600_000, everyMs: null } });
    expect(game.readEvents()[0]).toMatchObject({ type: 'run.created', comms: { firstWithinMs: 600_000, everyMs: null } });
  });
});
