/**
 * Editing a game file from the facilitator's console: open (or start from a template when the file does not
 * exist yet), validate the text as it is typed (the same validator as `game validate` and `game.start`,
 * so the editor shows exactly what a start would refuse, at its line and column), and save. Only YAML
 * files are written: the console names a path, and this must never become a way to overwrite other files.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { Diagnostic } from '../engine/scenario/diagnostics.js';
import { validateGameText } from './load.js';
import { gameSchema } from './schema.js';

export class GameFileError extends Error {}

/** A new game: two teams on slow-query, every field the console shows, to be edited. */
export const GAME_TEMPLATE = `apiVersion: firedrill/v1
kind: Game
metadata:
  name: my-game-day
  title: My game day
scenario: slow-query            # what every team plays, unless a team names its own
timeBox: 45m
hints: { allowed: true }
deadMansSwitch: { ttl: 5m }     # tear every team down this long after Firedrill dies
teams:
  - id: red
    name: Red team
    members: [alice, bob]
    roles: { incidentCommander: alice, operations: bob, communications: alice }
  - id: blue
    name: Blue team
    members: [carol, dan]
    roles: { incidentCommander: carol, operations: dan, communications: dan }
`;

function checkedPath(path: string): string {
  const file = resolve(path);
  if (!/\.ya?ml$/i.test(file)) throw new GameFileError(`${file}: a game file is YAML: name it <name>.game.yaml`);
  return file;
}

export interface OpenedGame {
  path: string;
  text: string;
  /** false: the file does not exist yet; the text is the template. */
  exists: boolean;
  diagnostics: Diagnostic[];
}

export async function openGameFile(path: string): Promise<OpenedGame> {
  const file = checkedPath(path);
  if (!existsSync(file)) return { path: file, text: GAME_TEMPLATE, exists: false, diagnostics: validateGameText(GAME_TEMPLATE, file).diagnostics };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GameFileError(`${file}: cannot read it: ${(error as Error).message}`);
  }
  return { path: file, text, exists: true, diagnostics: validateGameText(text, file).diagnostics };
}

export function validateGameFileText(path: string, text: string): Diagnostic[] {
  return validateGameText(text, checkedPath(path)).diagnostics;
}

/** Saves the text as typed (a half-finished plan may be saved; starting it is what refuses errors). */
export async function saveGameFile(path: string, text: string): Promise<Diagnostic[]> {
  const file = checkedPath(path);
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text.endsWith('\n') ? text : `${text}\n`);
  } catch (error) {
    throw new GameFileError(`${file}: cannot save it: ${(error as Error).message}`);
  }
  return validateGameText(text, file).diagnostics;
}

/** The game file's JSON Schema, for field completion in the editor. */
export function gameJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(gameSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
