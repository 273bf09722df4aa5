/**
 * Worst-case input for the parsers that read what a learner or a bundle wrote: each is as large as the
 * API accepts (a postmortem is at most 256 KB) and shaped to make a backtracking pattern go quadratic.
 * test/unit/report/bounded-input.test.ts asserts what they produce; `npm run bench` times them (group
 * `bounded`). Before the linear rewrites, the same shapes at 20 000 characters took 2-20 s each.
 */
export const CRAFTED_BYTES = 256 * 1024;

const fill = (unit: string, bytes = CRAFTED_BYTES): string => unit.repeat(Math.floor(bytes / unit.length));

export const crafted = {
  /** Comment openers on every line, never closed (the old BLOCK_COMMENT retried each to the end). */
  unclosedComments: (): string => fill('<!--\n'),
  /** Numbers glued by dots with no unit after them (METRIC's and SCOPE's `[\d,.]*` from every dot). */
  dottedNumbers: (): string => `${fill('1.', CRAFTED_BYTES - 1)}z`,
  /** A number, a long run of blanks, no unit (SCOPE's `\s*` from every blank). */
  blankRun: (): string => `1${fill(' ', CRAFTED_BYTES - 2)}z`,
  /** A postmortem whose impact section is `text`. */
  postmortem: (text: string): string => `# Incident\n\n## Summary\n\nShort.\n\n## Impact\n\n${text}\n`,
  /** A terminal line of blanks that ends in a letter (the old `\s+$` from every blank). */
  trailingBlanks: (): string => `a${fill(' ', CRAFTED_BYTES - 2)}b`,
  /** A long line overwritten by carriage returns, one character at a time. */
  carriageReturns: (): string => `${fill('x', CRAFTED_BYTES / 2)}${fill('\ry', CRAFTED_BYTES / 2)}`,
};
