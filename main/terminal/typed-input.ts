/**
 * What the learner typed into the pty, in Enter-terminated lines, so a captured command line can be
 * cross-checked against it: a line the shell reports must be one the learner typed (bash joins a
 * multi-line command and psql splits a line into statements, so lines are compared with
 * whitespace and `;` removed, over runs of consecutive lines).
 *
 * A line typed with editing keys (arrows, Tab, Ctrl-R, any escape sequence) cannot be rebuilt
 * here: it matches any one command line (with the plain lines around it in the run). Such lines are dropped
 * when the command they were typed into ends, so a vim session never leaves credit lying around.
 *
 * In a shared terminal each line also keeps who typed it (who pressed its Enter: the keyboard's holder then),
 * and a claim says whose line it was, so a command typed ahead while another ran is still its typist's.
 */

export interface TypedLine {
  /** The printable text of the line, after backspaces, Ctrl-U and Ctrl-C. */
  text: string;
  /** Typed with keys whose effect cannot be rebuilt (history, completion, cursor moves). */
  edited: boolean;
  /** Who pressed the line's Enter (shared terminals); absent in a solo terminal. */
  by?: string;
}

/** A claimed command line: whose it was (the last line's typist, who sent it). */
export interface TypedClaim {
  by?: string;
}

/** Kept lines at most (oldest dropped): enough for typeahead and multi-line commands. */
const MAX_LINES = 64;
const MAX_LINE = 16 * 1024;

// eslint-disable-next-line no-control-regex -- matching the ESC of terminal key sequences is the point
const PASTE_MARKERS = /\x1b\[20[01]~/g;
/** CSI, SS3 or a meta key: ESC and what follows it as one key. */
// eslint-disable-next-line no-control-regex -- as above
const ESCAPE_KEY = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/s;

export type ClaimMode = 'shell' | 'psql';

/** Whitespace and `;` do not count (bash and psql re-join and split lines); psql also drops `--` comments. */
export function normaliseTyped(text: string, mode: ClaimMode = 'shell'): string {
  // A backslash-newline continues the line (bash may keep or drop it in history).
  const joined = text.replace(/\\\n/g, '');
  const body = mode === 'psql' ? joined.replace(/--[^\n]*/g, '') : joined;
  return body.replace(/[\s;]+/g, '');
}

/** psql meta-commands whose statements come from elsewhere (a file, an editor): wildcards. */
const PSQL_FROM_ELSEWHERE = /^\\(i|ir|include|include_relative|e|edit|ef|ev)\b/;

export class TypedInput {
  private lines: TypedLine[] = [];
  private current: TypedLine = { text: '', edited: false };

  /** Feed learner input as it goes to the pty; `by`: who typed it (a shared terminal's holder). */
  push(data: string, by?: string): void {
    const input = data.replace(PASTE_MARKERS, '');
    let i = 0;
    while (i < input.length) {
      const ch = input[i]!;
      if (ch === '\r' || ch === '\n') {
        this.endLine(by);
        // \r\n from a paste is one Enter.
        i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
        continue;
      }
      if (ch === '\x1b') {
        const key = ESCAPE_KEY.exec(input.slice(i, i + 32))?.[0] ?? ch;
        this.current.edited = true;
        i += key.length;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (ch === '\x7f' || ch === '\b') this.current.text = this.current.text.slice(0, -1);
      else if (ch === '\x03' || ch === '\x15') this.current = { text: '', edited: false };
      else if (code < 0x20) this.current.edited = true;
      else if (this.current.text.length < MAX_LINE) this.current.text += ch;
      i += 1;
    }
  }

  /**
   * Does `typed` (a command line, or a psql prompt's statements joined) match a run of consecutive
   * typed lines? The earliest match is consumed with everything before it; null when none matches.
   */
  claim(typed: string, mode: ClaimMode = 'shell'): TypedClaim | null {
    const target = normaliseTyped(typed, mode);
    const lines = this.lines.map((line) => this.forMode(line, mode));
    // A run's normalised text is at least its lines' own, less one continuation backslash per line.
    const least = lines.map((l) => (l === null || l.edited ? 0 : Math.max(0, normaliseTyped(l.text, mode).length - 1)));
    for (let end = 0; end < lines.length; end++) {
      let length = 0;
      for (let start = end; start >= 0; start--) {
        length += least[start]!;
        // Longer runs only grow: stop once they cannot equal the target (keeps a claim linear-ish).
        if (length > target.length) break;
        const run = lines.slice(start, end + 1).filter((l): l is TypedLine => l !== null);
        if (run.length === 0) continue;
        if (this.matches(run, target, mode)) {
          const by = this.lines[end]!.by;
          this.lines = this.lines.slice(end + 1);
          return by === undefined ? {} : { by };
        }
      }
    }
    return null;
  }

  /** The command the lines were typed into ended: lines with editing keys were its input, not commands. */
  commandEnded(): void {
    this.lines = this.lines.filter((l) => !l.edited);
  }

  /** Lines not yet claimed (tests). */
  pending(): readonly TypedLine[] {
    return this.lines;
  }

  private forMode(line: TypedLine, mode: ClaimMode): TypedLine | null {
    if (mode !== 'psql') return line;
    const text = line.text.trim();
    if (PSQL_FROM_ELSEWHERE.test(text)) return { text: '', edited: true };
    // Other meta-commands send no statement (`\x`, `\d orders`, `\! cmd`).
    if (text.startsWith('\\')) return null;
    return line;
  }

  private matches(run: TypedLine[], target: string, mode: ClaimMode): boolean {
    if (!run.some((l) => l.edited)) return normaliseTyped(run.map((l) => l.text).join('\n'), mode) === target;
    return run.every((l) => l.edited || target.includes(normaliseTyped(l.text, mode)));
  }

  private endLine(by: string | undefined): void {
    this.lines.push(by === undefined ? this.current : { ...this.current, by });
    if (this.lines.length > MAX_LINES) this.lines.shift();
    this.current = { text: '', edited: false };
  }
}
