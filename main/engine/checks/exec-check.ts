import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import { argv, regex, type CheckRunner } from './types.js';

type ExecCheck = Extract<Check, { kind: 'exec' }>;

/**
 * What an exec check runs with, whatever the container or the learner set up: root (unless the
 * check names a user), a clean environment through `env -i` (no BASH_ENV, no rc files, no learner
 * PATH), a HOME no one can write (so no ~/.curlrc, ~/.psqlrc, ~/.netrc) and `/` as the working
 * directory. A learner can change what the system does, never how the check looks at it.
 */
export const CHECK_USER = '0';
export const CHECK_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/nonexistent',
  LANG: 'C.UTF-8',
};

/** The argv an exec check runs: its command behind `env -i` and the fixed environment. */
export function checkArgv(command: string | string[]): string[] {
  return ['env', '-i', ...Object.entries(CHECK_ENV).map(([key, value]) => `${key}=${value}`), ...argv(command)];
}

export const runExecCheck: CheckRunner<ExecCheck> = async (check, { sandbox }) => {
  const result = await sandbox.exec(check.service, checkArgv(check.command), {
    user: check.user ?? CHECK_USER,
    workdir: '/',
    timeoutMs: toMs(check.timeout),
  });
  const out = result.stdout.trim();
  if (result.exitCode !== check.exitCode) {
    return { pass: false, observed: `exit ${result.exitCode}`, message: lastLine(result.stderr || out) };
  }
  if (check.stdoutMatches && !regex(check.stdoutMatches).test(out)) {
    return { pass: false, observed: lastLine(out) || '(no output)', message: `output does not match /${check.stdoutMatches}/` };
  }
  if (check.stdoutNotMatches && regex(check.stdoutNotMatches).test(out)) {
    return { pass: false, observed: lastLine(out), message: `output matches /${check.stdoutNotMatches}/` };
  }
  return { pass: true, observed: lastLine(out) || `exit ${result.exitCode}` };
};

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  const line = lines[lines.length - 1] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
