/**
 * `validate` on the evidence form of investigation signals (issue 21): a signal must name a program or a SQL
 * source, the old `patterns` gets a clear error at its line, and a rule that an `echo` of its own words would
 * satisfy is a warning.
 */
import { describe, expect, it } from 'vitest';
import { lines, validateEdited } from './helpers.js';

const RULE = "    evidence: [{ run: [cat, less, head, tail, grep], args: '/etc/api\\.conf' }]\n";

describe('investigation evidence in validate', () => {
  it('the fixture names its program and pattern and is clean', () => {
    expect(lines(validateEdited())).toEqual([]);
  });

  it('rejects the old patterns field with what to write instead, at its line', () => {
    const result = validateEdited([RULE, '    patterns: ["cat .*/etc/api\\\\.conf"]\n']);
    expect(result.ok).toBe(false);
    expect(lines(result)).toEqual([
      '112:5: "patterns" in investigation[0] is no longer read: words on a command line are not evidence. Say what counts under "evidence:", a list of { run: [program, …], args: <regex> } and { sql: <regex> } (scenarios/README.md, "investigation") (at investigation[0].patterns)',
      '110:5: missing required field "evidence" in investigation[0] (at investigation[0].evidence)',
    ].sort((a, b) => parseInt(a) - parseInt(b)));
  });

  it('rejects a signal that names no program or source', () => {
    expect(lines(validateEdited([RULE, '    evidence: []\n']))).toEqual(['112:15: evidence must have at least 1 item (at investigation[0].evidence)']);
    expect(lines(validateEdited([RULE, "    evidence: [{ args: '/etc/api\\.conf' }]\n"]))).toEqual([
      '112:16: evidence[0] must be what counts as having looked: `run:` (programs, optional `args:`) or `sql:` (a statement pattern); got a mapping (at investigation[0].evidence[0])',
    ]);
  });

  it('rejects a program that only prints its arguments, and a bad pattern, naming the field', () => {
    expect(lines(validateEdited([RULE, "    evidence: [{ run: [echo], args: 'api' }, { sql: '(' }]\n"]))).toEqual([
      '112:16: warning: signal "read-config": a line that only prints these words would earn it (`echo \'api\'`): narrow the programs or the pattern (at investigation[0].evidence[0])',
      '112:24: "echo" only prints or stores its arguments: running it shows nothing was looked at; name the program that reads the system (at investigation[0].evidence[0].run[0])',
      '112:53: invalid regular expression "(": Unterminated group (at investigation[0].evidence[1].sql)',
    ]);
  });

  it('warns on psql matched by its arguments (quoted strings count there) and on bare wrappers', () => {
    const out = lines(validateEdited([RULE, "    evidence: [{ run: [psql], args: 'pg_stat_statements' }, { run: [sudo], args: 'cat' }]\n"]));
    expect(out).toEqual([
      // psql's arguments hold its SQL, so words in a quoted SQL string would count.
      '112:16: warning: signal "read-config": a line that only prints these words would earn it (`psql -c "SELECT \'pg_stat_statements\'"`): narrow the programs or the pattern (at investigation[0].evidence[0])',
      '112:37: warning: psql arguments include its SQL text, quoted strings and all: match statements with `sql:` instead (at investigation[0].evidence[0].args)',
      '112:69: warning: "sudo" runs another command, which is matched on its own: name that program (e.g. run: [psql] instead of run: [sudo]) (at investigation[0].evidence[1].run[0])',
    ]);
  });
});
