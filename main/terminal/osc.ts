/**
 * Host-side parser for the bastion's shell integration.
 *
 * The bastion shell (sandbox/images/bastion/firedrill-shell.bash) emits invisible OSC 633 sequences
 * the way VS Code's shell integration does:
 *
 *   ESC ] 633 ; A BEL                prompt start          ESC ] 633 ; B BEL     prompt end
 *   ESC ] 633 ; E ; <cmdline> BEL     command line (escaped) ESC ] 633 ; C BEL     about to execute
 *   ESC ] 633 ; D [; <exit code>] BEL finished               ESC ] 633 ; P ; Cwd=<escaped path> BEL
 *
 * plus Firedrill's own, all under 633 so one rule strips them:
 *
 *   ESC ] 633 ; P ; FiredrillShell=<pid> BEL      which shell the next E/C/D belong to (nested bash)
 *   ESC ] 633 ; FiredrillLab=<verb>;<nonce> BEL   the `lab` helper asks the host something
 *   ESC ] 633 ; FiredrillPsql;Q;<escaped sql> BEL  psql ran a statement (from its -L log)
 *   ESC ] 633 ; FiredrillPsql;D;<ERROR>;<SQLSTATE> BEL   psql is back at its prompt
 *
 * `OscFilter` removes every OSC 633 from the byte stream the learner sees (sequences may be split
 * across any number of chunks) and returns the marks in stream order. Other OSC sequences (window
 * titles, hyperlinks) pass through untouched. Escaping (as VS Code): `\\` is a backslash, `\xNN` a
 * character; the shell escapes `;`, backslash and every control character.
 */

export type ShellMark =
  | { kind: 'promptStart' }
  | { kind: 'promptEnd' }
  | { kind: 'preExec' }
  | { kind: 'finished'; exitCode: number | null }
  | { kind: 'commandLine'; command: string }
  | { kind: 'property'; key: string; value: string }
  | { kind: 'lab'; verb: string; nonce: string }
  | { kind: 'psqlQuery'; query: string }
  | { kind: 'psqlDone'; error: boolean | null; sqlstate: string }
  | { kind: 'unknown'; payload: string };

export type FilterPiece = { type: 'text'; data: string } | { type: 'mark'; mark: ShellMark };

const ESC = '\x1b';
const BEL = '\x07';
const ST8 = '\x9c';

/** An OSC longer than this without a terminator is not ours: let it through as text. */
const MAX_OSC = 256 * 1024;

/** Undo the shell's escaping: `\\` → `\`, `\xNN` → the character. */
export function unescapeValue(value: string): string {
  return value.replace(/\\(\\|x([0-9a-fA-F]{2}))/g, (_m, what: string, hex: string | undefined) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : what,
  );
}

/** The escaping the shell side applies (used by tests and by anything writing marks from TS). */
export function escapeValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === ';' || code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0))
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** Parses the payload of one OSC 633 (what follows `633;`). */
export function parseMark(payload: string): ShellMark {
  if (payload.startsWith('FiredrillLab=')) {
    const [verb = '', nonce = ''] = payload.slice('FiredrillLab='.length).split(';');
    return { kind: 'lab', verb, nonce };
  }
  const parts = payload.split(';');
  const head = parts[0];
  switch (head) {
    case 'A':
      return { kind: 'promptStart' };
    case 'B':
      return { kind: 'promptEnd' };
    case 'C':
      return { kind: 'preExec' };
    case 'D': {
      const raw = parts[1];
      const n = raw === undefined || raw === '' ? NaN : Number(raw);
      return { kind: 'finished', exitCode: Number.isInteger(n) ? n : null };
    }
    case 'E':
      return { kind: 'commandLine', command: unescapeValue(parts[1] ?? '') };
    case 'P': {
      const prop = parts.slice(1).join(';');
      const eq = prop.indexOf('=');
      if (eq < 0) return { kind: 'unknown', payload };
      return { kind: 'property', key: prop.slice(0, eq), value: unescapeValue(prop.slice(eq + 1)) };
    }
    case 'FiredrillPsql':
      if (parts[1] === 'Q') return { kind: 'psqlQuery', query: unescapeValue(parts[2] ?? '') };
      if (parts[1] === 'D') {
        const err = parts[2];
        return {
          kind: 'psqlDone',
          error: err === 'true' ? true : err === 'false' ? false : null,
          sqlstate: parts[3] ?? '',
        };
      }
      return { kind: 'unknown', payload };
    default:
      return { kind: 'unknown', payload };
  }
}

type State = 'text' | 'esc' | 'osc' | 'oscEsc';

/**
 * Streaming filter: feed it pty output chunk by chunk; it returns what the learner should see and
 * the marks, in order. Holds back at most an unterminated OSC (or a lone trailing ESC) between calls.
 */
export class OscFilter {
  private state: State = 'text';
  /** The raw bytes of a pending escape/OSC, so it can be let through if it is not ours. */
  private pending = '';

  push(chunk: string): FilterPiece[] {
    const pieces: FilterPiece[] = [];
    let text = '';
    const flushText = (): void => {
      if (text) pieces.push({ type: 'text', data: text });
      text = '';
    };
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'text') {
        const at = chunk.indexOf(ESC, i);
        if (at < 0) {
          text += chunk.slice(i);
          break;
        }
        text += chunk.slice(i, at);
        this.state = 'esc';
        this.pending = ESC;
        i = at + 1;
        continue;
      }
      const ch = chunk[i]!;
      if (this.state === 'esc') {
        if (ch === ']') {
          this.state = 'osc';
          this.pending += ch;
        } else if (ch === ESC) {
          text += this.pending;
          this.pending = ESC;
        } else {
          text += this.pending + ch;
          this.pending = '';
          this.state = 'text';
        }
        i += 1;
        continue;
      }
      if (this.state === 'osc') {
        // Copy up to the next possible terminator in one go.
        let j = i;
        while (j < chunk.length) {
          const c = chunk[j]!;
          if (c === BEL || c === ESC || c === ST8) break;
          j += 1;
        }
        this.pending += chunk.slice(i, j);
        i = j;
        if (j >= chunk.length) break;
        const c = chunk[j]!;
        i += 1;
        if (c === ESC) {
          this.state = 'oscEsc';
          continue;
        }
        this.finishOsc(c, pieces, () => (text += this.pending), flushText);
        continue;
      }
      // oscEsc: ESC inside an OSC: `ESC \` terminates it; anything else aborts it (as terminals do).
      if (ch === '\\') {
        i += 1;
        this.finishOsc(`${ESC}\\`, pieces, () => (text += this.pending), flushText);
      } else {
        // Let the broken OSC through as text and restart at this ESC.
        text += this.pending;
        this.pending = ESC;
        this.state = 'esc';
      }
      continue;
    }
    if (this.state === 'osc' && this.pending.length > MAX_OSC) {
      text += this.pending;
      this.pending = '';
      this.state = 'text';
    }
    flushText();
    return pieces;
  }

  /** A lone ESC held at the end of a chunk (the rest never came): let it through. */
  flushPendingEscape(): string {
    if (this.state !== 'esc') return '';
    const out = this.pending;
    this.pending = '';
    this.state = 'text';
    return out;
  }

  /** true while part of an escape sequence is held back. */
  get holding(): boolean {
    return this.state !== 'text';
  }

  private finishOsc(terminator: string, pieces: FilterPiece[], passThrough: () => void, flushText: () => void): void {
    const body = this.pending.slice(2); // after ESC ]
    if (body.startsWith('633;')) {
      flushText();
      pieces.push({ type: 'mark', mark: parseMark(body.slice(4)) });
    } else {
      this.pending += terminator;
      passThrough();
    }
    this.pending = '';
    this.state = 'text';
  }
}

/** One-shot convenience: the visible text and the marks of a complete string. */
export function stripShellMarks(data: string): { text: string; marks: ShellMark[] } {
  const pieces = new OscFilter().push(data);
  return {
    text: pieces.map((p) => (p.type === 'text' ? p.data : '')).join(''),
    marks: pieces.flatMap((p) => (p.type === 'mark' ? [p.mark] : [])),
  };
}
