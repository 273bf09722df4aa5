import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsciicastWriter, castOutput, parseAsciicast } from '../../../main/terminal/asciicast.js';

describe('asciicast v2', () => {
  it('writes a header, output and resize events that the reader parses back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cast-'));
    let t = 0;
    const clock = { now: () => new Date('2025-01-01T00:00:00Z'), monotonic: () => t };
    const path = join(dir, 'terminal-1.cast');
    const writer = new AsciicastWriter(path, { cols: 100, rows: 30 }, { clock });
    writer.output('hello "world"\r\n');
    t = 1500;
    writer.resize(120, 40);
    t = 2250.5;
    writer.output('\x1b[31mred\x1b[0m ünïcode\n');
    writer.output('');
    await writer.close();
    const text = readFileSync(path, 'utf8');
    const first = JSON.parse(text.split('\n')[0]!);
    expect(first).toMatchObject({ version: 2, width: 100, height: 30, timestamp: 1735689600 });
    expect(first.env).toMatchObject({ TERM: 'xterm-256color' });
    const cast = parseAsciicast(text);
    expect(cast.events).toEqual([
      [0, 'o', 'hello "world"\r\n'],
      [1.5, 'r', '120x40'],
      [2.2505, 'o', '\x1b[31mred\x1b[0m ünïcode\n'],
    ]);
    expect(castOutput(cast)).toBe('hello "world"\r\n\x1b[31mred\x1b[0m ünïcode\n');
  });

  it('tolerates a torn last line but names a bad line elsewhere', () => {
    const header = JSON.stringify({ version: 2, width: 80, height: 24 });
    expect(parseAsciicast(`${header}\n[0.1,"o","a"]\n[0.2,"o","b`).events).toEqual([[0.1, 'o', 'a']]);
    expect(() => parseAsciicast(`${header}\n[0.1,"o"\n[0.2,"o","b"]\n`)).toThrow(/line 2/);
    expect(() => parseAsciicast('{"version":1}\n')).toThrow(/line 1/);
    const dir = mkdtempSync(join(tmpdir(), 'cast-'));
    writeFileSync(join(dir, 'x.cast'), '');
    expect(() => parseAsciicast('')).toThrow(/empty/);
  });
});
