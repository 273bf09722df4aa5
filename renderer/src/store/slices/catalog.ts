import type { LearningPathView, ScenarioSummary } from '../../../../shared/api/contract';
import { emptyFilter, type CatalogFilter } from '../filter';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export interface CatalogSlice {
  scenarios: Loadable<ScenarioSummary[]>;
  filter: CatalogFilter;
  /** Learning paths with the learner's progress. */
  paths: Loadable<LearningPathView[]>;
  loadScenarios(): Promise<void>;
  loadPaths(): Promise<void>;
  setFilter(patch: Partial<CatalogFilter>): void;
}

export const catalogSlice =
  (deps: Deps): Slice<CatalogSlice> =>
  (set, get) => ({
    scenarios: idle,
    filter: emptyFilter,
    paths: idle,
    async loadPaths() {
      await load(field('paths', get, set), () => deps.client.call('paths.list', {}), { keep: true });
    },
    async loadScenarios() {
      await load(field('scenarios', get, set), () => deps.client.call('scenarios.list', {}), { keep: true });
    },
    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
    },
  });
