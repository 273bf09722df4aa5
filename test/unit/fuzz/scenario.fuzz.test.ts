import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateScenarioText } from '../../../main/engine/scenario/validate.js';
import { check, FUZZ_TIMEOUT, gnarlyText } from './runs.js';

const FILE = 'scenario.yaml';
const VALID = readFileSync(new URL('../../fixtures/scenarios/fixture/scenario.yaml', import.meta.url), 'utf8');

/** The validator's contract: no throw, every problem a diagnostic with a 1-based position in the file. */
function expectDiagnostics(text: string): void {
  const result = validateScenarioText(text, FILE);
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) expect(result.diagnostics.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of result.diagnostics) {
    expect(d.file).toBe(FILE);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message.length).toBeLessThan(2000);
  }
  expect(result.diagnostics.length).toBeLessThan(500);
}

describe('the scenario validator takes any text and answers with positioned diagnostics', { timeout: FUZZ_TIMEOUT }, () => {
  it('any text', () => {
    check(fc.property(gnarlyText(600), expectDiagnostics), 200);
  });

  it('any YAML value', () => {
    check(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => expectDiagnostics(stringify(value))), 200);
  });

  it('a valid pack with lines deleted, duplicated or cut', () => {
    const lines = VALID.split('\n');
    const edit = fc.record({
      at: fc.nat({ max: lines.length - 1 }),
      kind: fc.constantFrom('delete', 'duplicate', 'cut', 'indent', 'garble'),
      n: fc.nat({ max: 40 }),
      junk: gnarlyText(20),
    });
    check(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const out = [...lines];
        for (const { at, kind, n, junk } of edits) {
          const i = Math.min(at, out.length - 1);
          if (kind === 'delete') out.splice(i, 1);
          else if (kind === 'duplicate') out.splice(i, 0, out[i]!);
          else if (kind === 'cut') out[i] = out[i]!.slice(0, n);
          else if (kind === 'indent') out[i] = ' '.repeat(n % 5) + out[i];
          else out[i] = out[i]!.slice(0, n) + junk;
        }
        expectDiagnostics(out.join('\n'));
      }),
      40,
    );
  });

  it('a valid pack with a field set to any value', () => {
    const doc = parse(VALID) as Record<string, unknown>;
    const keys = Object.keys(doc);
    check(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
        expectDiagnostics(stringify({ ...doc, [key]: value }));
      }),
      60,
    );
  });
});
