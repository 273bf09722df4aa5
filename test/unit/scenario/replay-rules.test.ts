import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateScenarioText } from '../../../main/engine/scenario/validate.js';
import { FIXTURES, lines } from './helpers.js';

const DIR = join(FIXTURES, 'replay');
const FILE = join(DIR, 'scenario.yaml');
const TEXT = readFileSync(FILE, 'utf8');

function validate(...edits: [string, string][]) {
  let text = TEXT;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `"${from}" must occur once`).toBe(1);
    text = text.replace(from, to);
  }
  return validateScenarioText(text, FILE, DIR);
}

describe('the replay, resolveOn and op steps in validate', () => {
  it('accepts the fixture', () => {
    expect(lines(validate())).toEqual([]);
  });

  it('replayChecks need a replay', () => {
    const start = TEXT.indexOf('  replay:\n');
    const end = TEXT.indexOf('  resolutions:\n');
    const result = validate([TEXT.slice(start, end), '']);
    expect(lines(result)).toEqual([
      expect.stringMatching(
        /resolution "fixed" has replayChecks but there is no replay: add checks\.replay .*\(at checks\.resolutions\[0\]\.replayChecks\)$/,
      ),
    ]);
    expect(result.ok).toBe(false);
  });

  it('warns about a replay step without a revert (it would leave the change in the fixed system)', () => {
    const result = validate([
      '        revert: { exec: { service: app, command: set-state ok } }\n    broken:',
      '    broken:',
    ]);
    expect(lines(result)).toEqual([
      expect.stringMatching(/replay step "flip-again" has no revert.*\(at checks\.replay\.faults\[0\]\)$/),
    ]);
    expect(result.ok).toBe(true);
  });

  it('replay steps are checked like fault steps (references, after)', () => {
    expect(
      lines(
        validate([
          '        at: 0s\n        action: { exec: { service: app, command: set-state broken } }\n        revert: { exec: { service: app, command: set-state ok } }\n    broken:',
          '        after: nowhere\n        action: { exec: { service: ap, command: set-state broken } }\n        revert: { exec: { service: app, command: set-state ok } }\n    broken:',
        ]),
      ),
    ).toEqual([
      expect.stringMatching(/after names unknown replay step "nowhere"/),
      expect.stringMatching(
        /unknown service "ap"; did you mean "app"\?.*\(at checks\.replay\.faults\[0\]\.action\.exec\.service\)$/,
      ),
    ]);
  });

  it('check ids stay unique across live checks, replayChecks and the replay broken checks', () => {
    expect(lines(validate(['- { id: fixed-rang-once,', '- { id: replay-broken,']))).toEqual([
      expect.stringMatching(/duplicate check id "replay-broken"/),
    ]);
  });

  it('an op step must name an operation; resolveOn takes hold or submit', () => {
    expect(lines(validate(['  steps:\n    - op: flip-back', '  steps:\n    - op: flip-bak']))).toEqual([
      expect.stringMatching(
        /op "flip-bak" is not an operation of this pack; did you mean "flip-back"\?.*\(at solution\.steps\[0\]\.op\)$/,
      ),
    ]);
    expect(lines(validate(['  resolveOn: submit', '  resolveOn: later']))).toEqual([
      expect.stringMatching(/resolveOn must be one of: hold, submit; got the string "later"/),
    ]);
  });
});
