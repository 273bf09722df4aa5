import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsciicastWriter } from '../../../main/terminal/asciicast.js';
import { castOutput, parseCast } from '../../../shared/report/cast.js';

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
    const cast = parseCast(text);
    expect(cast.events).toEqual([
      { time: 0, kind: 'o', data: 'hello "world"\r\n' },
      { time: 1.5, kind: 'r', cols: 120, rows: 40 },
      { time: 2.2505, kind: 'o', data: '\x1b[31mred\x1b[0m ünïcode\n' },
    ]);
    expect(cast.skipped).toBe(0);
    expect(castOutput(cast)).toBe('hello "world"\r\n\x1b[31mred\x1b[0m ünïcode\n');
  });

  it('reads past a torn last line (a crash while recording) and counts what it skipped', () => {
    const header = JSON.stringify({ version: 2, width: 80, height: 24 });
    const torn = parseCast(`${header}\n[0.1,"o","a"]\n[0.2,"o","b`);
    expect(torn.events).toEqual([{ time: 0.1, kind: 'o', data: 'a' }]);
    expect(torn.skipped).toBe(1);
    expect(() => parseCast('{"version":1}\n')).toThrow(/version 1/);
    expect(() => parseCast('')).toThrow(/empty/);
  });

  it('a full disk stops the recording with its error instead of ending the process', async () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const writer = new AsciicastWriter('/dev/full', { cols: 80, rows: 24 });
    writer.output('hello');
    await new Promise((resolve) => setTimeout(resolve, 50));
    writer.output('more');
    writer.resize(100, 40);
    await writer.close();
    expect((writer.error as NodeJS.ErrnoException | null)?.code).toBe('ENOSPC');
  });
});
