import type { Check } from '../scenario/schema.js';
import { runAlertmanagerCheck } from './alertmanager-check.js';
import { runExecCheck } from './exec-check.js';
import { runHttpCheck } from './http-check.js';
import { runConditionCheck, runRolloutCheck } from './kubernetes-check.js';
import { runPromqlCheck } from './promql-check.js';
import { runSqlCheck } from './sql-check.js';
import { runTcpCheck } from './tcp-check.js';
import type { CheckContext, CheckResult, CheckRunner } from './types.js';

/** One runner per check kind: a new kind in schema.ts does not compile until it has one here. */
const RUNNERS: { [K in Check['kind']]: CheckRunner<Extract<Check, { kind: K }>> } = {
  exec: runExecCheck,
  http: runHttpCheck,
  tcp: runTcpCheck,
  sql: runSqlCheck,
  promql: runPromqlCheck,
  alertmanager: runAlertmanagerCheck,
  rollout: runRolloutCheck,
  condition: runConditionCheck,
};

/** Runs one check; a check that throws fails with the error as its message instead of crashing the run. */
export async function runCheck(check: Check, context: CheckContext): Promise<CheckResult> {
  try {
    return await (RUNNERS[check.kind] as CheckRunner)(check, context);
  } catch (error) {
    return { pass: false, observed: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
