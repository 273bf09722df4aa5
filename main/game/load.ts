/** Reads and validates a game file: syntax, schema and the plan's own rules, each problem with file, line and field. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDiagnostics, type Diagnostic } from '../engine/scenario/diagnostics.js';
import { validateYamlText } from '../engine/scenario/validate.js';
import { gameSchema, ROLES, type GameFile } from './schema.js';

export class GameError extends Error {
  override readonly name = 'GameError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(formatDiagnostics(diagnostics.filter((d) => d.severity === 'error')) || 'invalid game file');
  }
}

export interface LoadedGame {
  file: string;
  game: GameFile;
}

export function validateGameText(text: string, file: string): { ok: boolean; diagnostics: Diagnostic[]; game?: GameFile } {
  const result = validateYamlText(text, file, gameSchema, (game, report) => {
    const seen = new Map<string, number>();
    game.teams.forEach((team, i) => {
      const first = seen.get(team.id);
      if (first !== undefined) report(['teams', i, 'id'], `team id "${team.id}" is already used by teams[${first}]`);
      else seen.set(team.id, i);
      for (const role of ROLES) {
        const who = team.roles[role];
        if (who !== undefined && !team.members.includes(who)) {
          report(['teams', i, 'roles', role], `${role} "${who}" is not a member of ${team.id} (members: ${team.members.join(', ')})`);
        }
      }
      team.members.forEach((member, m) => {
        // The facilitator types as "facilitator" in a team's terminal: a member of that name would be mistaken for them.
        if (member.trim().toLowerCase() === 'facilitator') report(['teams', i, 'members', m], `"${member}" is the facilitator's name in the event log: give the member another name`);
      });
      if (!team.scenario && !game.scenario) report(['teams', i], `team ${team.id} has no scenario: set "scenario" on the game or on the team`);
    });
  });
  return result.ok ? { ok: true, diagnostics: result.diagnostics, game: result.value! } : { ok: false, diagnostics: result.diagnostics };
}

export async function loadGame(path: string): Promise<LoadedGame> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GameError([{ file, line: 1, column: 1, path: '', message: `cannot read the game file: ${(error as Error).message}`, severity: 'error' }]);
  }
  const result = validateGameText(text, file);
  if (!result.ok) throw new GameError(result.diagnostics);
  return { file, game: result.game! };
}
