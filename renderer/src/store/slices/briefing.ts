import type { Progress, ScenarioDetail } from '../../../../shared/api/contract';
import { toApiError, type ApiError } from '../../api/client';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export type StartState =
  | { status: 'idle' }
  | { status: 'starting'; runId?: string; progress: Progress | null; steps: string[] }
  | { status: 'error'; error: ApiError; runId?: string; steps: string[] };

export interface BriefingSlice {
  briefing: Loadable<ScenarioDetail>;
  variant: string | null;
  start: StartState;
  loadBriefing(name: string): Promise<void>;
  setVariant(variant: string | null): void;
  startRun(): Promise<void>;
  cancelStart(): Promise<void>;
}

export const briefingSlice =
  (deps: Deps): Slice<BriefingSlice> =>
  (set, get) => ({
    briefing: idle,
    variant: null,
    start: { status: 'idle' },
    async loadBriefing(name) {
      const current = get().briefing;
      if (current.status === 'ready' && current.data.name === name) return;
      set({ variant: null, start: { status: 'idle' } });
      const detail = await load(field('briefing', get, set), () => deps.client.call('scenarios.get', { name }));
      if (detail) set({ variant: detail.variants[0] ?? null });
    },
    setVariant(variant) {
      set({ variant });
    },
    async startRun() {
      const briefing = get().briefing;
      if (briefing.status !== 'ready' || get().start.status === 'starting') return;
      set({ start: { status: 'starting', progress: null, steps: [] } });
      try {
        const variant = get().variant;
        const { runId } = await deps.client.call('runs.start', {
          scenario: briefing.data.name,
          ...(variant ? { variant } : {}),
        });
        const start = get().start;
        if (start.status !== 'starting') return;
        set({ start: { ...start, runId } });
        await get().watchRun(runId);
      } catch (error) {
        const start = get().start;
        set({ start: { status: 'error', error: toApiError(error), steps: 'steps' in start ? start.steps : [] } });
      }
    },
    async cancelStart() {
      const start = get().start;
      if (start.status !== 'starting') return;
      if (!start.runId) {
        set({ start: { status: 'idle' } });
        return;
      }
      try {
        const snapshot = await deps.client.call('runs.cancel', { runId: start.runId });
        get().applySnapshot(snapshot);
        get().stopWatching();
        set({ start: { status: 'idle' } });
      } catch (error) {
        set({ start: { status: 'error', error: toApiError(error), runId: start.runId, steps: start.steps } });
      }
    },
  });
