/**
 * A SQL statement with what it only says, not what it reads, taken out: string constants ('…', E'…', $tag$…$tag$)
 * become '' and comments (-- …, nested /* … *\/) disappear. `SELECT 'pg_stat_statements'` then reads as
 * `SELECT ''`: a pattern on the statement sees the tables and functions it uses, not words it quotes. A lexer
 * (PostgreSQL's lexical rules) rather than a parser: psql also sends statements no parser of ours would accept
 * (partial, or from a newer server), and a real parser (libpg-query) loads asynchronously.
 */
export function sqlWithoutLiterals(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
      out += ' ';
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 0;
      while (i < n) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      out += ' ';
      continue;
    }
    if (c === "'") {
      // E'…' allows backslash escapes; '' is a quote inside any constant.
      const escapes = /[eE]$/.test(out) && !/[A-Za-z0-9_$][eE]$/.test(out);
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      if (escapes) out = out.slice(0, -1);
      out += "''";
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      // $1 is a parameter; a $ inside an identifier (a$b) is not a quote.
      if (tag && !/[A-Za-z0-9_]$/.test(out)) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        out += "''";
        continue;
      }
    }
    if (c === '"') {
      // A quoted identifier names a real object: kept.
      const end = sql.indexOf('"', i + 1);
      const stop = end < 0 ? n : end + 1;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    out += c;
    i++;
  }
  return out.replace(/\s+/g, ' ').trim();
}
