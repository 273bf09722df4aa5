/**
 * What a captured bash command line ran: its simple commands (program and arguments), found by a real shell
 * parser (mvdan/sh, through the `mvdan-sh` package) through pipelines, `&&`/`||`, subshells, command
 * substitutions, wrappers (`sudo`, `watch`, `ssh host …`, `docker exec`, see wrappers.ts) and the aliases and
 * functions the learner defined earlier in the same shell. Text that only sits in a command line (arguments of
 * `echo`, comments, quoted strings, here-documents) is an argument of some program, never a program of its own:
 * callers decide which programs count.
 *
 * Each command gets the share of the line's exit status that bash lets us know: the last command of a list
 * decides it, both sides of a successful `&&` succeeded, every stage of a successful pipeline ran and fed one
 * that succeeded, and the rest is unknown.
 */
import sh, { type Command, type Node, type Stmt, type Word, type WordPart } from 'mvdan-sh';
import { innerCommand, optionValues } from './wrappers.js';

const { syntax } = sh;

/** What the line's exit status says about one of its commands. */
export type RunStatus = 'ok' | 'failed' | 'unknown';

/** Stands for a part of a word only known when it runs (`$VAR`, `$(…)`, `$((…))`): it never matches a pattern. */
export const DYNAMIC = '\u2026';

export interface ExecutedCommand {
  /** Base name of the program (`/usr/bin/psql` → `psql`). */
  program: string;
  /** Its arguments (not the program), unquoted. */
  args: string[];
  /** For psql: the SQL it was given (`-c`, `--command`, a here-document or here-string on its input). */
  sql: string[];
  /** Wrappers, aliases and functions it ran through, outermost first (`sudo`, `alias pgs`, `function f`). */
  via: string[];
  status: RunStatus;
  /** Its input is text typed on the line: a here-document or here-string, or a pipe from `echo`/`printf`. */
  typedInput?: boolean;
}

/** Programs that only print or store their arguments: what they output is what the learner typed. */
export const TEXT_ONLY_PROGRAMS: ReadonlySet<string> = new Set(['echo', 'printf', ':', 'true', 'false', 'tee', 'cowsay', 'banner', 'figlet', 'logger', 'wall', 'yes']);

/** Aliases and functions defined in one shell so far: name → alias value, name → function body. */
export interface ShellDefinitions {
  aliases: Map<string, string>;
  functions: Map<string, string>;
}

export const emptyDefinitions = (): ShellDefinitions => ({ aliases: new Map(), functions: new Map() });

export interface LineAnalysis {
  commands: ExecutedCommand[];
  /** Aliases and functions this line defines, in force for the lines after it. */
  defines: { aliases: [string, string][]; functions: [string, string][] };
  /** The parser's message when the line is not valid bash (then nothing ran that we can name). */
  error?: string;
}

// Redirection operators of mvdan/sh's syntax package (token values).
const HEREDOC = 61;
const DASH_HEREDOC = 62;
const HERESTRING = 63;
// Binary command operators.
const AND = 10;
const OR = 11;
const PIPE = 12;
const PIPE_ALL = 13;

/** Wrapper, alias and function nesting deeper than this is not followed (an alias of itself, a recursive function). */
const MAX_DEPTH = 8;
/** psql's short options that take a value. */
const PSQL_VALUE_OPTIONS = 'cdfhpUvoLTPFR';

const parser = syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function parse(src: string): { stmts: Stmt[] } | { error: string } {
  try {
    return { stmts: parser.Parse(src, '').Stmts };
  } catch (error) {
    const e = error as { Error?: () => string; message?: string };
    return { error: typeof e.Error === 'function' ? e.Error() : String(e.message ?? error) };
  }
}

const type = (node: unknown): string => syntax.NodeType(node);

/** mvdan/sh offsets count UTF-8 bytes. */
function sourceOf(src: string, node: Node): string {
  return decoder.decode(encoder.encode(src).subarray(node.Pos().Offset(), node.End().Offset()));
}

function unescapeBare(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}

function unescapeDouble(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

/** Variables whose value the line itself sets where they are used: `for h in edge-1 edge-2; do curl $h; done`. */
type Vars = ReadonlyMap<string, string>;
const NO_VARS: Vars = new Map();

function partText(part: WordPart, quoted: boolean, vars: Vars): string {
  switch (type(part)) {
    case 'Lit':
      return quoted ? unescapeDouble(part.Value ?? '') : unescapeBare(part.Value ?? '');
    case 'SglQuoted':
      return part.Value ?? '';
    case 'DblQuoted':
      return (part.Parts ?? []).map((p) => partText(p, true, vars)).join('');
    case 'ParamExp': {
      const plain = !part.Length && !part.Width && !part.Excl && !part.Exp && !part.Repl && !part.Slice && !part.Index;
      const value = plain && part.Param ? vars.get(part.Param.Value) : undefined;
      return value ?? DYNAMIC;
    }
    default:
      return DYNAMIC;
  }
}

/** A word as the program receives it, with run-time parts as DYNAMIC. */
export function wordText(word: Word, vars: Vars = NO_VARS): string {
  return word.Parts.map((p) => partText(p, false, vars)).join('');
}

/** Here-document text is like a double-quoted string without the quotes. */
function heredocText(word: Word, vars: Vars): string {
  return word.Parts.map((p) => (type(p) === 'Lit' ? unescapeDouble(p.Value ?? '') : partText(p, true, vars))).join('');
}

/** A `for` loop over more words than this is read as one pass with the variable unknown. */
const MAX_LOOP_ITEMS = 16;

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;
const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function flip(status: RunStatus): RunStatus {
  return status === 'ok' ? 'failed' : status === 'failed' ? 'ok' : 'unknown';
}

class Analyser {
  readonly commands: ExecutedCommand[] = [];
  readonly aliases: [string, string][] = [];
  readonly functions: [string, string][] = [];

  private vars: Vars = NO_VARS;

  constructor(private readonly defs: ShellDefinitions) {}

  script(src: string, status: RunStatus, via: string[], depth: number, top = false): string | undefined {
    const parsed = parse(src);
    if ('error' in parsed) return parsed.error;
    this.list(parsed.stmts, status, via, depth, top ? src : undefined);
    return undefined;
  }

  private list(stmts: Stmt[], status: RunStatus, via: string[], depth: number, top?: string): void {
    stmts.forEach((s, i) => this.stmt(s, i === stmts.length - 1 ? status : 'unknown', via, depth, top));
  }

  private stmt(s: Stmt, status: RunStatus, via: string[], depth: number, top?: string): void {
    let st = s.Background ? 'unknown' : status;
    if (s.Negated) st = flip(st);
    // Substitutions inside redirections and unquoted here-documents run too.
    for (const r of s.Redirs) {
      this.nested(r.Word, via, depth);
      this.nested(r.Hdoc, via, depth);
    }
    const cmd = s.Cmd;
    if (!cmd) return;
    switch (type(cmd)) {
      case 'CallExpr':
        return this.call(cmd, s, st, via, depth, top);
      case 'BinaryCmd':
        return this.binary(cmd, st, via, depth, top);
      case 'Subshell':
      case 'Block':
        return this.list(cmd.Stmts ?? [], st, via, depth, top);
      case 'TimeClause': {
        // The `time` keyword reads like /usr/bin/time: a command `time` whose arguments are the timed command.
        if (!cmd.Stmt) return;
        const first = this.commands.length;
        this.stmt(cmd.Stmt, st, via, depth, top);
        const timed = this.commands[first];
        if (timed) this.commands.splice(first, 0, { program: 'time', args: [timed.program, ...timed.args], sql: [], via, status: st });
        return;
      }
      case 'ForClause':
        return this.loop(cmd, st, via, depth, top);
      case 'FuncDecl':
        // Defining a function runs nothing; calling it later runs its body.
        if (top !== undefined && cmd.Name && cmd.Body) this.functions.push([cmd.Name.Value, sourceOf(top, cmd.Body)]);
        return;
      default:
        // if/while/for/case, declare/local/export, [[ ]], (( )): what they run, with a status we cannot tell.
        return this.nested(cmd, via, depth);
    }
  }

  /** `for v in a b c; do …; done`: the body once per literal item, with $v known; the last pass decides the status. */
  private loop(cmd: Command, status: RunStatus, via: string[], depth: number, top?: string): void {
    const name = cmd.Loop?.Name?.Value;
    const items = (cmd.Loop?.Items ?? []).map((w) => wordText(w, this.vars));
    const body = cmd.Do ?? [];
    if (name === undefined || items.length === 0 || items.length > MAX_LOOP_ITEMS || items.some((i) => i.includes(DYNAMIC))) {
      this.nested(cmd, via, depth);
      return;
    }
    const outer = this.vars;
    items.forEach((item, i) => {
      this.vars = new Map([...outer, [name, item]]);
      this.list(body, i === items.length - 1 ? status : 'unknown', via, depth, top);
    });
    this.vars = outer;
  }

  private binary(cmd: Command, status: RunStatus, via: string[], depth: number, top?: string): void {
    const x = cmd.X!;
    const y = cmd.Y!;
    let left: RunStatus = 'unknown';
    let right: RunStatus = 'unknown';
    if (cmd.Op === AND && status === 'ok') left = right = 'ok';
    else if (cmd.Op === OR && status === 'failed') left = right = 'failed';
    else if (cmd.Op === PIPE || cmd.Op === PIPE_ALL) {
      right = status;
      // An earlier stage ran and fed a stage that succeeded; bash keeps its own status from us (no pipefail).
      left = status === 'ok' ? 'ok' : 'unknown';
    }
    const start = this.commands.length;
    this.stmt(x, left, via, depth, top);
    const upstream = this.commands.slice(start);
    const middle = this.commands.length;
    this.stmt(y, right, via, depth, top);
    // `echo '{"startsAt": 1}' | jq …` reads what the learner typed, not the system.
    if ((cmd.Op === PIPE || cmd.Op === PIPE_ALL) && upstream.length > 0 && upstream.every((c) => TEXT_ONLY_PROGRAMS.has(c.program) || c.typedInput))
      for (const c of this.commands.slice(middle)) c.typedInput = true;
  }

  /** Statements nested anywhere under `node` (command substitutions, loop bodies): status unknown. */
  private nested(node: Node | null | undefined, via: string[], depth: number): void {
    if (!node) return;
    syntax.Walk(node, (n) => {
      if (!n || n === node) return true;
      if (type(n) === 'Stmt') {
        this.stmt(n as Stmt, 'unknown', via, depth);
        return false;
      }
      return true;
    });
  }

  private call(cmd: Command, s: Stmt, status: RunStatus, via: string[], depth: number, top?: string): void {
    const words = (cmd.Args ?? []) as Word[];
    for (const a of cmd.Assigns ?? []) this.nested(a, via, depth);
    for (const w of words) this.nested(w, via, depth);
    if (words.length === 0) return;
    const argv = words.map((w) => wordText(w, this.vars));
    let stdin: string | undefined;
    for (const r of s.Redirs) {
      if ((r.Op === HEREDOC || r.Op === DASH_HEREDOC) && r.Hdoc) stdin = heredocText(r.Hdoc, this.vars);
      else if (r.Op === HERESTRING && r.Word) stdin = wordText(r.Word, this.vars);
    }
    if (top !== undefined && argv[0] === 'alias')
      for (const a of argv.slice(1)) {
        const eq = a.indexOf('=');
        if (eq > 0) this.aliases.push([a.slice(0, eq), a.slice(eq + 1)]);
      }
    this.argv(argv, stdin, status, via, depth);
  }

  private argv(argv: string[], stdin: string | undefined, status: RunStatus, via: string[], depth: number): void {
    const name = argv[0];
    if (name === undefined || name === '' || name.includes(DYNAMIC) || depth > MAX_DEPTH) return;
    const args = argv.slice(1);
    // Bash expands an alias in place of the command word; a function call runs the function's body.
    const alias = this.defs.aliases.get(name);
    if (alias !== undefined && !via.includes(`alias ${name}`)) {
      this.script([alias, ...args.map(quote)].join(' '), status, [...via, `alias ${name}`], depth + 1);
      return;
    }
    const body = this.defs.functions.get(name);
    if (body !== undefined && !via.includes(`function ${name}`)) {
      this.script(body, status, [...via, `function ${name}`], depth + 1);
      return;
    }
    const program = basename(name);
    const sql = program === 'psql' ? psqlInput(args, stdin) : [];
    // A here-document or here-string is typed text, unless it substitutes what something printed (`<<< "$(curl …)"`).
    const typed = stdin !== undefined && !stdin.includes(DYNAMIC);
    this.commands.push({ program, args, sql, via, status, ...(typed ? { typedInput: true } : {}) });
    const inner = innerCommand(program, args);
    if (!inner) return;
    if ('argv' in inner) this.argv(inner.argv, stdin, status, [...via, program], depth + 1);
    else this.script(inner.script, status, [...via, program], depth + 1);
  }
}

/** The SQL a psql invocation sends: every -c/--command, else its input when that is a here-document or here-string. */
function psqlInput(args: string[], stdin: string | undefined): string[] {
  const commands = optionValues(args, 'c', '--command', PSQL_VALUE_OPTIONS);
  if (commands.length > 0) return commands;
  const files = optionValues(args, 'f', '--file', PSQL_VALUE_OPTIONS);
  return stdin !== undefined && files.length === 0 ? [stdin] : [];
}

/** The simple commands one bash command line ran, given its exit status and the shell's definitions so far. */
export function analyseCommandLine(line: string, status: RunStatus, defs: ShellDefinitions = emptyDefinitions()): LineAnalysis {
  const a = new Analyser(defs);
  const error = a.script(line, status, [], 0, true);
  return {
    commands: a.commands,
    defines: { aliases: a.aliases, functions: a.functions },
    ...(error !== undefined ? { error } : {}),
  };
}

/** Adds what a line defined to a shell's definitions (after the line ran). */
export function addDefinitions(defs: ShellDefinitions, analysis: LineAnalysis): void {
  for (const [name, value] of analysis.defines.aliases) defs.aliases.set(name, value);
  for (const [name, body] of analysis.defines.functions) defs.functions.set(name, body);
}
