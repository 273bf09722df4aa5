import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { postmortemRubricSchema } from '../../../main/engine/scenario/schema.js';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import { parseCast, plainText } from '../../../shared/report/cast.js';
import { CHART_MAX_MINUTES, chartModel, renderTimelineSvg } from '../../../shared/report/chart.js';
import { renderMarkdownSafe, stripBlockComments } from '../../../shared/report/markdown.js';
import { crafted, CRAFTED_BYTES } from '../../../test-bench/crafted.js';

const pack = parse(readFileSync(new URL('../../../scenarios/slow-query/scenario.yaml', import.meta.url), 'utf8')) as { postmortem: unknown };
const rubric = postmortemRubricSchema.parse(pack.postmortem);
const impactOf = (markdown: string) => gradePostmortem(markdown, rubric).criteria.find((c) => c.id === 'impact')!;

// Results on crafted worst-case input (timings are in `npm run bench`, group `bounded`).
describe('input a learner or a bundle wrote is read in linear time, with the same results', () => {
  it('hides whole-line HTML comments, multi-line ones too, and keeps unclosed or trailing-text ones', () => {
    expect(stripBlockComments('a\n<!-- guidance -->\nb')).toBe('a\n\nb');
    expect(stripBlockComments('a\n  <!-- one\ntwo -->  \nb')).toBe('a\n\nb');
    expect(stripBlockComments('<!-- x --> text\nb')).toBe('<!-- x --> text\nb');
    expect(stripBlockComments('<!-- open\nb')).toBe('<!-- open\nb');
    expect(stripBlockComments('<!-- a -->\r\nb')).toBe('\nb');
  });

  it('renders 256 KB of unclosed comment openers as escaped text', () => {
    const html = renderMarkdownSafe(crafted.unclosedComments());
    expect(html).toContain('&lt;!--');
    expect(html).not.toContain('<!--');
    expect(stripBlockComments(crafted.unclosedComments())).toBe(crafted.unclosedComments());
  });

  it('keeps an image as its alt text only', () => {
    expect(renderMarkdownSafe('![the graph](http://x/y.png)')).toContain('<span class="img-alt">[image: the graph]</span>');
    expect(renderMarkdownSafe('![](http://x/y.png)')).not.toContain('<img');
  });

  it('grades an impact section of 256 KB of dotted numbers or of blanks: no units, no scope found', () => {
    for (const text of [crafted.dottedNumbers(), crafted.blankRun()]) {
      const impact = impactOf(crafted.postmortem(text));
      expect(impact.evidence).toContain('no error-rate or latency numbers with units');
      expect(impact.evidence).toContain('how many users or requests were affected is not quantified');
      expect(impact.points).toBeLessThan(impact.max);
    }
  });

  it('still finds the metrics and the scope a real impact section states', () => {
    const impact = impactOf(
      crafted.postmortem('For 14 minutes about 1,200 checkouts failed: p99 latency rose to 9 s and 35% of requests timed out for all customers.'),
    );
    const evidence = impact.evidence.join('\n');
    expect(evidence).toMatch(/numbers with units: .*9 s/);
    expect(evidence).toMatch(/numbers with units: .*p99/);
    expect(evidence).toMatch(/how many: "(about )?1,200 checkouts"/);
  });

  it('turns crafted terminal output into the text a screen shows', () => {
    expect(plainText(crafted.trailingBlanks())).toBe(`a${' '.repeat(CRAFTED_BYTES - 2)}b`);
    expect(plainText(`a${' '.repeat(1000)}`)).toBe('a');
    const overwritten = plainText(crafted.carriageReturns());
    expect(overwritten.length).toBe(CRAFTED_BYTES / 2);
    expect(overwritten.startsWith('y')).toBe(true);
    expect(overwritten.endsWith('x')).toBe(true);
    expect(plainText('hello\rJ\n12345\b\bx\r\nend')).toBe('Jello\n123x\nend');
  });

  it('reads a recording with a 256 KB resize line as one skipped event, not a hang', () => {
    const cast = parseCast(`{"version":2,"width":80,"height":24}\n[0.5,"r","${'9'.repeat(CRAFTED_BYTES)}x"]\n[1,"o","ok"]\n`);
    expect(cast.events).toEqual([{ time: 1, kind: 'o', data: 'ok' }]);
  });

  it('clamps the chart: par 1e15 minutes, an infinite or NaN par, events years away', () => {
    for (const par of [1e15, Infinity, -Infinity, Number.NaN, -5]) {
      const model = chartModel([], par);
      expect(model.ticks.length).toBeLessThanOrEqual(16);
      expect(Number.isFinite(model.parX)).toBe(true);
      expect(model.domain.max).toBeLessThanOrEqual(CHART_MAX_MINUTES * 1.1);
    }
    const far = chartModel(
      [
        { time: '2026-01-01T00:00:00.000Z', sincePageMs: 0, kind: 'page', text: 'paged' },
        { time: '2126-01-01T00:00:00.000Z', sincePageMs: 1e15, kind: 'resolution', text: 'fixed' },
      ] as never,
      30,
    );
    expect(far.resolvedAtMinutes).toBe(CHART_MAX_MINUTES);
    expect(far.points.every((p) => p.x <= far.plot.right)).toBe(true);
    expect(renderTimelineSvg([], 1e15)).toContain('par 1000000000000000 min');
  });
});
