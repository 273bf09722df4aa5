import { describe, expect, it } from 'vitest';
import { castTranscript, eventsUntil, parseCast, plainText } from '../../../shared/report/cast';
import { chartModel, renderTimelineSvg } from '../../../shared/report/chart';

describe('asciicast parsing', () => {
  it('reads the header, output and resize events, and skips a torn last line', () => {
    const cast = parseCast('{"version":2,"width":80,"height":24}\n[0.5,"o","a"]\n[1,"r","100x30"]\n[1.5,"i","x"]\n[2,"o","b"]\n[2.5,"o","tor');
    expect(cast.header).toEqual({ width: 80, height: 24 });
    expect(cast.events).toEqual([
      { time: 0.5, kind: 'o', data: 'a' },
      { time: 1, kind: 'r', cols: 100, rows: 30 },
      { time: 2, kind: 'o', data: 'b' },
    ]);
    expect(cast.duration).toBe(2);
    expect(cast.skipped).toBe(1);
  });

  it('rejects what is not asciicast v2 with a readable message', () => {
    expect(() => parseCast('')).toThrow(/empty/);
    expect(() => parseCast('hello')).toThrow(/header/);
    expect(() => parseCast('{"version":1,"width":1,"height":1}')).toThrow(/version 1/);
  });

  it('finds how many events have played by a time', () => {
    const { events } = parseCast('{"version":2,"width":80,"height":24}\n[0,"o","a"]\n[1,"o","b"]\n[1,"o","c"]\n[3,"o","d"]');
    expect(eventsUntil(events, -1)).toBe(0);
    expect(eventsUntil(events, 0)).toBe(1);
    expect(eventsUntil(events, 1)).toBe(3);
    expect(eventsUntil(events, 2.9)).toBe(3);
    expect(eventsUntil(events, 99)).toBe(4);
  });

  it('turns terminal output into plain text', () => {
    expect(plainText('\u001b[1;31mred\u001b[0m \u001b]0;title\u0007ok\r\n')).toBe('red ok\n');
    expect(plainText('abc\bd')).toBe('abd');
    expect(plainText('loading...\rdone')).toBe('doneing...');
    expect(castTranscript(parseCast('{"version":2,"width":80,"height":24}\n[0,"o","x\\r\\n"]\n[1,"o","y"]'))).toBe('x\ny');
  });
});

describe('timeline chart', () => {
  const timeline = [
    { id: 'a', time: '2026-01-01T10:00:00Z', sincePageMs: -60_000, kind: 'fault' as const, text: 'fault' },
    { id: 'b', time: '2026-01-01T10:01:00Z', sincePageMs: 0, kind: 'alert' as const, text: 'alert' },
    { id: 'c', time: '2026-01-01T10:31:00Z', sincePageMs: null, kind: 'resolution' as const, text: 'fixed' },
    { id: 'd', time: '2026-01-01T10:02:00Z', sincePageMs: 60_000, kind: 'phase' as const, text: 'not charted' },
  ];

  it('places events on the page-relative axis, deriving missing offsets from timestamps', () => {
    const model = chartModel(timeline, 20);
    expect(model.points.map((p) => [p.item.id, p.minutes])).toEqual([
      ['a', -1],
      ['b', 0],
      ['c', 30],
    ]);
    expect(model.resolvedAtMinutes).toBe(30);
    expect(model.domain.min).toBe(-1);
    expect(model.domain.max).toBeGreaterThanOrEqual(30);
    expect(model.parX).toBeGreaterThan(model.pageX);
    expect(model.points[2]!.x).toBeGreaterThan(model.parX);
  });

  it('draws an empty chart with par when nothing happened', () => {
    const svg = renderTimelineSvg([], 15);
    expect(svg).toContain('par 15 min');
    expect(svg).toContain('not mitigated');
    expect(svg).not.toContain('class="pt');
  });
});
