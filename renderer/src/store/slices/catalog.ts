import type { ScenarioSummary } from '../../../../shared/api/contract';
import { emptyFilter, type CatalogFilter } from '../filter';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export interface CatalogSlice {
  scenarios: Loadable<ScenarioSummary[]>;
  filter: CatalogFilter;
  loadScenarios(): Promise<void>;
  setFilter(patch: Partial<CatalogFilter>): void;
}

export const catalogSlice =
  (deps: Deps): Slice<CatalogSlice> =>
  (set, get) => ({
    scenarios: idle,
    filter: emptyFilter,
    async loadScenarios() {
      await load(field('scenarios', get, set), () => deps.client.call('scenarios.list', {}), { keep: true });
    },
    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
    },
  });
