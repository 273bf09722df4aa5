import { parseArgs } from 'node:util';
import { createAppContext } from '../../app/context.js';
import type { CliIO } from '../io.js';

/** Removes every labelled Docker object, including what a crashed run left behind. */
export async function runClean(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, orphans: { type: 'boolean', default: false }, run: { type: 'string' } },
    strict: true,
  });
  const { runtime } = createAppContext();
  const report = await runtime.cleanup({ onlyOrphans: values.orphans, ...(values.run ? { runId: values.run } : {}) });
  if (values.json) {
    io.stdout(JSON.stringify(report, null, 2));
    return 0;
  }
  const total = report.containers.length + report.networks.length + report.volumes.length;
  if (total === 0) io.stdout('Nothing to clean: no Firedrill containers, networks or volumes.');
  else {
    io.stdout(`Removed ${report.containers.length} container(s), ${report.networks.length} network(s), ${report.volumes.length} volume(s).`);
    for (const name of [...report.containers, ...report.networks, ...report.volumes]) io.stdout(`  ${name}`);
  }
  return 0;
}
