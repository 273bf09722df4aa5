import { describe, expect, it } from 'vitest';
import { escapeValue, OscFilter, parseMark, stripShellMarks, unescapeValue, type FilterPiece } from '../../../main/terminal/osc.js';

const E = '\x1b';
const B = '\x07';
const osc = (p: string): string => `${E}]633;${p}${B}`;

const sample =
  `${osc('P;FiredrillShell=14')}${osc('D;0')}${osc('P;Cwd=/tmp')}${E}[?2004h${osc('A')}root@c:/tmp# ${osc('B')}echo hello\r\n` +
  `${E}[?2004l\r${osc('P;FiredrillShell=14')}${osc('E;echo hello')}${osc('C')}hello\r\n${osc('D;0')}` +
  `${E}]0;window title${B}${E}]633;P;Cwd=/a\\x3bb${E}\\tail`;

function feed(chunks: string[]): { text: string; pieces: FilterPiece[] } {
  const filter = new OscFilter();
  const pieces = chunks.flatMap((c) => filter.push(c));
  return { text: pieces.map((p) => (p.type === 'text' ? p.data : '')).join(''), pieces };
}

describe('OscFilter', () => {
  const whole = feed([sample]);

  it('strips every OSC 633 and keeps everything else, other OSCs included', () => {
    expect(whole.text).toBe(`${E}[?2004hroot@c:/tmp# echo hello\r\n${E}[?2004l\rhello\r\n${E}]0;window title${B}tail`);
    expect(whole.text).not.toContain(']633');
  });

  it('parses the marks in order (BEL and ESC \\ terminators)', () => {
    const marks = whole.pieces.flatMap((p) => (p.type === 'mark' ? [p.mark] : []));
    expect(marks).toEqual([
      { kind: 'property', key: 'FiredrillShell', value: '14' },
      { kind: 'finished', exitCode: 0 },
      { kind: 'property', key: 'Cwd', value: '/tmp' },
      { kind: 'promptStart' },
      { kind: 'promptEnd' },
      { kind: 'property', key: 'FiredrillShell', value: '14' },
      { kind: 'commandLine', command: 'echo hello' },
      { kind: 'preExec' },
      { kind: 'finished', exitCode: 0 },
      { kind: 'property', key: 'Cwd', value: '/a;b' },
    ]);
  });

  it('gives the same result however the stream is split (every split point, and byte by byte)', () => {
    for (let i = 0; i <= sample.length; i += 1) {
      const split = feed([sample.slice(0, i), sample.slice(i)]);
      expect(split.text).toBe(whole.text);
    }
    const bytes = feed([...sample]);
    expect(bytes.text).toBe(whole.text);
    expect(bytes.pieces.filter((p) => p.type === 'mark')).toEqual(whole.pieces.filter((p) => p.type === 'mark'));
  });

  it('lets ordinary escape sequences through, even split after the ESC', () => {
    expect(feed([`a${E}`, '[31mred', `${E}[0m`]).text).toBe(`a${E}[31mred${E}[0m`);
  });

  it('holds a trailing lone ESC until flushed', () => {
    const filter = new OscFilter();
    expect(filter.push(`x${E}`)).toEqual([{ type: 'text', data: 'x' }]);
    expect(filter.holding).toBe(true);
    expect(filter.flushPendingEscape()).toBe(E);
  });

  it('recognises the lab request and the psql marks', () => {
    const { text, marks } = stripShellMarks(
      `${osc('FiredrillLab=hint;123x45')}${osc('FiredrillPsql;Q;select 1\\x3b')}${osc('FiredrillPsql;D;false;00000')}db=> `,
    );
    expect(text).toBe('db=> ');
    expect(marks).toEqual([
      { kind: 'lab', verb: 'hint', nonce: '123x45' },
      { kind: 'psqlQuery', query: 'select 1;' },
      { kind: 'psqlDone', error: false, sqlstate: '00000' },
    ]);
  });

  it('an unterminated OSC interrupted by another ESC is let through, the next one still parsed', () => {
    const { text, marks } = stripShellMarks(`${E}]0;broken${E}[1m${osc('C')}ok`);
    expect(text).toBe(`${E}]0;broken${E}[1mok`);
    expect(marks).toEqual([{ kind: 'preExec' }]);
  });
});

describe('escaping', () => {
  it('round-trips backslashes, semicolons, newlines and control characters', () => {
    const value = 'for i in 1 2; do\n\techo "a\\b"\x1b\x07; done';
    const escaped = escapeValue(value);
    for (const ch of [';', '\n', '\x1b', '\x07']) expect(escaped).not.toContain(ch);
    expect(unescapeValue(escaped)).toBe(value);
  });

  it('parses D without a code as null and unknown payloads as unknown', () => {
    expect(parseMark('D')).toEqual({ kind: 'finished', exitCode: null });
    expect(parseMark('Z;x')).toEqual({ kind: 'unknown', payload: 'Z;x' });
  });
});
