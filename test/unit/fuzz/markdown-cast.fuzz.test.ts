import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CastError, castTranscript, parseCast, plainText } from '../../../shared/report/cast.js';
import { chartModel, renderTimelineSvg } from '../../../shared/report/chart.js';
import { renderMarkdownSafe, stripBlockComments } from '../../../shared/report/markdown.js';
import { check, FUZZ_TIMEOUT, gnarlyText } from './runs.js';

describe('markdown, terminal recordings and the chart take any input', { timeout: FUZZ_TIMEOUT }, () => {
  it('renders any markdown to HTML without a live tag, script or image, in bounded size', () => {
    check(
      fc.property(gnarlyText(), (markdown) => {
        const html = renderMarkdownSafe(markdown);
        // Every tag in the output is one micromark made: no script, no image, no handler, no script link.
        for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
          expect(tag).not.toMatch(/^<(script|img|iframe|object|embed|style)\b|\son\w+=|href="\s*javascript:/i);
        }
        expect(html.length).toBeLessThan(40 * markdown.length + 200);
      }),
      300,
    );
  });

  it('strips only whole-line comments, never adds text', () => {
    check(
      fc.property(gnarlyText(), (markdown) => {
        const stripped = stripBlockComments(markdown);
        expect(stripped.length).toBeLessThanOrEqual(markdown.length);
        if (!markdown.includes('<!--')) expect(stripped).toBe(markdown);
      }),
      500,
    );
  });

  it('parses any recording or refuses it with a CastError; events never outnumber lines', () => {
    const line = fc.oneof(
      gnarlyText(60),
      fc.tuple(fc.double(), fc.constantFrom('o', 'r', 'i', 'x'), gnarlyText(40)).map((e) => JSON.stringify(e)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    const header = fc.oneof(
      fc.constant('{"version":2,"width":80,"height":24}'),
      fc.record({ version: fc.oneof(fc.constant(2), fc.jsonValue()), width: fc.jsonValue(), height: fc.jsonValue() }).map((h) => JSON.stringify(h)),
      gnarlyText(40),
    );
    check(
      fc.property(header, fc.array(line, { maxLength: 30 }), (head, lines) => {
        const text = [head, ...lines].join('\n');
        let cast;
        try {
          cast = parseCast(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CastError);
          return;
        }
        expect(cast.events.length + cast.skipped).toBeLessThanOrEqual(text.split('\n').length - 1);
        expect(cast.header.width).toBeGreaterThan(0);
        expect(castTranscript(cast).length).toBeLessThanOrEqual(200_000);
      }),
      500,
    );
  });

  it('turns any terminal output into plain text no longer than it', () => {
    check(
      fc.property(gnarlyText(), (raw) => {
        const text = plainText(raw);
        expect(text.length).toBeLessThanOrEqual(raw.length);
        expect(['\r', '\b', '\u001b'].some((c) => text.includes(c))).toBe(false);
      }),
      500,
    );
  });

  it('draws a chart for any par and any times, with a bounded number of ticks', () => {
    const item = fc.record({
      time: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 10 })),
      sincePageMs: fc.oneof(fc.constant(null), fc.double()),
      kind: fc.constantFrom('fault', 'alert', 'page', 'command', 'hint', 'check', 'resolution', 'other'),
      text: fc.string({ maxLength: 20 }),
    });
    check(
      fc.property(fc.array(item, { maxLength: 20 }), fc.double(), (timeline, par) => {
        const model = chartModel(timeline as never, par);
        expect(model.ticks.length).toBeLessThanOrEqual(16);
        expect(Number.isFinite(model.parX) && Number.isFinite(model.pageX)).toBe(true);
        for (const p of model.points) expect(Number.isFinite(p.x)).toBe(true);
        expect(renderTimelineSvg(timeline as never, par).length).toBeLessThan(20_000);
      }),
      500,
    );
  });
});
