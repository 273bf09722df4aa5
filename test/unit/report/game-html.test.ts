/**
 * A game's export as one HTML file (main/report/game-html.ts): a cover with the debrief, then every team's report
 * as the single report export renders it. What teams typed (commands, status updates, postmortems, names) is
 * untrusted: none of it may become markup.
 */
import { describe, expect, it } from 'vitest';
import { timelineFromEvents } from '../../../main/api/views/timeline.js';
import { debriefMeasures } from '../../../main/api/game-handlers.js';
import { debriefGame } from '../../../main/game/debrief.js';
import { renderGameHtml } from '../../../main/report/game-html.js';
import { renderReportArticle } from '../../../main/report/html.js';
import { scoreSession } from '../../../main/scoring/troubleshooting/index.js';
import { applyReviews } from '../../../main/sessions/reviews.js';
import type { Report } from '../../../shared/api/contract.js';
import { SessionBuilder, slowQueryScenario } from '../scoring/session.js';

const scenario = slowQueryScenario();
const EVIL_COMMAND = `psql -c "SELECT * FROM pg_stat_statements" # <img src=x onerror=alert(1)>`;
const EVIL_STATUS = '<script>alert("pwned")</script> DB is back';
const EVIL_POSTMORTEM = '# Postmortem\n\n<iframe src="https://evil.example"></iframe>\n\nThe index was missing.';

function played() {
  return new SessionBuilder()
    .start()
    .cmd('14:04:00', EVIL_COMMAND)
    .at('14:05:00', { type: 'status.update', author: '<b>bo</b>', message: EVIL_STATUS })
    .fixedBy('14:11:00', '14:11:10')
    .at('14:12:00', { type: 'run.ended', outcome: 'resolved' }).events;
}

function reportOf(runId: string, events: ReturnType<typeof played>, reviewed: boolean): Report {
  const automatic = scoreSession(events, scenario);
  const time = automatic.criteria.find((c) => c.id === 'time')!;
  const troubleshooting = reviewed
    ? applyReviews(automatic, [{ seq: 1, id: 'e1', time: '2025-03-14T15:00:00.000Z', mono: 0, type: 'review.override', part: 'troubleshooting', criterionId: 'time', points: time.max, note: '<i>fair</i>', reviewer: 'rita' }], 'troubleshooting')
    : automatic;
  return {
    runId,
    scenario: 'slow-query',
    title: 'Checkout is slow',
    outcome: 'resolved',
    startedAt: '2025-03-14T14:00:00.000Z',
    parMinutes: 15,
    troubleshooting,
    postmortem: null,
    postmortemMarkdown: EVIL_POSTMORTEM,
    timeline: timelineFromEvents(events, { reveal: true }),
    recordings: [],
  };
}

function render() {
  const red = played();
  const idle = new SessionBuilder().start().events;
  const reports = [reportOf('game-red', red, true), reportOf('game-blue', idle, false)];
  const debrief = debriefGame(
    { id: 'drill-1', title: 'Drill <night>', state: 'ended' },
    [
      { team: { id: 'red', name: 'Red <team>', members: ['ana'] }, runId: 'game-red', events: red, scenario, report: reports[0]! },
      { team: { id: 'blue', name: 'Blue', members: ['bob'] }, runId: 'game-blue', events: idle, scenario, report: reports[1]! },
    ],
    debriefMeasures,
  );
  const html = renderGameHtml(
    debrief,
    reports.map((report) => ({ runId: report.runId, report, casts: {} })),
    { generatedAt: new Date('2025-03-14T16:00:00Z') },
  );
  return { html, reports, debrief };
}

describe('the game export', () => {
  it('holds a cover with every team against par and each team\'s full report', () => {
    const { html, reports } = render();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('GAME DAY DEBRIEF');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="fd-debrief"');
    for (const runId of ['game-red', 'game-blue']) {
      expect(html).toContain(`id="report-${runId}"`);
      expect(html).toContain(`href="#report-${runId}"`);
      // Each report as html.ts renders it alone (ids prefixed so two reports share a page).
      expect(html).toContain(renderReportArticle(reports.find((r) => r.runId === runId)!, { casts: {}, idPrefix: `${runId}-` }));
      expect(html).toContain(`id="${runId}-troubleshooting"`);
    }
    expect(html.match(/SCORE REPORT/g)).toHaveLength(2);
    expect(html).toContain('Red &lt;team&gt;');
    expect(html).toContain('resolved at 8m, par 15m: 7m under');
    // Blue never did anything: not started, not the score of doing nothing.
    expect(html).toMatch(/<td><b>Blue<\/b><div class="muted">bob<\/div><\/td><td>not started<\/td><td class="muted">not started<\/td>/);
    // Red's reviewed score and who overrode what.
    expect(html).toMatch(/reviewed \(automatic [\d.]+\)/);
    expect(html).toContain('by rita: &lt;i&gt;fair&lt;/i&gt;');
    // Ids are unique: the reports do not collide.
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('escapes what teams typed: commands, status updates, authors, postmortems', () => {
    const { html } = render();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toContain('<b>bo</b>');
    expect(html).not.toContain('<i>fair</i>');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; DB is back');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('status update (&lt;b&gt;bo&lt;/b&gt;)');
    // Self-contained: a CSP that loads nothing, no script, no external URL but the escaped text.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/src="http/);
  });
});
