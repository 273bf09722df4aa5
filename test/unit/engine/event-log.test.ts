import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLog, readEvents } from '../../../main/engine/events/event-log.js';

const path = () => join(mkdtempSync(join(tmpdir(), 'fd-log-')), 'events.jsonl');

describe('the session event log is append-only and survives a crash', () => {
  it('writes one JSON object per line with ids, wall-clock and monotonic time', () => {
    const file = path();
    let mono = 100;
    const log = new EventLog(file, { now: () => new Date('2026-01-01T00:00:00Z'), monotonic: () => (mono += 50) });
    log.append({ type: 'hint.unlocked', hintId: 'a', index: 0 });
    log.append({ type: 'hint.shown', hintId: 'a', index: 0, text: 'look' });
    log.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['e1', 'e2']);
    expect(lines[0].time).toBe('2026-01-01T00:00:00.000Z');
    expect(lines[1].mono).toBeGreaterThan(lines[0].mono);
  });

  it('keeps every whole line when the last one was torn by a crash', () => {
    const file = path();
    const log = new EventLog(file);
    log.append({ type: 'hint.unlocked', hintId: 'a', index: 0 });
    log.close();
    appendFileSync(file, '{"seq":2,"id":"e2","type":"hint.sh'); // a write cut short by SIGKILL
    const { events, damaged } = readEvents(file);
    expect(events).toHaveLength(1);
    expect(damaged).toEqual([{ line: 2, text: '{"seq":2,"id":"e2","type":"hint.sh' }]);
  });

  it('continues the numbering when a log is reopened instead of starting over', () => {
    const file = path();
    const first = new EventLog(file);
    first.append({ type: 'hint.unlocked', hintId: 'a', index: 0 });
    first.close();
    const second = new EventLog(file);
    expect(second.append({ type: 'hint.unlocked', hintId: 'b', index: 1 }).seq).toBe(2);
    second.close();
  });

  it('refuses to write after close rather than losing events silently', () => {
    const log = new EventLog(path());
    log.close();
    expect(() => log.append({ type: 'hint.unlocked', hintId: 'a', index: 0 })).toThrow(/closed/);
  });
});
