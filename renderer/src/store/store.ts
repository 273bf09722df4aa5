/**
 * The UI's state: one zustand store made of slices, one file per concern under slices/ (route, doctor,
 * catalog, briefing, run, postmortem, report, history), every request tracked in a Loadable (loadable.ts).
 * Every slice talks to the Node side only through the injected `ApiClient`, so tests drive the whole
 * store with a fake client and fake timers.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { briefingSlice } from './slices/briefing';
import { catalogSlice } from './slices/catalog';
import { doctorSlice } from './slices/doctor';
import { historySlice } from './slices/history';
import { postmortemSlice } from './slices/postmortem';
import { reportSlice } from './slices/report';
import { routeSlice } from './slices/route';
import { runSlice } from './slices/run';
import { studioSlice } from './slices/studio';
import type { AppState, Deps } from './types';

export type { AppState, Deps } from './types';
export type { Loadable } from './loadable';
export type { StartState } from './slices/briefing';
export type { FixCheck } from './slices/run';
export { GRADE_DEBOUNCE_MS } from './slices/postmortem';
export { toBase64 } from './slices/history';
export { VALIDATE_DEBOUNCE_MS, TEST_POLL_MS } from './slices/studio';

export type AppStore = StoreApi<AppState>;

export function createAppStore(deps: Deps): AppStore {
  return createStore<AppState>()((...a) => ({
    ...routeSlice(deps)(...a),
    ...doctorSlice(deps)(...a),
    ...catalogSlice(deps)(...a),
    ...briefingSlice(deps)(...a),
    ...runSlice(deps)(...a),
    ...postmortemSlice(deps)(...a),
    ...reportSlice(deps)(...a),
    ...historySlice(deps)(...a),
    ...studioSlice(deps)(...a),
  }));
}
