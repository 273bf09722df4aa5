/**
 * Types for the parts of `mvdan-sh` (mvdan/sh's Go shell parser, built to JavaScript) that shared/shell reads.
 * The package ships none. Node shapes follow mvdan.cc/sh/v3/syntax; `NodeType` names them.
 */
declare module 'mvdan-sh' {
  export interface Pos {
    Offset(): number;
  }
  export interface Node {
    Pos(): Pos;
    End(): Pos;
  }
  export interface File extends Node {
    Stmts: Stmt[];
  }
  export interface Stmt extends Node {
    Cmd: Command | null;
    Negated: boolean;
    Background: boolean;
    Redirs: Redirect[];
  }
  export interface Redirect extends Node {
    Op: number;
    Word: Word | null;
    Hdoc: Word | null;
  }
  export interface Word extends Node {
    Parts: WordPart[];
  }
  /** Lit, SglQuoted, DblQuoted, ParamExp, CmdSubst, ArithmExp, ProcSubst, ExtGlob, BraceExp. */
  export interface WordPart extends Node {
    Value?: string;
    Parts?: WordPart[];
    Stmts?: Stmt[];
    /** ParamExp: the parameter, and what is done to it (all null/false for a plain `$x` or `${x}`). */
    Param?: { Value: string } | null;
    Length?: boolean;
    Width?: boolean;
    Excl?: boolean;
    Exp?: unknown;
    Repl?: unknown;
    Slice?: unknown;
    Index?: unknown;
  }
  export interface Assign extends Node {
    Name: { Value: string } | null;
    Value: Word | null;
    Array: unknown;
  }
  /** CallExpr, BinaryCmd, Subshell, Block, IfClause, WhileClause, ForClause, CaseClause, FuncDecl, DeclClause, TimeClause, … */
  export interface Command extends Node {
    Args?: Word[] | Assign[];
    Assigns?: Assign[];
    Op?: number;
    X?: Stmt;
    Y?: Stmt;
    Stmts?: Stmt[];
    Cond?: Stmt[];
    Then?: Stmt[];
    Else?: Command | null;
    Do?: Stmt[];
    /** ForClause: `for Name in Items` (a WordIter), or a C-style loop. */
    Loop?: { Name?: { Value: string }; Items?: Word[] } | null;
    Items?: { Stmts: Stmt[] }[];
    Name?: { Value: string };
    Body?: Stmt;
    Stmt?: Stmt | null;
  }
  export interface Parser {
    Parse(src: string, name: string): File;
  }
  export interface Syntax {
    NewParser(...options: unknown[]): Parser;
    NodeType(node: unknown): string;
    /** Calls `visit` on every node under `node`, depth first; returning false skips a node's children. */
    Walk(node: Node, visit: (node: Node | null) => boolean): void;
    KeepComments(keep: boolean): unknown;
    Variant(lang: unknown): unknown;
    LangBash: unknown;
  }
  /** The package is CommonJS: one default export. */
  const sh: { syntax: Syntax };
  export default sh;
}
