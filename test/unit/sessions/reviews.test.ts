/**
 * A reviewer's word is final: overrides are events in the session's own reviews.jsonl (the learner's
 * events.jsonl and saved report stay byte for byte as they were), the report, the HTML export and history show
 * the automatic and the reviewed score side by side, and the bundle carries the reviews to another machine.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../main/api/views/report.js';
import { EventLog } from '../../../main/engine/events/event-log.js';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { renderReportHtml } from '../../../main/report/html.js';
import { REVIEWS_FILE, readReviews } from '../../../main/sessions/reviews.js';
import { bundleStream, listHistory, saveReport, sessionEvents, sessionPath } from '../../../main/sessions/store.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { ApiError, type ApiHandlers } from '../../../shared/api/contract.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';
import { engineHandlers } from '../../helpers/handlers.js';

const RUN = 'slow-query-20260301-100000-abcd';
const SCENARIOS = new URL('../../../scenarios/', import.meta.url).pathname;

function handlersFor(home: string, scenariosDirs: string[] = []): ApiHandlers {
  const runtimes = new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => new FakeRuntime() }]);
  const manager = new RunManager({ runtimes, home, scenariosDirs });
  return engineHandlers(manager, home, {
    renderReportHtml: (report) => renderReportHtml(report, { generatedAt: new Date(0) }),
  });
}

/** A finished session whose postmortem the grader capped at 40 (what a facilitator might disagree with). */
function finishedSession(home: string): string {
  const dir = sessionPath(home, RUN);
  const log = new EventLog(join(dir, 'events.jsonl'));
  log.append({
    type: 'run.created',
    runId: RUN,
    scenario: 'slow-query',
    scenarioDir: '/nowhere',
    scenarioTitle: 'Checkout slows to a crawl',
    variant: null,
    seed: 1,
    runtime: 'docker',
    parMinutes: 15,
  });
  log.append({ type: 'run.ended', outcome: 'resolved' });
  log.close();
  const report = buildReport(dir, sessionEvents(dir), {
    troubleshooting: { score: 80, max: 100, criteria: [{ id: 'outcome', title: 'Outcome', points: 40, max: 40, evidence: [], feedback: 'Fixed.' }] },
    postmortem: {
      score: 40,
      max: 100,
      criteria: [
        { id: 'root-cause', title: 'Root cause', points: 5.3, max: 35, evidence: [], feedback: 'Not established.' },
        { id: 'blameless', title: 'Blameless', points: 15, max: 15, evidence: [], feedback: 'Blameless.' },
        { id: 'root-cause-cap', title: 'Capped', points: -12.3, max: 0, evidence: [], feedback: 'Capped at 40.' },
      ],
    },
  });
  saveReport(dir, report);
  return dir;
}

const override = { runId: RUN, part: 'postmortem' as const, criterionId: 'root-cause', points: 30, note: 'States the cause in its own words: the lookup structure never shipped.', reviewer: 'Ana (facilitator)' };

describe('reviewer overrides', () => {
  it('are appended to reviews.jsonl; the learner’s log and saved report are untouched', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-review-'));
    const dir = finishedSession(home);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    const saved = readFileSync(join(dir, 'report.json'), 'utf8');
    const handlers = handlersFor(home);

    const report = await handlers['reviews.override'](override);
    const rc = report.postmortem!.criteria.find((c) => c.id === 'root-cause')!;
    expect(rc.points).toBe(5.3);
    expect(rc.review).toMatchObject({ points: 30, reviewer: 'Ana (facilitator)', note: override.note });
    expect(report.postmortem!.score).toBe(40);
    expect(report.postmortem!.reviewedScore).toBe(64.7);

    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe(events);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(saved);
    const lines = readFileSync(join(dir, REVIEWS_FILE), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, type: 'review.override', part: 'postmortem', criterionId: 'root-cause', points: 30 });

    // The cap is a criterion too: the reviewer lifts it by setting it to 0.
    const lifted = await handlers['reviews.override']({ ...override, criterionId: 'root-cause-cap', points: 0, note: 'The cap does not apply.' });
    expect(lifted.postmortem!.reviewedScore).toBe(77);
    // reports.get shows the same; the last word per criterion wins, null returns it to automatic.
    expect((await handlers['reports.get']({ runId: RUN })).postmortem!.reviewedScore).toBe(77);
    const back = await handlers['reviews.override']({ ...override, criterionId: 'root-cause-cap', points: null, note: 'Reverting: keep the cap.' });
    expect(back.postmortem!.reviewedScore).toBe(64.7);
    expect(readReviews(dir)).toHaveLength(3);
  });

  it('refuses an unknown criterion, points out of range and an empty note', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-review-'));
    finishedSession(home);
    const handlers = handlersFor(home);
    await expect(handlers['reviews.override']({ ...override, criterionId: 'nope' })).rejects.toThrow(/no postmortem criterion "nope" \(criteria: root-cause, blameless, root-cause-cap\)/);
    await expect(handlers['reviews.override']({ ...override, points: 36 })).rejects.toThrow(/between 0 and 35/);
    await expect(handlers['reviews.override']({ ...override, criterionId: 'root-cause-cap', points: 5 })).rejects.toThrow(/between -12.3 and 0/);
    await expect(handlers['reviews.override']({ ...override, runId: 'slow-query-nope' })).rejects.toBeInstanceOf(ApiError);
  });

  it('show in history and in the HTML export beside the automatic score', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-review-'));
    finishedSession(home);
    const handlers = handlersFor(home);
    await handlers['reviews.override'](override);
    expect(listHistory(home)[0]).toMatchObject({ postmortemScore: 64.7, troubleshootingScore: 80, reviewed: true });
    const { html } = await handlers['reports.exportHtml']({ runId: RUN });
    expect(html).toContain('<th>Automatic</th><th>Reviewed</th>');
    expect(html).toContain('reviewed · automatic 40');
    expect(html).toContain('Reviewed by Ana (facilitator)');
    expect(html).toContain('the lookup structure never shipped');
  });

  it('round-trip through the session bundle', { timeout: 60_000 }, async () => {
    const from = mkdtempSync(join(tmpdir(), 'fd-review-from-'));
    const dir = finishedSession(from);
    await handlersFor(from)['reviews.override'](override);
    writeFileSync(join(dir, 'postmortem.md'), '# Checkout slowed\n\n## Root cause\n\nThe query scanned the whole orders table.\n');
    const archive = await buffer(bundleStream(dir));
    const to = mkdtempSync(join(tmpdir(), 'fd-review-to-'));
    const importer = handlersFor(to, [SCENARIOS]);
    expect((await importer['history.import']({ filename: 'b.tar.gz', base64: archive.toString('base64') })).runId).toBe(RUN);
    expect(readFileSync(join(sessionPath(to, RUN), REVIEWS_FILE), 'utf8')).toBe(readFileSync(join(dir, REVIEWS_FILE), 'utf8'));
    // The scores are recomputed from the learner's log and write-up with the local pack (an import is evidence,
    // not truth); the reviewer's override travels and applies to the recomputed criterion.
    const imported = await importer['reports.get']({ runId: RUN });
    const rootCause = imported.postmortem!.criteria.find((c) => c.id === 'root-cause')!;
    expect(rootCause.review!.note).toBe(override.note);
    expect(rootCause.review!.points).toBe(30);
    expect(imported.postmortem!.reviewedScore).toBeDefined();
    // The importer can review further: its log continues the numbering.
    await importer['reviews.override']({ ...override, points: 33, reviewer: 'Ben (trainer)' });
    expect(readReviews(sessionPath(to, RUN)).map((r) => r.seq)).toEqual([1, 2]);
  });
});
