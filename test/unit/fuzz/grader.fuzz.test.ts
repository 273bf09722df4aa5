import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { postmortemRubricSchema } from '../../../main/engine/scenario/schema.js';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import { check, FUZZ_TIMEOUT, gnarlyText } from './runs.js';

const pack = parse(readFileSync(new URL('../../../scenarios/slow-query/scenario.yaml', import.meta.url), 'utf8')) as { postmortem: unknown };
const rubric = postmortemRubricSchema.parse(pack.postmortem);
const STRONG = readFileSync(new URL('../../fixtures/postmortems/slow-query/strong.md', import.meta.url), 'utf8');

const SECTIONS = ['Summary', 'Impact', 'Timeline', 'Root cause', 'Trigger', 'Detection', 'Resolution', 'Action items', 'Lessons learned'];

/** Markdown shaped like a postmortem: headings the grader looks for, with anything under them. */
const postmortem = fc
  .array(fc.tuple(fc.constantFrom(...SECTIONS), fc.constantFrom('#', '##', '###'), gnarlyText(300)), { maxLength: 8 })
  .map((parts) => `# Incident\n\n${parts.map(([title, level, body]) => `${level} ${title}\n\n${body}\n`).join('\n')}`);

function expectBounded(markdown: string, events?: RunEvent[]): void {
  const report = gradePostmortem(markdown, rubric, events ? { events, resolutionId: 'fixed', timeZone: 'UTC' } : {});
  expect(Number.isFinite(report.score)).toBe(true);
  expect(report.score).toBeGreaterThanOrEqual(0);
  expect(report.score).toBeLessThanOrEqual(report.max);
  for (const c of report.criteria) {
    expect(Number.isFinite(c.points)).toBe(true);
    expect(c.points).toBeLessThanOrEqual(c.max);
    for (const line of c.evidence) expect(line.length).toBeLessThan(5000);
  }
}

describe('the postmortem grader scores any write-up within its bounds', { timeout: FUZZ_TIMEOUT }, () => {
  it('any text', () => {
    check(fc.property(gnarlyText(800), (markdown) => expectBounded(markdown)), 150);
  });

  it('any postmortem-shaped markdown', () => {
    check(fc.property(postmortem, (markdown) => expectBounded(markdown)), 150);
  });

  it('a strong write-up with a span replaced by anything, against a session log', () => {
    const events = [
      { seq: 1, id: 'e1', time: '2025-03-14T14:01:32.000Z', mono: 0, type: 'fault.step', stepId: 'deploy-v2', action: 'replace', status: 'applied' },
      { seq: 2, id: 'e2', time: '2025-03-14T14:03:10.000Z', mono: 1, type: 'phase.changed', from: 'injecting', to: 'live' },
    ] as RunEvent[];
    check(
      fc.property(fc.nat({ max: STRONG.length }), fc.nat({ max: 400 }), gnarlyText(200), (at, length, junk) => {
        expectBounded(STRONG.slice(0, at) + junk + STRONG.slice(at + length), events);
      }),
      30,
    );
  });
});
