import { describe, expect, it } from 'vitest';
import { timelineFromEvents } from '../../../main/api/views/timeline.js';
import type { RunEvent } from '../../../main/engine/events/types.js';

const at = (seq: number) => ({ id: `e${seq}`, seq, time: '2026-01-01T00:00:00.000Z', mono: seq });
const command = { type: 'command', terminal: 1, source: 'shell', exitCode: 0, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:00.000Z', durationMs: 1 };

describe('timeline: shared terminals', () => {
  it('shows who took, took over and left each keyboard, and who ran each command', () => {
    const events = [
      { ...at(1), type: 'terminal.keyboard', terminal: 1, holder: 'alice' },
      { ...at(2), ...command, command: 'psql -c "select 1"', by: 'alice' },
      { ...at(3), type: 'terminal.keyboard', terminal: 1, holder: 'bob' },
      { ...at(4), type: 'terminal.keyboard', terminal: 2, holder: 'facilitator' },
      { ...at(5), type: 'terminal.keyboard', terminal: 1, holder: null },
      { ...at(6), ...command, command: 'ls' },
    ] as RunEvent[];
    expect(timelineFromEvents(events, { reveal: false }).map((i) => [i.kind, i.text, i.detail])).toEqual([
      ['note', 'alice took the keyboard of terminal 1', undefined],
      ['command', 'psql -c "select 1"', 'alice · terminal 1 · exit 0'],
      ['note', 'bob took over the keyboard of terminal 1 from alice', undefined],
      ['note', 'facilitator took the keyboard of terminal 2', undefined],
      ['note', 'bob left the keyboard of terminal 1', undefined],
      // A solo terminal's command names nobody.
      ['command', 'ls', 'terminal 1 · exit 0'],
    ]);
  });
});
