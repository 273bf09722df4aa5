/**
 * Postmortem calibration: every write-up of every corpus under test/fixtures/postmortems/<scenario>/ lands in
 * the band its bands.json gives it, graded against the pack's own rubric (scenarios/<scenario>/scenario.yaml)
 * with a session log like the one the author had. Test names say whether a file is in the held-out third
 * ([held-out]) or was tuned on ([train]); `npx vitest run -t '\[train\]'` runs only the tuning set.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { investigationSignalSchema, postmortemRubricSchema } from '../../../main/engine/scenario/schema.js';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import type { GradeReport } from '../../../main/scoring/types.js';
import { pickHeldOut } from './calibration/held-out.js';
import { fastLearner, rollbackLearner } from './session.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORPORA = join(ROOT, 'test/fixtures/postmortems');

interface FileBand {
  category: string;
  session: 'fixed' | 'rolled-back';
  fresh?: boolean;
  min?: number;
  max?: number;
  rootCause?: { min?: number; max?: number };
  twin?: string;
  below?: string;
}
interface Bands {
  scenario: string;
  heldOut: { seed: number; files: string[] };
  files: Record<string, FileBand>;
}

/** Category rules from the issue; a file's own min/max/rootCause add to them. */
const CATEGORY: Record<string, { min?: number; max?: number; rootCause?: { min?: number; max?: number } }> = {
  correct: { min: 75, rootCause: { min: 0.6 } },
  wrong: { max: 40, rootCause: { max: 0.2 } },
  denies: { max: 40, rootCause: { max: 0.2 } },
};

const SESSIONS: Record<FileBand['session'], () => RunEvent[]> = { fixed: fastLearner, 'rolled-back': rollbackLearner };

const corpora = readdirSync(CORPORA).filter((name) => existsSync(join(CORPORA, name, 'bands.json')));

for (const name of corpora) {
  const dir = join(CORPORA, name);
  const bands = JSON.parse(readFileSync(join(dir, 'bands.json'), 'utf8')) as Bands;
  const pack = parse(readFileSync(join(ROOT, 'scenarios', bands.scenario, 'scenario.yaml'), 'utf8')) as { postmortem: unknown; investigation: unknown[] };
  const rubric = postmortemRubricSchema.parse(pack.postmortem);
  const signals = pack.investigation.map((s) => investigationSignalSchema.parse(s));
  const reports = new Map<string, GradeReport>();
  const grade = (file: string): GradeReport => {
    const cached = reports.get(file);
    if (cached) return cached;
    const band = bands.files[file]!;
    const report = gradePostmortem(readFileSync(join(dir, file), 'utf8'), rubric, {
      events: SESSIONS[band.session](),
      resolutionId: band.session,
      signals,
      timeZone: 'UTC',
    });
    reports.set(file, report);
    return report;
  };
  const heldOut = new Set(bands.heldOut.files);

  describe(`calibration corpus ${name}`, () => {
    it('records the held-out third its seed picks (nobody re-picked it after looking)', () => {
      const fresh = Object.entries(bands.files)
        .filter(([, b]) => b.fresh)
        .map(([file, b]) => ({ name: file, category: b.category }));
      expect(bands.heldOut.files).toEqual(pickHeldOut(fresh, bands.heldOut.seed));
      expect(bands.heldOut.files.length * 3).toBeGreaterThanOrEqual(fresh.length);
    });

    it('lists every write-up of the folder, and nothing else', () => {
      const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
      expect(Object.keys(bands.files).sort()).toEqual(files.sort());
    });

    for (const [file, band] of Object.entries(bands.files)) {
      const rule = { ...CATEGORY[band.category], ...band, rootCause: { ...CATEGORY[band.category]?.rootCause, ...band.rootCause } };
      it(`[${heldOut.has(file) ? 'held-out' : 'train'}] ${file} (${band.category}) holds its band`, () => {
        const report = grade(file);
        const rc = report.criteria.find((c) => c.id === 'root-cause')!;
        const summary = `${file}: ${report.score} (${report.band}); root cause ${rc.points}/${rc.max}\n${report.criteria.map((c) => `  ${c.id} ${c.points}/${c.max}: ${c.feedback}`).join('\n')}`;
        if (process.env.FIREDRILL_CALIBRATION_REPORT) console.log(`CALIBRATION ${heldOut.has(file) ? 'held-out' : 'train'} ${band.category} ${file} ${report.score} ${report.band} rc=${Math.round((rc.points / rc.max) * 100)}%`);
        if (rule.min !== undefined) expect(report.score, summary).toBeGreaterThanOrEqual(rule.min);
        if (rule.max !== undefined) expect(report.score, summary).toBeLessThanOrEqual(rule.max);
        if (rule.rootCause.min !== undefined) expect(rc.points / rc.max, summary).toBeGreaterThanOrEqual(rule.rootCause.min);
        if (rule.rootCause.max !== undefined) expect(rc.points / rc.max, summary).toBeLessThanOrEqual(rule.rootCause.max);
        if (band.twin) expect(report.score, `${summary}\ntwin ${band.twin}: ${grade(band.twin).score}`).toBeLessThanOrEqual(grade(band.twin).score - 10);
        if (band.below) expect(report.score, summary).toBeLessThan(grade(band.below).score);
        // Every point is explained: the total is the sum of the criteria.
        expect(report.score).toBeCloseTo(report.criteria.reduce((a, c) => a + c.points, 0), 5);
      });
    }
  });
}
