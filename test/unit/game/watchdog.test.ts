import { describe, expect, it } from 'vitest';
import { runWatchdog, type WatchdogDeps } from '../../../main/game/watchdog.js';
import { isExpired, LABELS } from '../../../sandbox/runtime.js';

function harness(overrides: Partial<WatchdogDeps> & { diesAt?: number; endsAt?: number } = {}) {
  let now = 1_000_000;
  const cleaned: { gameId: string; at: number }[] = [];
  const deps: WatchdogDeps = {
    ownerPid: 4242,
    gameId: 'drill-1',
    ttlMs: 60_000,
    deadline: now + 3_600_000,
    alive: () => overrides.diesAt === undefined || now < overrides.diesAt,
    ended: () => overrides.endsAt !== undefined && now >= overrides.endsAt,
    cleanup: async (gameId) => {
      cleaned.push({ gameId, at: now });
      return 7;
    },
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...overrides,
  };
  return { deps, cleaned, start: now };
}

describe("the dead man's switch watchdog", () => {
  it('removes the game TTL after the owner died, not before', async () => {
    const { deps, cleaned, start } = harness({ diesAt: 1_000_000 + 10_000 });
    const outcome = await runWatchdog(deps);
    expect(outcome).toMatchObject({ reason: 'owner-died', removed: 7 });
    expect(cleaned).toHaveLength(1);
    expect(cleaned[0]!.gameId).toBe('drill-1');
    const since = cleaned[0]!.at - (start + 10_000);
    // Noticed within one poll of the death, then waited the full TTL.
    expect(since).toBeGreaterThanOrEqual(60_000);
    expect(since).toBeLessThanOrEqual(60_000 + 500);
  });

  it('exits without removing anything when the game ended normally', async () => {
    const { deps, cleaned } = harness({ endsAt: 1_000_000 + 5_000 });
    expect(await runWatchdog(deps)).toEqual({ reason: 'ended' });
    expect(cleaned).toEqual([]);
  });

  it('removes everything at the deadline even while the owner lives (a machine that slept)', async () => {
    const { deps, cleaned, start } = harness({ deadline: 1_000_000 + 120_000 });
    expect(await runWatchdog(deps)).toMatchObject({ reason: 'deadline' });
    expect(cleaned.map((c) => c.at)).toEqual([start + 120_000]);
  });

  it('labels carry the deadline: isExpired reads it, objects without one never expire', () => {
    expect(isExpired({ [LABELS.deadline]: '1000' }, 999)).toBe(false);
    expect(isExpired({ [LABELS.deadline]: '1000' }, 1000)).toBe(true);
    expect(isExpired({ [LABELS.run]: 'r' }, Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(isExpired({ [LABELS.deadline]: 'soon' }, 5)).toBe(false);
  });
});
