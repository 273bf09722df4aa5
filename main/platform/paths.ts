import { homedir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** The data directory: `FIREDRILL_HOME`, else the platform's app-data directory. */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FIREDRILL_HOME) return env.FIREDRILL_HOME;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Firedrill');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Firedrill');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'firedrill');
}

export function sessionsDir(env?: NodeJS.ProcessEnv): string {
  return join(dataDir(env), 'sessions');
}

export function sessionDir(runId: string, env?: NodeJS.ProcessEnv): string {
  return join(sessionsDir(env), runId);
}

/** The shipped scenario packs (the repository's `scenarios/`), overridable for tests. */
export function scenariosDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FIREDRILL_SCENARIOS) return env.FIREDRILL_SCENARIOS;
  return join(packageRoot(), 'scenarios');
}

/** The templates `firedrill new` copies (the repository's `templates/`, shipped with the app). */
export function templatesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FIREDRILL_TEMPLATES) return env.FIREDRILL_TEMPLATES;
  return join(packageRoot(), 'templates');
}

/** The user's own packs: what `firedrill install` and the Studio write (the catalog lists them after the shipped ones). */
export function userPacksDir(env?: NodeJS.ProcessEnv): string {
  return join(dataDir(env), 'scenarios');
}
