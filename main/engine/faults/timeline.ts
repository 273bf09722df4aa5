import { toMs } from '../scenario/duration.js';
import type { FaultStep } from '../scenario/schema.js';

export interface TimelineOptions {
  apply: (step: FaultStep) => Promise<void>;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Monotonic milliseconds (the run's clock): `at` offsets are measured with it. */
  now: () => number;
  signal?: AbortSignal;
}

/**
 * Runs the fault steps: `at` steps at their offset from the start of injection, `after` steps once the
 * step they follow has been applied, plus their delay. Independent chains run concurrently; the first
 * failure stops the timeline (the run cannot be trusted after a half-applied fault).
 */
export async function runFaultTimeline(steps: FaultStep[], options: TimelineOptions): Promise<void> {
  const done = new Map<string, Promise<void>>();
  const started = options.now();
  const schedule = (step: FaultStep): Promise<void> => {
    const existing = done.get(step.id);
    if (existing) return existing;
    const promise = (async () => {
      if (step.after) {
        const parent = steps.find((s) => s.id === step.after);
        if (!parent) throw new Error(`fault step ${step.id} runs after unknown step ${step.after}`);
        await schedule(parent);
        await options.sleep(toMs(step.delay), options.signal);
      } else {
        const wait = toMs(step.at ?? 0) + toMs(step.delay) - (options.now() - started);
        if (wait > 0) await options.sleep(wait, options.signal);
      }
      options.signal?.throwIfAborted();
      await options.apply(step);
    })();
    done.set(step.id, promise);
    return promise;
  };
  await Promise.all(steps.map(schedule));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
