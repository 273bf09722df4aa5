/**
 * How many cases each property tries: a bounded run in the unit suite (a few seconds per file), a long one
 * with `npm run fuzz` (FIREDRILL_FUZZ_RUNS). A failure prints fast-check's seed and path to replay it.
 */
import fc from 'fast-check';

export function fuzzRuns(inSuite: number): number {
  const asked = Number(process.env.FIREDRILL_FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : inSuite;
}

/** The time budget of one property: generous in the suite, long in `npm run fuzz`. */
export const FUZZ_TIMEOUT = process.env.FIREDRILL_FUZZ_RUNS ? 3_600_000 : 60_000;

export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, inSuite: number): void {
  fc.assert(property, { numRuns: fuzzRuns(inSuite) });
}

/** Text with the characters parsers trip on over-represented: markup, blanks, digits, escapes, line ends. */
export const gnarlyText = (maxLength = 400): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('<!--', '-->', '\n', '\r', '\r\n', ' ', '\t', '\b', '\x1b[31m', '\x1b]633;E;x\x07', '#', '## ', '- ', '* ', '1.', ',', '%', '`', '```', '|', '![a](b)', '[x](javascript:alert(1))', '<script>', '<img src=x onerror=1>', 'é', '😀', '\u2028'),
        fc.integer({ min: 0, max: 100000 }).map(String),
      ),
      { maxLength: Math.ceil(maxLength / 4) },
    )
    .map((parts) => parts.join('').slice(0, maxLength));
