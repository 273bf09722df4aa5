import { parseArgs } from 'node:util';
import { createAppContext } from '../../app/context.js';
import { readGameDeadlines } from '../../game/deadline-file.js';
import type { CliIO } from '../io.js';

/** Removes every labelled object of every runtime, including what a crashed run left behind. */
export async function runClean(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, orphans: { type: 'boolean', default: false }, expired: { type: 'boolean', default: false }, run: { type: 'string' } },
    strict: true,
  });
  const { runtimes, home } = createAppContext();
  const report = await runtimes.cleanup({
    onlyOrphans: values.orphans,
    expired: values.expired,
    // A game whose clock was paused or extended has its deadline in its folder, not only on its labels.
    deadlines: readGameDeadlines(home),
    ...(values.run ? { runId: values.run } : {}),
  });
  if (values.json) {
    io.stdout(JSON.stringify(report, null, 2));
    return 0;
  }
  if (report.removed.length === 0) {
    io.stdout('Nothing to clean: no Firedrill objects left.');
    return 0;
  }
  const counts = new Map<string, number>();
  for (const { kind } of report.removed) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  io.stdout(`Removed ${[...counts].map(([kind, n]) => `${n} ${kind}(s)`).join(', ')}.`);
  for (const { kind, name } of report.removed) io.stdout(`  ${kind} ${name}`);
  return 0;
}
