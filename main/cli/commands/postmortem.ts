/**
 * `firedrill postmortem draft <session-dir> [--out <file>]`: writes a postmortem template whose timeline is
 * filled in from the session's events. Exit codes: 0 written, 1 unreadable session, 2 usage error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { draftPostmortem } from '../../scoring/postmortem/draft.js';
import { loadSession } from '../../scoring/troubleshooting/index.js';
import { loadPackScenario, type ScoringCliIO } from './score.js';

const USAGE = 'usage: firedrill postmortem draft <session-dir> [--out <file>]';

export async function runPostmortem(args: string[], io: ScoringCliIO): Promise<number> {
  let values: { out?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { out: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr(`firedrill postmortem: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals[0] !== 'draft' || positionals.length !== 2) {
    io.stderr(
      `firedrill postmortem: ${positionals[0] === 'draft' ? 'name one session directory' : 'the only subcommand is "draft"'}\n${USAGE}`,
    );
    return 2;
  }
  try {
    const { events, scenario } = await loadSession(positionals[1]!, io.loadScenario);
    const markdown = draftPostmortem(events, scenario);
    if (values.out) {
      writeFileSync(values.out, markdown, { flag: 'wx' });
      io.stderr(`wrote ${values.out}`);
    } else io.stdout(markdown);
    return 0;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    io.stderr(
      `firedrill postmortem: ${e.code === 'EEXIST' ? `${values.out} already exists; not overwriting a postmortem` : e.message}`,
    );
    return 1;
  }
}

export async function runPostmortemCommand(
  args: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
): Promise<number> {
  return runPostmortem(args, { ...io, loadScenario: loadPackScenario });
}
