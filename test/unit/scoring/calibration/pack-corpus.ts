/**
 * A pack's calibration corpus as its own corpus test reads it: the write-ups and their categories from
 * bands.json (the bands themselves are held by calibration.test.ts), graded with the pack's rubric and a
 * session log of that pack. Write-ups for a variant live in `variants/<name>/` beside bands.json, with a
 * bands.json of their own, so calibration.test.ts (base rubric only) never reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../../../main/engine/events/types.js';
import type { PostmortemRubric, InvestigationSignal } from '../../../../main/engine/scenario/schema.js';
import { gradePostmortem } from '../../../../main/scoring/postmortem/index.js';
import type { GradeCriterion, GradeReport } from '../../../../main/scoring/types.js';

const CORPORA = fileURLToPath(new URL('../../../fixtures/postmortems/', import.meta.url));

export interface CorpusFiles {
  files: Record<string, { category: string; session?: string }>;
}

export interface PackCorpus {
  dir: string;
  /** File names by category, in bands.json order. */
  category(name: string): string[];
  categoryOf(file: string): string;
  text(file: string): string;
  grade(file: string, options?: { events?: RunEvent[] | null; resolutionId?: string; text?: string }): GradeReport;
}

export function packCorpus(
  folder: string,
  rubric: PostmortemRubric,
  signals: readonly InvestigationSignal[],
  defaults: { events: () => RunEvent[]; resolutionId: string },
): PackCorpus {
  const dir = join(CORPORA, folder);
  const bands = JSON.parse(readFileSync(join(dir, 'bands.json'), 'utf8')) as CorpusFiles;
  const text = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    category: (name) => Object.entries(bands.files).filter(([, b]) => b.category === name).map(([f]) => f),
    categoryOf: (file) => bands.files[file]!.category,
    text,
    grade: (file, options = {}) => {
      const events = options.events === null ? undefined : (options.events ?? defaults.events());
      return gradePostmortem(options.text ?? text(file), rubric, {
        events,
        resolutionId: options.resolutionId ?? defaults.resolutionId,
        signals,
        timeZone: 'UTC',
      });
    },
  };
}

export const criterion = (report: GradeReport, id: string): GradeCriterion | undefined => report.criteria.find((c) => c.id === id);

/** Share of the root-cause criterion a report earned. */
export function rootCauseShare(report: GradeReport): number {
  const rc = criterion(report, 'root-cause')!;
  return rc.points / rc.max;
}
