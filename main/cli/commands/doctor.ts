import { parseArgs } from 'node:util';
import { runDoctor } from '../../../sandbox/prereqs/doctor.js';
import { dataDir } from '../../platform/paths.js';
import type { CliIO } from '../io.js';

const ICON = { pass: '✓', warn: '!', fail: '✗' } as const;

export async function runDoctorCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
  const report = await runDoctor({ dataDir: dataDir() });
  if (values.json) {
    io.stdout(JSON.stringify(report, null, 2));
  } else {
    const width = Math.max(...report.checks.map((c) => c.title.length));
    for (const check of report.checks) {
      io.stdout(`${ICON[check.status]} ${check.title.padEnd(width)}  ${check.detail}`);
      if (check.status !== 'pass' && check.fix) io.stdout(`  fix: ${check.fix}`);
    }
    io.stdout(report.ok ? '\nReady: nothing blocks a lab.' : '\nNot ready: fix the failing checks above.');
  }
  return report.ok ? 0 : 1;
}
