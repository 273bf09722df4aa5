/**
 * `firedrill grade --scenario <dir> --postmortem <file.md> [--session <dir>] [--json]`: grades a postmortem
 * against the scenario's rubric; with a session, its timeline is checked against the event log.
 * Exit codes: 0 graded, 1 a file could not be read, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readEvents } from '../../engine/events/event-log.js';
import type { RunEvent } from '../../engine/events/types.js';
import { playedScenario } from '../../engine/run/variants.js';
import { gradePostmortem } from '../../scoring/postmortem/index.js';
import { reachedResolution } from '../../scoring/resolution.js';
import type { GradeReport } from '../../scoring/types.js';
import { loadPackScenario, type ScoringCliIO } from './score.js';

const USAGE = 'usage: firedrill grade --scenario <dir> --postmortem <file.md> [--session <dir>] [--json]';

export function formatGradeReport(report: GradeReport): string {
  const lines = [`Postmortem grade: ${report.score} / ${report.max}`, ''];
  const width = Math.max(...report.criteria.map((c) => c.title.length));
  lines.push(`  ${'Criterion'.padEnd(width)}  ${'Points'.padStart(11)}  Feedback`);
  lines.push(`  ${'-'.repeat(width)}  ${'-'.repeat(11)}  ${'-'.repeat(8)}`);
  for (const c of report.criteria) {
    lines.push(`  ${c.title.padEnd(width)}  ${`${c.points} / ${c.max}`.padStart(11)}  ${c.feedback}`);
    for (const e of c.evidence) lines.push(`  ${' '.repeat(width)}  ${' '.repeat(11)}    - ${e}`);
  }
  return lines.join('\n');
}

export async function runGrade(args: string[], io: ScoringCliIO): Promise<number> {
  let values: { scenario?: string; postmortem?: string; session?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        postmortem: { type: 'string' },
        session: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    io.stderr(`firedrill grade: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.scenario || !values.postmortem) {
    io.stderr(`firedrill grade: --scenario and --postmortem are required\n${USAGE}`);
    return 2;
  }
  try {
    const markdown = readFileSync(values.postmortem, 'utf8');
    let events: RunEvent[] | undefined;
    if (values.session) events = readEvents(join(values.session, 'events.jsonl')).events;
    const created = events?.find((e) => e.type === 'run.created');
    const pack = await io.loadScenario(values.scenario);
    // With a session, the rubric of the variant it played; without, the base scenario's.
    const scenario = created?.type === 'run.created' ? playedScenario(pack, created) : pack;
    const resolution = events ? reachedResolution(events) : null;
    const report = gradePostmortem(markdown, scenario.postmortem, {
      events,
      ...(resolution ? { resolutionId: resolution.id } : {}),
    });
    if (values.json) {
      io.stdout(
        JSON.stringify(
          {
            score: report.score,
            max: report.max,
            criteria: report.criteria.map((c) => ({
              id: c.id,
              title: c.title,
              points: c.points,
              max: c.max,
              evidence: c.evidence,
              feedback: c.feedback,
            })),
          },
          null,
          2,
        ),
      );
    } else io.stdout(formatGradeReport(report));
    return 0;
  } catch (error) {
    io.stderr(`firedrill grade: ${(error as Error).message}`);
    return 1;
  }
}

export async function runGradeCommand(
  args: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
): Promise<number> {
  return runGrade(args, { ...io, loadScenario: loadPackScenario });
}
