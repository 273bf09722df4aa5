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
      { apply: async (s) => void order.push(s.id), sleep: async (ms) => void waits.push(ms) },
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
      }),
    ).rejects.toThrow(/exec failed/);
    expect(applied).toEqual([]);
  });

  it('stops when aborted (a cancelled run injects nothing more)', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      runFaultTimeline([step({ id: 'a', at: '10s' })], {
        apply: async () => undefined,
        sleep: async (_ms, signal) => signal?.throwIfAborted(),
        signal: controller.signal,
      }),
    ).rejects.toThrow(/cancelled/);
  });
});
