/** What every slice shares: the injected dependencies and the whole state's type. */
import type { StateCreator } from 'zustand/vanilla';
import type { ApiClient } from '../api/client';
import type { BriefingSlice } from './slices/briefing';
import type { CatalogSlice } from './slices/catalog';
import type { DoctorSlice } from './slices/doctor';
import type { HistorySlice } from './slices/history';
import type { PostmortemSlice } from './slices/postmortem';
import type { ReportSlice } from './slices/report';
import type { RouteSlice } from './slices/route';
import type { RunSlice } from './slices/run';
import type { StudioSlice } from './slices/studio';

export interface Deps {
  client: ApiClient;
  /** Timers are injected so tests control debouncing. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Called with the hash when the route changes (the DOM binding sets location.hash). */
  onNavigate?: (hash: string) => void;
}

export type AppState = RouteSlice &
  DoctorSlice &
  CatalogSlice &
  BriefingSlice &
  RunSlice &
  PostmortemSlice &
  ReportSlice &
  HistorySlice &
  StudioSlice;

/** A slice sees the whole state (slices call each other: a finished run navigates, a report loads). */
export type Slice<T> = StateCreator<AppState, [], [], T>;

/** One Loadable field of the state, for `load()`. */
export function field<K extends keyof AppState>(
  key: K,
  get: () => AppState,
  set: (partial: Partial<AppState>) => void,
): { get: () => AppState[K]; set: (value: AppState[K]) => void } {
  return { get: () => get()[key], set: (value) => set({ [key]: value } as Partial<AppState>) };
}
