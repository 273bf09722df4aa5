import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import { lastLine } from './exec-check.js';
import { regex, type CheckRunner } from './types.js';

type SqlCheck = Extract<Check, { kind: 'sql' }>;

/** Runs the query with psql inside the service, so no database port has to reach the host. */
export const runSqlCheck: CheckRunner<SqlCheck> = async (check, { sandbox }) => {
  const command = ['psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1'];
  if (check.database) command.push('-d', check.database);
  if (check.user) command.push('-U', check.user);
  command.push('-c', check.query);
  const result = await sandbox.exec(check.service, command, { timeoutMs: toMs(check.timeout) });
  if (result.exitCode !== 0) {
    return { pass: false, observed: 'query failed', message: lastLine(result.stderr || result.stdout) };
  }
  const output = result.stdout.trim();
  const rows = output === '' ? 0 : output.split('\n').length;
  const shown = rows > 1 ? `${rows} rows` : output || '0 rows';
  const expect = check.expect;
  if ('equals' in expect) {
    return { pass: output === expect.equals.trim(), observed: shown };
  }
  if ('matches' in expect) return { pass: regex(expect.matches).test(output), observed: shown };
  if ('notMatches' in expect) return { pass: !regex(expect.notMatches).test(output), observed: shown };
  if ('rows' in expect) return { pass: rows === expect.rows, observed: `${rows} rows` };
  return { pass: rows >= expect.minRows, observed: `${rows} rows` };
};
