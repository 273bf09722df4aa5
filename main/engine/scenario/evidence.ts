/**
 * What the evidence rules of an investigation signal (`evidence:` in scenario.yaml) match: the observations a
 * session's `command` events show. A bash command line is parsed (shared/shell) into the programs it ran; psql
 * statements and the SQL given to `psql -c` are statements sent to the database. Scoring decides how much a
 * match is worth (its status); the validator uses the same matcher to warn about rules an `echo` would satisfy.
 */
import { addDefinitions, analyseCommandLine, emptyDefinitions, type RunStatus, type ShellDefinitions } from '../../../shared/shell/command-line.js';
import { sqlWithoutLiterals } from '../../../shared/sql/literals.js';
import { WRAPPERS } from '../../../shared/shell/wrappers.js';
import type { EventOf } from '../events/types.js';
import type { EvidenceRule } from './schema.js';

/** One thing a command did: a program it ran, or a statement it sent. */
export interface Observation {
  kind: 'run' | 'sql';
  /** The program (for `sql`, always psql). */
  program: string;
  /** `run`: the arguments joined by spaces; `sql`: the statement without string constants and comments. */
  text: string;
  /** What the command line's exit status says about this program (interruptions aside: see `interrupted`). */
  status: RunStatus;
  /** Wrappers, aliases and functions it ran through. */
  via: string[];
  /** A filter that read text typed on the line (`echo … | jq`, `grep x <<< "…"`): it saw no system. */
  typedInput?: boolean;
}

export interface CompiledRule {
  rule: EvidenceRule;
  kind: 'run' | 'sql';
  programs: ReadonlySet<string>;
  /** null: any arguments. */
  re: RegExp | null;
  /** The pattern, when it is not a valid regular expression (the rule then matches nothing). */
  invalid?: string;
}

export function compileRule(rule: EvidenceRule): CompiledRule {
  const source = 'sql' in rule ? rule.sql : rule.args;
  let re: RegExp | null = null;
  let invalid: string | undefined;
  if (source !== undefined)
    try {
      re = new RegExp(source, 'i');
    } catch {
      invalid = source;
    }
  return 'sql' in rule
    ? { rule, kind: 'sql', programs: new Set(['psql']), re, ...(invalid !== undefined ? { invalid } : {}) }
    : { rule, kind: 'run', programs: new Set(rule.run), re, ...(invalid !== undefined ? { invalid } : {}) };
}

export function ruleMatches(rule: CompiledRule, o: Observation): boolean {
  if (rule.invalid !== undefined || rule.kind !== o.kind || !rule.programs.has(o.program) || o.typedInput) return false;
  return rule.re === null || rule.re.test(o.text);
}

/**
 * The statements psql input given on a command line sends, one per observation: SQL statements without their
 * string constants, and describe meta-commands (`\d orders`, `\di`, `\l`). Meta-commands that only print or
 * set things (`\echo`, `\qecho`, `\warn`, `\set`, `\!`) show nothing and are left out.
 */
function psqlStatements(input: string): string[] {
  // Meta-commands take a line of their own (a here-document may mix them with SQL).
  const out: string[] = [];
  const sql: string[] = [];
  for (const line of input.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('\\')) sql.push(line);
    else if (/^\\(d[a-zA-Z]*\+?|l\+?|z|dp)(\s|$)/.test(t)) out.push(t.replace(/\s+/g, ' '));
  }
  // String constants are gone, so every ';' left ends a statement.
  for (const statement of sqlWithoutLiterals(sql.join('\n')).split(';')) if (statement.trim() !== '') out.push(statement.trim());
  return out;
}

/** A bash exit status as the status of the line (an interrupted command ran until it was stopped). */
function lineStatus(c: Pick<EventOf<'command'>, 'exitCode' | 'interrupted'>): RunStatus {
  if (c.interrupted || c.exitCode === 130) return 'ok';
  return c.exitCode === null ? 'unknown' : c.exitCode === 0 ? 'ok' : 'failed';
}

/**
 * Reads a session's `command` events in order. Keeps each terminal's aliases and functions, so a command that
 * calls one is read as what it runs.
 */
export class CommandReader {
  private readonly shells = new Map<number, ShellDefinitions>();

  observe(c: Pick<EventOf<'command'>, 'terminal' | 'source' | 'command' | 'exitCode' | 'interrupted'>): { observations: Observation[]; error?: string } {
    if (c.source === 'psql') {
      const status: RunStatus = c.exitCode === null ? 'unknown' : c.exitCode === 0 ? 'ok' : 'failed';
      return { observations: [{ kind: 'sql', program: 'psql', text: sqlWithoutLiterals(c.command), status, via: [] }] };
    }
    let defs = this.shells.get(c.terminal);
    if (!defs) this.shells.set(c.terminal, (defs = emptyDefinitions()));
    const analysis = analyseCommandLine(c.command, lineStatus(c), defs);
    // Definitions hold once the line ran without an error.
    if (c.exitCode === 0) addDefinitions(defs, analysis);
    const observations: Observation[] = [];
    for (const e of analysis.commands) {
      // psql sends its input to PostgreSQL, and a wrapper passes it on: for them typed input is not the point.
      const typedInput = e.typedInput === true && e.program !== 'psql' && !WRAPPERS.includes(e.program);
      observations.push({ kind: 'run', program: e.program, text: e.args.join(' '), status: e.status, via: e.via, ...(typedInput ? { typedInput } : {}) });
      for (const sql of e.sql)
        for (const text of psqlStatements(sql)) observations.push({ kind: 'sql', program: 'psql', text, status: e.status, via: e.via });
    }
    return { observations, ...(analysis.error !== undefined ? { error: analysis.error } : {}) };
  }
}

/** Readable words from a pattern, for the self-test below: `\bexplain\s*\(?\s*analy[sz]e` → `explain ( analyse`. */
function wordsOf(pattern: string): string {
  return pattern
    .replace(/\[([^\]])[^\]]*\]/g, '$1')
    .replace(/\\[bBAzZ]/g, '')
    .replace(/\\[sS][*+?]?/g, ' ')
    .replace(/\\d[*+?]?/g, '1')
    .replace(/\\w[*+?]?/g, 'x')
    .replace(/\\(.)/g, '$1')
    .replace(/[()^$|?*+{}]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A command line that only prints or stores a rule's words (`echo`, `printf`, a comment, a here-document into a
 * file, a quoted string in SQL) and that the rule would still credit; null when none does.
 */
export function wordsOnlyLineCredited(rule: EvidenceRule, description = ''): string | null {
  // A rule without a pattern is about running the program at all: its words play no part.
  if (!('sql' in rule) && rule.args === undefined) return null;
  const compiled = compileRule(rule);
  const source = 'sql' in rule ? rule.sql : (rule.args ?? '');
  const texts = [...new Set([wordsOf(source), description, ...('run' in rule ? rule.run.map((p) => `${p} ${wordsOf(source)}`) : [])])].filter((t) => t.trim() !== '');
  const sq = (t: string): string => `'${t.replace(/'/g, `'\\''`)}'`;
  for (const text of texts) {
    const lines = [
      `echo ${sq(text)}`,
      `printf '%s\\n' ${sq(text)}`,
      `: ${sq(text)}`,
      `true # ${text.replace(/\n/g, ' ')}`,
      `cat > notes.txt <<'EOF'\n${text}\nEOF`,
      `psql -c "SELECT '${text.replace(/'/g, "''").replace(/[\\"$`]/g, '\\$&')}'"`,
    ];
    const reader = new CommandReader();
    for (const line of lines) {
      const { observations } = reader.observe({ terminal: 1, source: 'shell', command: line, exitCode: 0 });
      if (observations.some((o) => ruleMatches(compiled, o))) return line;
    }
  }
  return null;
}
