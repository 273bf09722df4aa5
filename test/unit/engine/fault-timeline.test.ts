import { describe, expect, it } from 'vitest';
import { runFaultTimeline } from '../../../main/engine/faults/timeline.js';
import { faultStepSchema } from '../../../main/engine/scenario/schema.js';

const step = (raw: Record<string, unknown>) => faultStepSchema.parse({ action: { stop: { service: 'x' } }, ...raw });

describe('the fault timeline', () => {
  it('runs "after" steps once their parent is applied, plus their delay', async () => {
    const order: string[] = [];
    const waits: number[] = [];
    await runFaultTimeline(
      [step({ id: 'second', after: 'first', delay: '5s' }), step({ id: 'first', at: 0 }), step({ id: 'third', after: 'second' })],
      { apply: async (s) => void order.push(s.id), sleep: async (ms) => void waits.push(ms), now: () => 0 },
    );
    expect(order).toEqual(['first', 'second', 'third']);
    expect(waits).toContain(5000);
  });

  it('stops at the first failing step', async () => {
    const applied: string[] = [];
    await expect(
      runFaultTimeline([step({ id: 'a', at: 0 }), step({ id: 'b', after: 'a' })], {
        apply: async (s) => {
          if (s.id === 'a') throw new Error('exec failed');
          applied.push(s.id);
        },
        sleep: async () => undefined,
        now: () => 0,
      }),
    ).rejects.toThrow(/exec failed/);
    expect(applied).toEqual([]);
  });

  it('times `at` steps on the injected clock, not the wall clock', async () => {
    // The injected clock moves 5 s per reading; the wall clock barely moves, so a Date.now() would show here.
    let mono = 0;
    const waits: number[] = [];
    await runFaultTimeline([step({ id: 'a', at: '10s' }), step({ id: 'b', at: '30s' })], {
      apply: async () => undefined,
      sleep: async (ms) => void waits.push(ms),
      now: () => (mono += 5000) - 5000,
    });
    // start read at 0; "a" at 5 s waits the 5 s left, "b" at 10 s waits 20 s.
    expect(waits).toEqual([5_000, 20_000]);
  });

  it('stops when aborted (a cancelled run injects nothing more)', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      runFaultTimeline([step({ id: 'a', at: '10s' })], {
        apply: async () => undefined,
        sleep: async (_ms, signal) => signal?.throwIfAborted(),
        signal: controller.signal,
        now: () => 0,
      }),
    ).rejects.toThrow(/cancelled/);
  });
});
