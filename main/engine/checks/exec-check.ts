import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import { argv, regex, type CheckRunner } from './types.js';

type ExecCheck = Extract<Check, { kind: 'exec' }>;

export const runExecCheck: CheckRunner<ExecCheck> = async (check, { sandbox }) => {
  const result = await sandbox.exec(check.service, argv(check.command), {
    ...(check.user ? { user: check.user } : {}),
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
