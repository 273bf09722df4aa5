/**
 * `firedrill grade --scenario <dir> --postmortem <file.md> [--session <dir>] [--variant <name>] [--resolution <id>]
 * [--json] [--explain] [--time-zone <IANA>]`: grades a postmortem against the scenario's rubric and prints the band the
 * score is in; with a session, its timeline is checked against the event log. `--explain` prints, per
 * criterion, the clauses read, which concept matched where, what was negated or dismissed and why, and why a cap
 * applied: what a trainer needs to test a rubric. Beside a calibration corpus (a bands.json in the same folder),
 * it also says which band the corpus expects for the file. `--variant` grades against that variant's rubric (a
 * variant's corpus lives in `test/fixtures/postmortems/<pack>/variants/<name>/`); a session already names its own.
 * Exit codes: 0 graded, 1 a file could not be read, 2 usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readEvents } from '../../engine/events/event-log.js';
import type { RunEvent } from '../../engine/events/types.js';
import { applyVariant, playedScenario } from '../../engine/run/variants.js';
import { bandOf, GRADE_BANDS, gradePostmortem } from '../../scoring/postmortem/index.js';
import { reachedResolution } from '../../scoring/resolution.js';
import type { GradeReport } from '../../scoring/types.js';
import { loadPackScenario, type ScoringCliIO } from './score.js';

const USAGE =
  'usage: firedrill grade --scenario <dir> --postmortem <file.md> [--session <dir>] [--variant <name>] [--resolution <id>] [--json] [--explain] [--time-zone <zone>]';

function bandLine(score: number): string {
  const band = bandOf(score);
  return `Band: ${band.id} (${band.min}–${band.max}: ${band.meaning})`;
}

/** What a corpus's bands.json says about this file, when it sits in one. */
function expectedBand(file: string): string | null {
  const bandsFile = join(dirname(file), 'bands.json');
  if (!existsSync(bandsFile)) return null;
  try {
    const bands = JSON.parse(readFileSync(bandsFile, 'utf8')) as {
      files?: Record<string, { category: string; min?: number; max?: number; twin?: string }>;
      heldOut?: { files?: string[] };
    };
    const entry = bands.files?.[basename(file)];
    if (!entry) return null;
    const range = [entry.min !== undefined ? `≥ ${entry.min}` : '', entry.max !== undefined ? `≤ ${entry.max}` : '', entry.twin ? `≤ ${entry.twin} − 10` : '']
      .filter(Boolean)
      .join(', ');
    const held = bands.heldOut?.files?.includes(basename(file)) ? ', held out' : '';
    return `Corpus: ${entry.category}${range ? ` (${range})` : ''}${held} — see bands.json`;
  } catch {
    return null;
  }
}

export function formatGradeReport(report: GradeReport, options: { explain?: boolean; file?: string } = {}): string {
  const lines = [`Postmortem grade: ${report.score} / ${report.max}`, bandLine(report.score)];
  const expected = options.file ? expectedBand(options.file) : null;
  if (expected) lines.push(expected);
  lines.push('');
  const width = Math.max(...report.criteria.map((c) => c.title.length));
  lines.push(`  ${'Criterion'.padEnd(width)}  ${'Points'.padStart(11)}  Feedback`);
  lines.push(`  ${'-'.repeat(width)}  ${'-'.repeat(11)}  ${'-'.repeat(8)}`);
  for (const c of report.criteria) {
    lines.push(`  ${c.title.padEnd(width)}  ${`${c.points} / ${c.max}`.padStart(11)}  ${c.feedback}`);
    for (const e of c.evidence) lines.push(`  ${' '.repeat(width)}  ${' '.repeat(11)}    - ${e}`);
  }
  if (options.explain) {
    lines.push('', 'Explanation (for trainers: it names the rubric’s concepts)');
    for (const c of report.criteria) {
      if (!c.explain || c.explain.length === 0) continue;
      lines.push('', `${c.title}:`);
      for (const e of c.explain) lines.push(`  ${e}`);
    }
    lines.push('', `Bands: ${GRADE_BANDS.map((b) => `${b.id} ${b.min}–${b.max}`).join(', ')}`);
  }
  return lines.join('\n');
}

export async function runGrade(args: string[], io: ScoringCliIO): Promise<number> {
  let values: {
    scenario?: string;
    postmortem?: string;
    session?: string;
    variant?: string;
    resolution?: string;
    json?: boolean;
    explain?: boolean;
    'time-zone'?: string;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        postmortem: { type: 'string' },
        session: { type: 'string' },
        variant: { type: 'string' },
        resolution: { type: 'string' },
        json: { type: 'boolean', default: false },
        explain: { type: 'boolean', default: false },
        'time-zone': { type: 'string' },
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
    // With a session, the rubric of the variant it played; with --variant, that variant's; else the base scenario's.
    const played = created?.type === 'run.created' ? (created.variant ?? 'default') : undefined;
    const wanted = values.variant;
    if (wanted !== undefined && played !== undefined && wanted !== played) {
      io.stderr(`firedrill grade: --variant ${wanted}, but the session played ${played === 'default' ? 'the base scenario' : `variant ${played}`}\n${USAGE}`);
      return 2;
    }
    const scenario =
      wanted !== undefined
        ? applyVariant(pack, { variant: wanted, seed: 0 }).scenario
        : created?.type === 'run.created'
          ? playedScenario(pack, created)
          : pack;
    const resolution = values.resolution ?? (events ? reachedResolution(events)?.id : undefined);
    const report = gradePostmortem(markdown, scenario.postmortem, {
      events,
      signals: scenario.investigation,
      explain: values.explain === true,
      ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}),
      ...(resolution ? { resolutionId: resolution } : {}),
    });
    if (values.json) {
      io.stdout(
        JSON.stringify(
          {
            score: report.score,
            max: report.max,
            band: report.band,
            criteria: report.criteria.map((c) => ({
              id: c.id,
              title: c.title,
              points: c.points,
              max: c.max,
              evidence: c.evidence,
              feedback: c.feedback,
              ...(c.explain ? { explain: c.explain } : {}),
            })),
          },
          null,
          2,
        ),
      );
    } else io.stdout(formatGradeReport(report, { explain: values.explain === true, file: values.postmortem }));
    return 0;
  } catch (error) {
    io.stderr(`firedrill grade: ${(error as Error).message}`);
    return 1;
  }
}

export async function runGradeCommand(args: string[], io: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<number> {
  return runGrade(args, { ...io, loadScenario: loadPackScenario });
}
