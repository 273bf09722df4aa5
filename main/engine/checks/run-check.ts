import type { Check } from '../scenario/schema.js';
import { runAlertmanagerCheck } from './alertmanager-check.js';
import { runExecCheck } from './exec-check.js';
import { runHttpCheck } from './http-check.js';
import { runPromqlCheck } from './promql-check.js';
import { runSqlCheck } from './sql-check.js';
import { runTcpCheck } from './tcp-check.js';
import type { CheckContext, CheckResult } from './types.js';

/** Runs one check; a check that throws fails with the error as its message instead of crashing the run. */
export async function runCheck(check: Check, context: CheckContext): Promise<CheckResult> {
  try {
    switch (check.kind) {
      case 'exec':
        return await runExecCheck(check, context);
      case 'http':
        return await runHttpCheck(check, context);
      case 'tcp':
        return await runTcpCheck(check, context);
      case 'sql':
        return await runSqlCheck(check, context);
      case 'promql':
        return await runPromqlCheck(check, context);
      case 'alertmanager':
        return await runAlertmanagerCheck(check, context);
    }
  } catch (error) {
    return { pass: false, observed: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
