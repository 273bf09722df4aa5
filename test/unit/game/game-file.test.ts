import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GameError, loadGame, validateGameText } from '../../../main/game/load.js';

const VALID = `apiVersion: firedrill/v1
kind: Game
metadata:
  name: tuesday-drill
  title: Tuesday game day
scenario: fixture
timeBox: 30m
deadMansSwitch:
  ttl: 90s
teams:
  - id: red
    name: Red team
    members: [alice, bob]
    roles: { incidentCommander: alice, operations: bob }
  - id: blue
    name: Blue team
    members: [carol]
    scenario: slow-query
    variant: missing-index
    seed: 7
`;

const problems = (text: string) => {
  const result = validateGameText(text, 'plan.game.yaml');
  expect(result.ok).toBe(false);
  return result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message} (at ${d.path})`);
};

describe('game files', () => {
  it('reads a valid plan with defaults for what it leaves out', () => {
    const result = validateGameText(VALID, 'plan.game.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.game!.teams.map((t) => [t.id, t.scenario ?? null, t.seed ?? null])).toEqual([
      ['red', null, null],
      ['blue', 'slow-query', 7],
    ]);
    expect(result.game!.hints).toEqual({ allowed: true });
    expect(result.game!.deadMansSwitch.ttl).toBe('90s');
    expect(result.game!.teams[1]!.roles).toEqual({});
  });

  it('names file, line and field for an unknown key, with a suggestion', () => {
    expect(problems(VALID.replace('    members: [carol]', '    membres: [carol]'))).toEqual([
      expect.stringMatching(/^plan\.game\.yaml:17:5: unknown field "membres" in teams\[1\].*did you mean "members"/),
    ]);
  });

  it('names a bad duration and a bad team id where they are', () => {
    const found = problems(VALID.replace('ttl: 90s', 'ttl: soon').replace('id: red', 'id: Red Team'));
    expect(found).toEqual([
      expect.stringMatching(/^plan\.game\.yaml:9:8: .*(duration|500ms).* \(at deadMansSwitch\.ttl\)$/),
      expect.stringMatching(/^plan\.game\.yaml:11:9: .*lowercase.* \(at teams\[0\]\.id\)$/),
    ]);
  });

  it('rejects a duplicate team id, a role held by a non-member, and a team with no scenario', () => {
    const text = VALID.replace('scenario: fixture\n', '').replace('id: blue', 'id: red').replace('operations: bob', 'operations: dave');
    expect(problems(text)).toEqual([
      expect.stringMatching(/^plan\.game\.yaml:10:5: team red has no scenario.*\(at teams\[0\]\)$/),
      expect.stringMatching(/^plan\.game\.yaml:13:52: operations "dave" is not a member of red \(members: alice, bob\) \(at teams\[0\]\.roles\.operations\)$/),
      expect.stringMatching(/^plan\.game\.yaml:14:9: team id "red" is already used by teams\[0\] \(at teams\[1\]\.id\)$/),
    ]);
  });

  it('says what is missing and reports YAML syntax errors with their position', () => {
    expect(problems('apiVersion: firedrill/v1\nkind: Game\nmetadata: { name: x, title: X }\nscenario: fixture\n')).toEqual([
      expect.stringMatching(/^plan\.game\.yaml:1:1: missing required field "teams" \(at teams\)$/),
    ]);
    expect(problems('teams: [\n')[0]).toMatch(/^plan\.game\.yaml:\d+:\d+: /);
  });

  it('loadGame throws a GameError whose message is the diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-game-'));
    const file = join(dir, 'bad.game.yaml');
    writeFileSync(file, VALID.replace('kind: Game', 'kind: Scenario'));
    const error = await loadGame(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GameError);
    expect((error as GameError).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:7: .*Game.* \\(at kind\\)$`));
    await expect(loadGame(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read the game file/);
  });
});
