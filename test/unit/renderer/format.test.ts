import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../renderer/src/lib/format';

describe('durations relative to the page', () => {
  it('formats minutes and seconds, and hours when needed', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(75_000)).toBe('01:15');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });

  it('marks whole seconds before the page as negative, but never shows -00:00', () => {
    expect(formatDuration(-45_000)).toBe('-00:45');
    expect(formatDuration(-400)).toBe('00:00');
  });
});
