/**
 * YAML anchors, aliases and merge keys (`<<: *base`, `<<: [*a, *b]`) in scenario.yaml: merged, never dropped,
 * and every problem in a merged field reported at the line that wrote it.
 */
import { describe, expect, it } from 'vitest';
import { validateScenarioText } from '../../../main/engine/scenario/validate.js';
import { lines, mutate, VALID_DIR, VALID_FILE } from './helpers.js';

const BROKEN = `  broken:
    - id: api-slow
      title: The api is slow
      kind: exec
      service: bastion
      command: curl -s api:8080/health
      stdoutMatches: "timeout|slow"
`;

/** The fixture with its broken checks replaced by `checks` (written at the same indentation). */
function withBroken(checks: string): { text: string; line: (marker: string) => number } {
  const text = mutate([BROKEN, `  broken:\n${checks}`]);
  const line = (marker: string) => {
    const at = text.indexOf(marker);
    if (at < 0) throw new Error(`no "${marker}" in the text`);
    return text.slice(0, at).split('\n').length;
  };
  return { text, line };
}

const validate = (text: string) => validateScenarioText(text, VALID_FILE, VALID_DIR);

describe('YAML merge keys and anchors in scenario.yaml', () => {
  it('a plain anchor and alias reuse a whole check', () => {
    // The same check object twice is a duplicate id: proof that the alias was read, not dropped.
    const { text, line } = withBroken(`    - &slow
      id: api-slow
      title: The api is slow
      kind: exec
      service: bastion
      command: curl -s api:8080/health
    - *slow
`);
    const result = validate(text);
    expect(result.ok).toBe(false);
    expect(lines(result)).toEqual([`${line('id: api-slow')}:11: duplicate check id "api-slow" (first at checks.broken[0].id) (at checks.broken[1].id)`]);
  });

  it('`<<: *base` merges the anchored mapping, and keys written beside it win', () => {
    const { text } = withBroken(`    - &curl-check
      id: api-slow
      title: The api is slow
      kind: exec
      service: bastion
      command: curl -s api:8080/health
      stdoutMatches: "timeout|slow"
    - <<: *curl-check
      id: api-errors
      title: The api answers errors
      stdoutMatches: "5[0-9][0-9]"
`);
    const result = validate(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.scenario?.checks.broken[1]).toMatchObject({
      id: 'api-errors',
      title: 'The api answers errors',
      kind: 'exec',
      service: 'bastion',
      command: 'curl -s api:8080/health',
      stdoutMatches: '5[0-9][0-9]',
    });
  });

  it('`<<: [*a, *b]` merges several mappings; the first one listed wins a key both have', () => {
    const { text } = withBroken(`    - id: api-slow
      title: The api is slow
      kind: exec
      service: bastion
      command: curl -s api:8080/health
      stdoutMatches: "timeout|slow"
  steadyState:
    - id: api-up
      title: The api answers
      <<: [&from-bastion { kind: exec, service: bastion }, &from-api { kind: exec, service: api, command: "true" }]
      command: curl -fs api:8080/health
`);
    const result = validate(text.replace(/\n {2}steadyState:\n {4}- id: api-up\n {6}title: The api answers\n {6}kind: http\n {6}service: api\n {6}port: 8080\n {6}path: \/health\n/, '\n'));
    expect(result.diagnostics).toEqual([]);
    expect(result.scenario?.checks.steadyState[0]).toMatchObject({ kind: 'exec', service: 'bastion', command: 'curl -fs api:8080/health' });
  });

  it('an unknown field inside the merged mapping points at the anchor, where it is written', () => {
    const { text, line } = withBroken(`    - &curl-check
      id: api-slow
      title: The api is slow
      kind: exec
      service: bastion
      command: curl -s api:8080/health
    - <<: *curl-check
      id: api-errors
      title: The api answers errors
      stdoutMatchs: "5[0-9][0-9]"
`);
    const result = validate(text);
    expect(lines(result)).toEqual([
      `${line('stdoutMatchs')}:7: unknown field "stdoutMatchs" in broken[1]; did you mean "stdoutMatches"? (at checks.broken[1].stdoutMatchs)`,
    ]);
  });

  it('a bad value that came from the anchor points at the anchor line, not at the merge key', () => {
    const { text, line } = withBroken(`    - &curl-check
      id: api-slow
      title: The api is slow
      kind: exec
      service: bastoin
      command: curl -s api:8080/health
    - <<: *curl-check
      id: api-errors
      title: The api answers errors
`);
    const result = validate(text);
    const at = `${line('service: bastoin')}:16`;
    expect(lines(result)).toEqual([
      `${at}: unknown service "bastoin"; did you mean "bastion"? (services: api, bastion) (at checks.broken[0].service)`,
      `${at}: unknown service "bastoin"; did you mean "bastion"? (services: api, bastion) (at checks.broken[1].service)`,
    ]);
  });

  it('a field missing from both the merge and the mapping points at the mapping that merges', () => {
    const { text, line } = withBroken(`    - <<: { title: The api is slow, service: bastion, command: curl -s api:8080/health }
      id: api-slow
`);
    const result = validate(text);
    expect(lines(result)).toEqual([`${line('<<:')}:7: missing required field "kind" (one of: exec, http, tcp, sql, promql, alertmanager, rollout, condition) (at checks.broken[0].kind)`]);
  });

  it('merging something that is not a mapping is a positioned error, never a silent drop', () => {
    const { text, line } = withBroken(`    - <<: just-a-string
      id: api-slow
      title: The api is slow
      kind: exec
      service: bastion
      command: curl -s api:8080/health
`);
    const result = validate(text);
    expect(lines(result)).toEqual([
      `${line('just-a-string')}:11: a merge key (<<) takes a mapping, an alias of one, or a list of them; found "just-a-string"`,
    ]);
  });
});
