/**
 * `firedrill grade --variant <name>`: a variant's postmortem corpus (test/fixtures/postmortems/<pack>/variants/<name>/)
 * is graded against that variant's rubric, from the command line, without a session.
 */
import { describe, expect, it } from 'vitest';
import { runGradeCommand } from '../../../main/cli/commands/grade.js';

const STRONG = 'test/fixtures/postmortems/alert-storm/variants/false-alarm/strong.md';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

async function score(args: string[]): Promise<number> {
  const c = capture();
  expect(await runGradeCommand([...args, '--json'], c.io)).toBe(0);
  return (JSON.parse(c.out.join('')) as { score: number }).score;
}

describe('firedrill grade --variant', () => {
  it("grades a variant's corpus file against the variant's rubric, where the base rubric caps it", async () => {
    const withVariant = await score(['--scenario', 'scenarios/alert-storm', '--postmortem', STRONG, '--variant', 'false-alarm']);
    const base = await score(['--scenario', 'scenarios/alert-storm', '--postmortem', STRONG]);
    expect(withVariant).toBeGreaterThanOrEqual(75);
    expect(base).toBeLessThanOrEqual(40);
    // `default` is the base scenario, as everywhere else.
    expect(await score(['--scenario', 'scenarios/alert-storm', '--postmortem', STRONG, '--variant', 'default'])).toBe(base);
  }, 60_000);

  it('an unknown variant is an error that lists the variants', async () => {
    const c = capture();
    expect(await runGradeCommand(['--scenario', 'scenarios/alert-storm', '--postmortem', STRONG, '--variant', 'false-alarn'], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/no variant "false-alarn" \(variants: .*false-alarm/);
  }, 60_000);
});
