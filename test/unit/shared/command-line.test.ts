/** The command-line parser behind investigation evidence: what a captured bash line really ran. */
import { describe, expect, it } from 'vitest';
import { addDefinitions, analyseCommandLine, emptyDefinitions, DYNAMIC } from '../../../shared/shell/command-line.js';
import { sqlWithoutLiterals } from '../../../shared/sql/literals.js';

const ran = (line: string, status: 'ok' | 'failed' | 'unknown' = 'ok') =>
  analyseCommandLine(line, status).commands.map((c) => `${c.program}${c.args.length ? ` ${c.args.join(' ')}` : ''} [${c.status}]${c.via.length ? ` via ${c.via.join('>')}` : ''}`);

describe('analyseCommandLine', () => {
  it('sees only the programs: echo, printf and comments carry words, not programs', () => {
    expect(ran('echo curl checkout psql pg_stat_statements explain analyze # git log')).toEqual([
      'echo curl checkout psql pg_stat_statements explain analyze [ok]',
    ]);
    expect(ran("printf '%s\\n' 'psql -c \"select * from pg_stat_statements\"'")).toEqual([
      'printf %s\\n psql -c "select * from pg_stat_statements" [ok]',
    ]);
    expect(ran('# psql -c "select 1"')).toEqual([]);
  });

  it('reads a here-document written to a file as text, and one fed to psql as SQL', () => {
    const file = analyseCommandLine("cat > notes.txt <<'EOF'\npsql pg_stat_statements\nEOF", 'ok').commands;
    expect(file.map((c) => [c.program, c.args, c.sql])).toEqual([['cat', [], []]]);
    const sql = analyseCommandLine('psql -At <<EOF\nselect * from pg_stat_statements;\nEOF', 'ok').commands;
    expect(sql.map((c) => [c.program, c.sql])).toEqual([['psql', ['select * from pg_stat_statements;\n']]]);
  });

  it('marks filters that only read what the learner typed', () => {
    const typed = (line: string) => analyseCommandLine(line, 'ok').commands.map((c) => `${c.program}${c.typedInput ? ' (typed input)' : ''}`);
    expect(typed('echo \'{"a": 1}\' | jq .a | sort')).toEqual(['echo', 'jq (typed input)', 'sort (typed input)']);
    expect(typed("jq 'sort_by(.startsAt)' <<< '[]'")).toEqual(['jq (typed input)']);
    expect(typed('jq \'sort_by(.startsAt)\' <<< "$(curl -s alertmanager:9093/api/v2/alerts)"')).toEqual(['curl', 'jq']);
    expect(typed('curl -s alertmanager:9093/api/v2/alerts | jq .')).toEqual(['curl', 'jq']);
  });

  it('gives each command the share of the exit status bash lets us know', () => {
    expect(ran('psql -c "select 1" | grep x')).toEqual(['psql -c select 1 [ok]', 'grep x [ok]']);
    expect(ran('psql -c "select 1" | grep x', 'failed')).toEqual(['psql -c select 1 [unknown]', 'grep x [failed]']);
    expect(ran('cd /srv && git log')).toEqual(['cd /srv [ok]', 'git log [ok]']);
    expect(ran('psql -c bad; true')).toEqual(['psql -c bad [unknown]', 'true [ok]']);
    expect(ran('psql -c bad || true')).toEqual(['psql -c bad [unknown]', 'true [unknown]']);
    expect(ran('! git log', 'ok')).toEqual(['git log [failed]']);
  });

  it('looks through sudo, env, timeout, watch, xargs, bash -c, ssh, docker exec and kubectl exec', () => {
    const inner = (line: string) => analyseCommandLine(line, 'ok').commands.slice(1).map((c) => `${c.program} ${c.args.join(' ')} via ${c.via.join('>')}`);
    expect(inner('sudo -u postgres psql -c "select 1"')).toEqual(['psql -c select 1 via sudo']);
    expect(inner('env PGUSER=x timeout 5s curl -s http://orders/checkout')).toEqual(['timeout 5s curl -s http://orders/checkout via env', 'curl -s http://orders/checkout via env>timeout']);
    expect(inner('watch -n 1 curl -s http://orders:8080/checkout')).toEqual(['curl -s http://orders:8080/checkout via watch']);
    expect(inner("watch -n1 'psql -Atc \"select 1\" | wc -l'")).toEqual(['psql -Atc select 1 via watch', 'wc -l via watch']);
    expect(inner('xargs -n1 git show')).toEqual(['git show via xargs']);
    expect(inner('bash -lc "git -C /srv log --oneline"')).toEqual(['git -C /srv log --oneline via bash']);
    expect(inner('ssh -p 22 oncall@web curl -s localhost:8080/checkout')).toEqual(['curl -s localhost:8080/checkout via ssh']);
    expect(inner('docker exec -it -u postgres db psql -c "select 1"')).toEqual(['psql -c select 1 via docker']);
    expect(inner('kubectl -n shop exec -it web-0 -- curl -s localhost/health')).toEqual(['curl -s localhost/health via kubectl']);
  });

  it('reads the time keyword like /usr/bin/time', () => {
    expect(ran('time curl -s lb/reports/x')).toEqual(['time curl -s lb/reports/x [ok]', 'curl -s lb/reports/x [ok]']);
  });

  it('runs the commands inside substitutions, subshells and loops, status unknown', () => {
    expect(ran('x=$(psql -Atc "select 1"); (cd /tmp; git log)')).toEqual(['psql -Atc select 1 [unknown]', 'cd /tmp [unknown]', 'git log [ok]']);
    expect(ran('for t in a b; do git show $t; done')).toEqual(['git show a [unknown]', 'git show b [ok]']);
    expect(ran('for t in $(cat tags); do git show $t; done')).toEqual(['cat tags [unknown]', `git show ${DYNAMIC} [unknown]`]);
  });

  it('expands the aliases and functions the learner defined earlier in the same shell', () => {
    const defs = emptyDefinitions();
    const def = analyseCommandLine("alias pgs='psql -Atc'; top5() { psql -c \"select * from pg_stat_statements limit 5\"; }", 'ok', defs);
    expect(def.commands.map((c) => c.program)).toEqual(['alias']);
    addDefinitions(defs, def);
    const alias = analyseCommandLine('pgs "select 1"', 'ok', defs).commands;
    expect(alias.map((c) => [c.program, c.sql, c.via])).toEqual([['psql', ['select 1'], ['alias pgs']]]);
    const fn = analyseCommandLine('top5 | head', 'ok', defs).commands;
    expect(fn.map((c) => [c.program, c.sql, c.status, c.via])).toEqual([
      ['psql', ['select * from pg_stat_statements limit 5'], 'ok', ['function top5']],
      ['head', [], 'ok', []],
    ]);
  });

  it('names what it cannot parse instead of guessing', () => {
    expect(analyseCommandLine('echo "unterminated', 'ok').error).toMatch(/quote/);
  });
});

describe('sqlWithoutLiterals', () => {
  it('drops string constants and comments, keeps what the statement reads', () => {
    expect(sqlWithoutLiterals("SELECT 'pg_stat_statements explain' -- pg_indexes\n FROM orders /* a /* b */ c */ WHERE x = E'it\\'s'")).toBe(
      "SELECT '' FROM orders WHERE x = ''",
    );
    expect(sqlWithoutLiterals('select $$pg_stat_statements$$, $q$x$q$, $1 from pg_stat_statements')).toBe("select '', '', $1 from pg_stat_statements");
    expect(sqlWithoutLiterals('select "pg_stat_statements".query from pg_stat_statements')).toBe('select "pg_stat_statements".query from pg_stat_statements');
  });
});
