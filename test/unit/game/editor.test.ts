/**
 * The console's game-file editor on the Node side: open (a new path gets the template), validate as typed
 * (problems at their line and field), save (YAML files only).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAME_TEMPLATE, GameFileError, gameJsonSchema, openGameFile, saveGameFile, validateGameFileText } from '../../../main/game/editor.js';
import { loadGame } from '../../../main/game/load.js';

describe('the game file editor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-game-editor-'));

  it('opens a path that does not exist yet with the template, which is a valid game', async () => {
    const opened = await openGameFile(join(dir, 'new.game.yaml'));
    expect(opened).toMatchObject({ exists: false, text: GAME_TEMPLATE });
    expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('validates text as typed: an unknown field, a role held by a non-member, each at its line and field', () => {
    const file = join(dir, 'x.game.yaml');
    const unknown = validateGameFileText(file, GAME_TEMPLATE.replace('timeBox: 45m', 'timeBox: 45m\nbogus: 1'));
    expect(unknown).toEqual([expect.objectContaining({ line: 8, message: expect.stringMatching(/bogus/), severity: 'error' })]);
    const role = validateGameFileText(file, GAME_TEMPLATE.replace('roles: { incidentCommander: carol', 'roles: { incidentCommander: zed'));
    expect(role).toEqual([
      expect.objectContaining({ line: 18, path: expect.stringMatching(/teams.*1.*roles.*incidentCommander/), message: expect.stringMatching(/"zed" is not a member of blue/) }),
    ]);
  });

  it('saves what was typed (even half-finished) and a start reads exactly that', async () => {
    const file = join(dir, 'saved.game.yaml');
    const text = GAME_TEMPLATE.replace('my-game-day', 'tuesday');
    expect((await saveGameFile(file, text)).filter((d) => d.severity === 'error')).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect((await loadGame(file)).game.metadata.name).toBe('tuesday');
    const reopened = await openGameFile(file);
    expect(reopened).toMatchObject({ exists: true, text });
    const broken = await saveGameFile(file, 'kind: Game\n');
    expect(broken.some((d) => d.severity === 'error')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('kind: Game\n');
  });

  it('writes YAML files only: the console cannot overwrite anything else', async () => {
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'keep me');
    await expect(saveGameFile(other, GAME_TEMPLATE)).rejects.toThrow(GameFileError);
    await expect(openGameFile(join(dir, '.bashrc'))).rejects.toThrow(/a game file is YAML/);
    expect(readFileSync(other, 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, '.bashrc'))).toBe(false);
  });

  it('gives the editor a JSON Schema with the game fields for completion', () => {
    const schema = gameJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['metadata', 'scenario', 'timeBox', 'teams', 'deadMansSwitch']));
  });

  it('refuses a member named "facilitator" (the name the facilitator types under)', () => {
    const problems = validateGameFileText(join(dir, 'f.game.yaml'), GAME_TEMPLATE.replace('members: [alice, bob]', 'members: [alice, bob, Facilitator]'));
    expect(problems).toEqual([expect.objectContaining({ line: 13, message: expect.stringMatching(/"Facilitator" is the facilitator's name/) })]);
  });
});
