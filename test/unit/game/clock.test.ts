/**
 * The game clock (pause, resume, extend) and where its deadline lives for the dead man's switch.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GameClock, GameClockError, MAX_EXTENSION_MS } from '../../../main/game/clock.js';
import { DEADLINE_FILE, readGameDeadline, readGameDeadlines, writeGameDeadline } from '../../../main/game/deadline-file.js';
import { runWatchdog } from '../../../main/game/watchdog.js';

const MIN = 60_000;

describe('the game clock', () => {
  it('counts the time box down, freezes it while paused and adds extensions', () => {
    const clock = new GameClock(0, 30 * MIN, 5 * MIN);
    expect(clock.view(10 * MIN)).toMatchObject({ paused: false, remainingMs: 20 * MIN, endsAt: 30 * MIN, pausedMs: 0, extendedMs: 0 });
    expect(clock.deadline(10 * MIN)).toBe(35 * MIN);
    clock.pause(10 * MIN);
    // Frozen: the time left stays, the end and the deadline move with the pause.
    expect(clock.view(14 * MIN)).toMatchObject({ paused: true, pausedAt: 10 * MIN, remainingMs: 20 * MIN, pausedMs: 4 * MIN, endsAt: 34 * MIN });
    expect(clock.deadline(14 * MIN)).toBe(39 * MIN);
    expect(clock.resume(16 * MIN)).toBe(6 * MIN);
    expect(clock.view(16 * MIN)).toMatchObject({ paused: false, remainingMs: 20 * MIN, endsAt: 36 * MIN });
    clock.extend(10 * MIN);
    expect(clock.view(20 * MIN)).toMatchObject({ remainingMs: 26 * MIN, timeBoxMs: 40 * MIN, extendedMs: 10 * MIN, endsAt: 46 * MIN });
    expect(clock.deadline(20 * MIN)).toBe(51 * MIN);
    expect(clock.view(60 * MIN).remainingMs).toBe(0);
  });

  it('refuses what makes no sense, in words', () => {
    const clock = new GameClock(0, 30 * MIN, 5 * MIN);
    expect(() => clock.resume(1)).toThrow(/not paused/);
    clock.pause(1);
    expect(() => clock.pause(2)).toThrow(GameClockError);
    clock.resume(3);
    expect(() => clock.extend(0)).toThrow(/positive/);
    expect(() => clock.extend(MAX_EXTENSION_MS + 1)).toThrow(/at most 240 minutes/);
    // Over: extend, do not pause.
    expect(() => clock.pause(31 * MIN)).toThrow(/time box is over/);
  });
});

describe('the deadline file', () => {
  it('is written atomically and read back per game; a missing or broken one keeps the label', () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-deadline-'));
    const a = join(home, 'games', 'a');
    const b = join(home, 'games', 'b');
    const c = join(home, 'games', 'c');
    expect(readGameDeadlines(home)).toEqual({});
    for (const dir of [a, b, c]) mkdirSync(dir, { recursive: true });
    writeGameDeadline(a, 1234);
    writeGameDeadline(b, 99);
    writeFileSync(join(c, DEADLINE_FILE), '{"deadline": "soon"');
    expect(readGameDeadline(a)).toBe(1234);
    expect(readGameDeadline(c)).toBeNull();
    expect(readGameDeadlines(home)).toEqual({ a: 1234, b: 99 });
  });

  it('the watchdog reads the moved deadline: an extension keeps the sandboxes, an earlier one takes them', async () => {
    let now = 0;
    let moved: number | null = 50_000;
    const removedAt: number[] = [];
    const outcome = runWatchdog({
      ownerPid: 1,
      gameId: 'g',
      ttlMs: 10_000,
      deadline: 20_000,
      movedDeadline: () => moved,
      alive: () => true,
      ended: () => false,
      cleanup: async () => {
        removedAt.push(now);
        return 3;
      },
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        // The facilitator extends once more at 40 s.
        if (now >= 40_000 && moved === 50_000) moved = 70_000;
      },
    });
    expect(await outcome).toEqual({ reason: 'deadline', removed: 3, at: 70_000 });
    expect(removedAt).toEqual([70_000]);
  });
});
