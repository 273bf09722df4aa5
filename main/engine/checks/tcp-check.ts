import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import { CHECK_USER, checkArgv } from './exec-check.js';
import type { CheckRunner } from './types.js';

type TcpCheck = Extract<Check, { kind: 'tcp' }>;

/**
 * Connects from inside the sandbox (bash's /dev/tcp): published ports would always look open. Run as
 * an exec check is (root, clean environment), so a learner's `bash` or `timeout` on the PATH cannot answer.
 */
export const runTcpCheck: CheckRunner<TcpCheck> = async (check, { sandbox }) => {
  const seconds = Math.max(1, Math.ceil(toMs(check.timeout) / 1000));
  const script = `timeout ${seconds} bash -c 'exec 3<>/dev/tcp/${check.host}/${check.port}' 2>/dev/null`;
  const result = await sandbox.exec(check.from, checkArgv(['bash', '-c', script]), { user: CHECK_USER, workdir: '/', timeoutMs: toMs(check.timeout) + 2000 });
  const open = result.exitCode === 0;
  return {
    pass: check.expect === 'open' ? open : !open,
    observed: `${check.host}:${check.port} ${open ? 'open' : 'closed'}`,
  };
};
