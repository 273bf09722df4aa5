import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../shared/format/duration';

describe('the one duration formatter', () => {
  it('clock: minutes and seconds, and hours when needed', () => {
    expect(formatDuration(0, 'clock')).toBe('00:00');
    expect(formatDuration(75_000, 'clock')).toBe('01:15');
    expect(formatDuration(3_725_000, 'clock')).toBe('1:02:05');
  });

  it('clock: marks whole seconds before the page as negative, but never shows -00:00', () => {
    expect(formatDuration(-45_000, 'clock')).toBe('-00:45');
    expect(formatDuration(-400, 'clock')).toBe('00:00');
  });

  it('clock offsets: a sign always, unpadded minutes, no hours, rounded to the nearest second', () => {
    const offset = { sign: 'always', padMinutes: false, hours: false, rounding: 'nearest' } as const;
    expect(formatDuration(29_600, 'clock', offset)).toBe('+0:30');
    expect(formatDuration(-90_000, 'clock', offset)).toBe('-1:30');
    expect(formatDuration(75 * 60_000, 'clock', offset)).toBe('+75:00');
    expect(formatDuration(125_000, 'clock', { sign: 'always', hours: false, rounding: 'nearest' })).toBe('+02:05');
  });

  it('units: the way scenario files write durations', () => {
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(90_000, 'units')).toBe('1m30s');
  });

  it('minutes: scores and evidence, never negative', () => {
    expect(formatDuration(725_000, 'minutes')).toBe('12m05s');
    expect(formatDuration(-5_000, 'minutes')).toBe('0m00s');
  });
});
