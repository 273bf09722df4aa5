/**
 * `firedrill score <session-dir> [--json]`: scores how a session was troubleshot, from its events.jsonl.
 * Exit codes: 0 scored, 1 the session or scenario could not be read, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { loadScenario } from '../../engine/scenario/load.js';
import type { Scenario } from '../../engine/scenario/schema.js';
import { loadSession, scoreSession } from '../../scoring/troubleshooting/index.js';
import type { TroubleshootingReport } from '../../scoring/types.js';

export interface ScoringCliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** A pack's scenario (validated); tests pass their own. */
  loadScenario: (dir: string) => Promise<Scenario>;
}

/** The scoring commands' default loader: the engine's, validated pack. */
export async function loadPackScenario(dir: string): Promise<Scenario> {
  return (await loadScenario(dir)).scenario;
}

const USAGE = 'usage: firedrill score <session-dir> [--json]';

export function formatScoreReport(report: TroubleshootingReport): string {
  const lines = [
    `Troubleshooting score: ${report.score} / ${report.max}${report.resolutionId ? ` (resolution: ${report.resolutionId})` : ''}`,
    '',
  ];
  const width = Math.max(...report.criteria.map((c) => c.title.length));
  for (const c of report.criteria) {
    lines.push(
      `  ${c.title.padEnd(width)}  ${String(c.points).padStart(5)} / ${String(c.max).padEnd(4)} ${c.feedback}`,
    );
    for (const e of c.evidence) {
      const parts = [
        e.eventId,
        e.command ? `\`${e.command.length > 80 ? `${e.command.slice(0, 79)}…` : e.command}\`` : undefined,
        e.note,
      ].filter(Boolean);
      lines.push(`      - ${parts.join('  ')}`);
    }
  }
  return lines.join('\n');
}

export async function runScore(args: string[], io: ScoringCliIO): Promise<number> {
  let values: { json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr(`firedrill score: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length !== 1) {
    io.stderr(`firedrill score: name one session directory\n${USAGE}`);
    return 2;
  }
  try {
    const { events, scenario, damaged } = await loadSession(positionals[0]!, io.loadScenario);
    if (damaged > 0) io.stderr(`firedrill score: ignored ${damaged} damaged line(s) of events.jsonl`);
    const report = scoreSession(events, scenario);
    io.stdout(values.json ? JSON.stringify(report, null, 2) : formatScoreReport(report));
    return 0;
  } catch (error) {
    io.stderr(`firedrill score: ${(error as Error).message}`);
    return 1;
  }
}

/** For the CLI's command table: the engine's scenario loader. */
export async function runScoreCommand(
  args: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
): Promise<number> {
  return runScore(args, { ...io, loadScenario: loadPackScenario });
}
