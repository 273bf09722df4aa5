import type { HistoryEntry } from '../../../../shared/api/contract';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export interface HistorySlice {
  history: Loadable<HistoryEntry[]>;
  importing: Loadable<true>;
  loadHistory(): Promise<void>;
  importBundle(filename: string, bytes: Uint8Array): Promise<void>;
}

export const historySlice =
  (deps: Deps): Slice<HistorySlice> =>
  (set, get) => ({
    history: idle,
    importing: idle,
    async loadHistory() {
      await load(field('history', get, set), () => deps.client.call('history.list', {}), { keep: true });
    },
    async importBundle(filename, bytes) {
      let runId: string | null = null;
      await load(field('importing', get, set), async () => {
        runId = (await deps.client.call('history.import', { filename, base64: toBase64(bytes) })).runId;
        return true as const;
      });
      if (runId === null) return;
      void get().loadHistory();
      get().navigate({ name: 'report', runId });
    },
  });

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
