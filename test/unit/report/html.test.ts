import { describe, expect, it } from 'vitest';
import type { Report } from '../../../shared/api/contract';
import { renderMarkdownSafe, renderReportHtml } from '../../../main/report/html';

const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';

function report(patch: Partial<Report> = {}): Report {
  return {
    runId: 'run-42',
    scenario: 'slow-query',
    title: 'The slow query',
    outcome: 'resolved',
    startedAt: '2026-01-01T10:00:00.000Z',
    parMinutes: 20,
    troubleshooting: {
      score: 42,
      max: 50,
      criteria: [
        {
          id: 'time-to-mitigate',
          title: 'Time to mitigate',
          points: 18,
          max: 20,
          evidence: ['mitigated at 14:10', { command: 'CREATE INDEX CONCURRENTLY ...', time: '10:15:10' }],
          feedback: 'Under par.',
        },
      ],
    },
    postmortem: {
      score: 30,
      max: 40,
      criteria: [{ id: 'actions', title: 'Action items', points: 5, max: 10, evidence: [], feedback: 'Give each action an owner.' }],
    },
    postmortemMarkdown: '# Summary\n\nCheckout was slow.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    timeline: [
      { id: 'e1', time: '2026-01-01T10:00:30.000Z', sincePageMs: -30_000, kind: 'fault', text: 'Index dropped' },
      { id: 'e2', time: '2026-01-01T10:01:00.000Z', sincePageMs: 0, kind: 'alert', text: 'CheckoutLatencyHigh firing' },
      { id: 'e3', time: '2026-01-01T10:05:00.000Z', sincePageMs: 240_000, kind: 'command', text: 'psql -c "EXPLAIN ..."' },
      { id: 'e4', time: '2026-01-01T10:15:00.000Z', sincePageMs: 840_000, kind: 'resolution', text: 'Index recreated' },
    ],
    recordings: [1],
    ...patch,
  };
}

const cast =
  '{"version":2,"width":80,"height":24,"timestamp":1767261600}\n' +
  '[0.1,"o","\\u001b[32muser@bastion\\u001b[0m:~$ "]\n' +
  '[1.5,"o","psql -c \\"select 1\\"\\r\\n"]\n' +
  '[2.0,"o","<b>not html</b>\\r\\n"]\n' +
  '[2.5,"r","100x30"]\n' +
  '[3.0,"o","progress 10%\\rprogress 100%\\r\\n"]\n';

describe('renderReportHtml', () => {
  it('renders a complete document with both scores, every criterion, evidence and feedback', () => {
    const html = renderReportHtml(report(), { generatedAt: new Date('2026-01-01T12:00:00Z') });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('The slow query');
    expect(html).toMatch(/<span class="big">42<\/span> \/ 50/);
    expect(html).toMatch(/<span class="big">30<\/span> \/ 40/);
    expect(html).toContain('Time to mitigate');
    expect(html).toContain('Under par.');
    expect(html).toContain('mitigated at 14:10');
    expect(html).toContain('$ CREATE INDEX CONCURRENTLY ...');
    expect(html).toContain('Give each action an owner.');
    expect(html).toContain('<table>'); // GFM table from the postmortem
    expect(html).toContain('2026-01-01 12:00:00 UTC');
  });

  it('is self-contained: no scripts, no external URLs, a CSP that forbids loading anything', () => {
    const html = renderReportHtml(report({ postmortemMarkdown: '![diagram](https://example.com/x.png) [link](javascript:alert(1))' }));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toContain('javascript:');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('[image: diagram]');
    // The only http(s) URL allowed is the SVG namespace, which loads nothing.
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('escapes everything that comes from the run', () => {
    const html = renderReportHtml(
      report({
        title: evil,
        scenario: evil,
        runId: evil,
        outcome: evil,
        postmortemMarkdown: `# Hi\n\n${evil}`,
        timeline: [{ id: 'x', time: '2026-01-01T10:00:00Z', sincePageMs: 0, kind: 'command', text: evil, detail: evil }],
        troubleshooting: {
          score: 1,
          max: 2,
          criteria: [{ id: evil, title: evil, points: 1, max: 2, evidence: [evil, { command: evil, note: evil }], feedback: evil }],
        },
      }),
      { casts: { 1: cast.replace('not html', evil.replace(/"/g, '\\"')) } },
    );
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img src=x/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('renders an inline SVG chart with lanes, the page, par and a point per event', () => {
    const html = renderReportHtml(report());
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('par 20 min');
    expect(svg).toContain('paged');
    for (const lane of ['Fault', 'Alerts', 'Commands', 'Mitigation']) expect(svg).toContain(`>${lane}</text>`);
    expect(svg.match(/class="pt /g)).toHaveLength(4);
    expect(svg).toContain('mitigated 14:00 after the page');
  });

  it('includes terminal transcripts without escape sequences, with carriage returns applied', () => {
    const html = renderReportHtml(report(), { casts: { 1: cast } });
    const pre = html.slice(html.indexOf('<pre class="transcript">'), html.indexOf('</pre>'));
    expect(pre).toContain('user@bastion:~$ psql -c &quot;select 1&quot;');
    expect(pre).toContain('&lt;b&gt;not html&lt;/b&gt;');
    expect(pre).toContain('progress 100%');
    expect(pre).not.toContain('progress 10%\n');
    expect(pre).not.toContain('\u001b');
  });

  it('says when a recording is missing or unreadable instead of failing', () => {
    const html = renderReportHtml(report({ recordings: [1, 2] }), { casts: { 2: 'garbage' } });
    expect(html).toContain('Recording not included in this export.');
    expect(html).toContain('Could not read the recording');
  });

  it('copes with a report that has no scores, no postmortem and no events', () => {
    const html = renderReportHtml(
      report({ troubleshooting: null, postmortem: null, postmortemMarkdown: null, timeline: [], recordings: [], outcome: 'abandoned' }),
    );
    expect(html).toContain('Not scored.');
    expect(html).toContain('No events were recorded.');
    expect(html).not.toContain('id="terminals"');
  });
});

describe('renderMarkdownSafe', () => {
  it('hides authoring comments on their own lines, keeps everything else', () => {
    const html = renderMarkdownSafe('## Impact\n\n<!-- Quantify it -->\n\nText <!-- inline --> here\n\n<!--\nmulti\n-->\n');
    expect(html).not.toContain('Quantify');
    expect(html).not.toContain('multi');
    expect(html).toContain('Text &lt;!-- inline --&gt; here');
  });

  it('escapes raw HTML and drops dangerous links', () => {
    const html = renderMarkdownSafe('<div onclick="x()">hi</div>\n\n[a](javascript:alert(1)) **bold**');
    expect(html).not.toContain('<div');
    expect(html).toContain('&lt;div');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<strong>bold</strong>');
  });
});
