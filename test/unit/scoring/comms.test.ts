import { describe, expect, it } from 'vitest';
import type { EventPayload, RunEvent } from '../../../main/engine/events/types.js';
import { evaluateComms, substanceProblem } from '../../../main/scoring/comms.js';

const MIN = 60_000;
const PAGE = 2 * MIN;

/** A log: created (with the requirement), paged at PAGE, then the given events at ms after the page. */
function log(requirement: { firstWithinMs: number | null; everyMs: number | null } | null, rest: [number, EventPayload][]): RunEvent[] {
  const payloads: [number, EventPayload][] = [
    [0, { type: 'run.created', runId: 'r', scenario: 's', scenarioDir: '/s', scenarioTitle: 'S', variant: null, seed: 1, runtime: 'docker', parMinutes: 20, ...(requirement ? { comms: requirement } : {}) }],
    [PAGE, { type: 'phase.changed', from: 'injecting', to: 'live' }],
    ...rest.map(([at, payload]): [number, EventPayload] => [PAGE + at, payload]),
  ];
  return payloads
    .sort((a, b) => a[0] - b[0])
    .map(([mono, payload], i) => ({ seq: i + 1, id: `e${i + 1}`, time: new Date(Date.UTC(2026, 0, 1) + mono).toISOString(), mono, ...payload }) as RunEvent);
}

const update = (at: number, message: string, author: string | null = 'alice'): [number, EventPayload] => [at, { type: 'status.update', author, message }];
const resolved = (at: number): [number, EventPayload] => [at, { type: 'resolution.reached', resolutionId: 'fix', points: 10, heldMs: 30_000 }];
const CADENCE = { firstWithinMs: 10 * MIN, everyMs: 15 * MIN };

describe('the comms criterion', () => {
  it('is met when the first update comes within the limit and no gap is longer than the cadence', () => {
    const result = evaluateComms(
      log(CADENCE, [
        update(4 * MIN, 'Checkout is slow for all users; investigating the database'),
        update(18 * MIN, 'Found a missing index on orders; adding it now, next update in 15 minutes'),
        update(30 * MIN, 'Index added, p95 back under 200 ms; watching for 10 more minutes'),
        resolved(40 * MIN),
      ]),
    );
    expect(result.met).toBe(true);
    expect(result.counted).toBe(3);
    expect(result.firstAfterMs).toBe(4 * MIN);
    expect(result.longestGapMs).toBe(14 * MIN);
    expect(result.closedAtMs).toBe(40 * MIN);
    expect(result.rules.map((r) => [r.id, r.state, r.detail])).toEqual([
      ['firstWithin', 'met', 'first update 04:00 after the page'],
      ['every', 'met', 'longest gap 14:00'],
    ]);
    expect(result.nextDueInMs).toBeNull();
  });

  it('fails the first rule when the first update is late, and says when it came', () => {
    const result = evaluateComms(log(CADENCE, [update(12 * MIN, 'Database is down, failing over to the replica'), resolved(20 * MIN)]));
    expect(result.rules[0]).toMatchObject({ id: 'firstWithin', state: 'failed', detail: 'first update 12:00 after the page' });
    expect(result.rules[1]).toMatchObject({ id: 'every', state: 'met' });
    expect(result.met).toBe(false);
  });

  it('fails the cadence on a gap too long, including from the last update to the resolution', () => {
    const between = evaluateComms(
      log(CADENCE, [update(5 * MIN, 'Users see errors on checkout, looking at it'), update(25 * MIN, 'Rolled back the deploy, errors are dropping'), resolved(30 * MIN)]),
    );
    expect(between.rules[1]).toMatchObject({ state: 'failed', detail: '20:00 without an update (05:00 to 25:00)' });
    expect(between.longestGapMs).toBe(20 * MIN);

    const toTheEnd = evaluateComms(log(CADENCE, [update(5 * MIN, 'Users see errors on checkout, looking at it'), resolved(22 * MIN)]));
    expect(toTheEnd.rules[1]).toMatchObject({ state: 'failed', detail: '17:00 without an update (05:00 to 22:00)' });
    expect(toTheEnd.met).toBe(false);
  });

  it('does not count empty, too short or repeated updates, and says why', () => {
    const result = evaluateComms(
      log(CADENCE, [
        update(1 * MIN, '   '),
        update(2 * MIN, 'investigating'),
        update(3 * MIN, 'ok ok ok ok'),
        update(4 * MIN, 'Checkout errors for all users; investigating'),
        update(8 * MIN, 'checkout errors for ALL users... investigating!'),
        resolved(10 * MIN),
      ]),
    );
    expect(result.updates.map((u) => [u.counted, u.why ?? null])).toEqual([
      [false, 'empty'],
      [false, expect.stringMatching(/^too short/)],
      [false, expect.stringMatching(/^too short/)],
      [true, null],
      [false, 'repeats an earlier update'],
    ]);
    expect(result.counted).toBe(1);
    // The repeat does not close the gap: only what says something does.
    expect(result.longestGapMs).toBe(6 * MIN);
  });

  it('keeps updates before the page out of the count (nothing was known yet)', () => {
    const events = log(CADENCE, [update(-1 * MIN, 'Heads up, a deploy is going out now'), resolved(8 * MIN)]);
    const result = evaluateComms(events);
    expect(result.updates).toEqual([expect.objectContaining({ counted: false, why: 'before the page', sincePageMs: -MIN })]);
    expect(result.firstAfterMs).toBeNull();
    expect(result.rules[0]).toMatchObject({ state: 'failed', detail: 'no update within 10:00 of the page' });
  });

  it('judges nothing without a requirement, but still lists and counts the updates (solo practice)', () => {
    const result = evaluateComms(log(null, [update(3 * MIN, 'Checkout is slow, looking at the database', null), resolved(9 * MIN)]));
    expect(result.requirement).toBeNull();
    expect(result.rules).toEqual([]);
    expect(result.met).toBeNull();
    expect(result.nextDueInMs).toBeNull();
    expect(result.counted).toBe(1);
    expect(result.updates[0]!.author).toBeNull();
  });

  it('while live: pending rules, the next update due from the last one, overdue as a negative', () => {
    const events = log(CADENCE, [update(4 * MIN, 'Checkout is slow for all users; investigating')]);
    const live = evaluateComms(events, { nowSincePageMs: 10 * MIN });
    expect(live.closedAtMs).toBeNull();
    expect(live.rules.map((r) => r.state)).toEqual(['met', 'pending']);
    expect(live.met).toBeNull();
    expect(live.nextDueInMs).toBe(9 * MIN);
    const overdue = evaluateComms(events, { nowSincePageMs: 21 * MIN });
    expect(overdue.nextDueInMs).toBe(-2 * MIN);
    expect(overdue.rules[1]).toMatchObject({ state: 'failed', detail: '17:00 without an update (04:00 to 21:00)' });

    const none = evaluateComms(log(CADENCE, []), { nowSincePageMs: 3 * MIN });
    expect(none.nextDueInMs).toBe(7 * MIN);
    expect(none.rules[0]).toMatchObject({ state: 'pending' });
  });

  it('with only a cadence, the stretch from the page to the first update counts as a gap', () => {
    const result = evaluateComms(log({ firstWithinMs: null, everyMs: 5 * MIN }, [update(7 * MIN, 'Errors on checkout, rolling back the deploy'), resolved(9 * MIN)]));
    expect(result.rules).toEqual([expect.objectContaining({ id: 'every', state: 'failed', detail: '07:00 without an update (00:00 to 07:00)' })]);
  });

  it("leaves the minutes the facilitator paused the game clock out, as time to detect and mitigate do", () => {
    const pause = (at: number, action: 'pause' | 'resume'): [number, EventPayload] => [at, { type: 'facilitator.action', action, game: 'g' }];
    const result = evaluateComms(
      log(CADENCE, [
        pause(2 * MIN, 'pause'),
        pause(8 * MIN, 'resume'),
        update(12 * MIN, 'Checkout errors for everyone, looking at the deploy'),
        pause(15 * MIN, 'pause'),
        pause(20 * MIN, 'resume'),
        update(30 * MIN, 'Rolled back, errors dropping, watching it'),
        pause(31 * MIN, 'pause'),
        pause(40 * MIN, 'resume'),
        resolved(42 * MIN),
      ]),
    );
    expect(result.firstAfterMs).toBe(6 * MIN);
    expect(result.rules.map((r) => [r.state, r.detail])).toEqual([
      ['met', 'first update 06:00 after the page (06:00 of paused clock left out)'],
      ['met', 'longest gap 13:00, 05:00 of paused clock left out'],
    ]);
    expect(result.longestGapMs).toBe(13 * MIN);

    // While the clock is held, the countdown to the next update stands still.
    const held = log(CADENCE, [update(1 * MIN, 'Checkout errors for everyone, looking at the deploy'), pause(5 * MIN, 'pause')]);
    expect(evaluateComms(held, { nowSincePageMs: 6 * MIN }).nextDueInMs).toBe(11 * MIN);
    expect(evaluateComms(held, { nowSincePageMs: 40 * MIN }).nextDueInMs).toBe(11 * MIN);
  });

  it('treats a message that is not text (an untrusted imported log) as empty', () => {
    const events = log(CADENCE, [[1 * MIN, { type: 'status.update', author: null, message: 42 as unknown as string }]]);
    expect(evaluateComms(events).updates[0]).toMatchObject({ message: '', counted: false, why: 'empty' });
  });

  it('substance: a few different words that are not a repeat', () => {
    expect(substanceProblem('DB down, failing over', [])).toBeNull();
    expect(substanceProblem('DB down, failing over', ['db DOWN failing over'])).toBe('repeats an earlier update');
    expect(substanceProblem('a b', [])).toMatch(/too short/);
  });
});
