import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../main/report/html';
import { report } from '../renderer/fixtures';

const comms = {
  requirement: { firstWithinMs: 600_000, everyMs: 900_000 },
  updates: [
    { id: 'e7', time: '2026-01-01T10:03:00.000Z', sincePageMs: 120_000, author: 'alice', message: 'DB down <script>alert(1)</script>, failing over', counted: true },
    { id: 'e9', time: '2026-01-01T10:25:00.000Z', sincePageMs: 1_440_000, author: null, message: 'investigating', counted: false, why: 'too short' },
  ],
  counted: 1,
  firstAfterMs: 120_000,
  longestGapMs: 1_080_000,
  closedAtMs: 1_200_000,
  rules: [
    { id: 'firstWithin' as const, title: 'First update within 10:00 of the page', state: 'met' as const, detail: 'first update 02:00 after the page' },
    { id: 'every' as const, title: 'An update at least every 15:00 until the end', state: 'failed' as const, detail: '18:00 without an update (02:00 to 20:00)' },
  ],
  met: false,
  nextDueInMs: null,
};

describe('the Comms line in the exported report', () => {
  it('says met or not, each rule with its times, and every update (escaped), outside the scores', () => {
    const html = renderReportHtml(report({ comms }));
    const section = html.slice(html.indexOf('<section class="card" id="comms">'), html.indexOf('<section class="card chart"'));
    expect(section).toContain('<span class="big verdict-bad">Not met</span>');
    expect(section).toContain('✓ First update within 10:00 of the page: first update 02:00 after the page');
    expect(section).toContain('✗ An update at least every 15:00 until the end: 18:00 without an update (02:00 to 20:00)');
    expect(section).toContain('DB down &lt;script&gt;alert(1)&lt;/script&gt;, failing over');
    expect(section).toContain('+2:00');
    expect(section).toContain('not counted: too short');
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  it('has no Comms card when the report has no comms result (older reports, nothing required or posted)', () => {
    expect(renderReportHtml(report())).not.toContain('id="comms"');
    expect(renderReportHtml(report({ comms: null }))).not.toContain('id="comms"');
  });
});
