import { describe, expect, it } from 'vitest';
import { timelineFromEvents } from '../../../main/api/views/timeline.js';
import type { RunEvent } from '../../../main/engine/events/types.js';

const base = { id: 'e1', seq: 1, time: '2026-01-01T00:00:00.000Z', mono: 0 };

describe('timeline: refused capture marks', () => {
  it('shows each refused mark with its reason and text, and the count left out', () => {
    const events = [
      { ...base, type: 'capture.spoofed', terminal: 1, mark: 'commandLine', reason: 'a command line while a command runs', text: 'psql -c "explain analyze"' },
      { ...base, seq: 2, id: 'e2', type: 'capture.spoofed', terminal: 1, mark: 'any', reason: 'more refused marks than the log keeps', suppressed: 7 },
    ] as RunEvent[];
    expect(timelineFromEvents(events, { reveal: false }).map((i) => [i.kind, i.text, i.detail, i.ok])).toEqual([
      ['note', 'Forged terminal mark refused: a command line while a command runs', 'psql -c "explain analyze"', false],
      ['note', '7 more forged terminal marks refused', undefined, false],
    ]);
  });
});
