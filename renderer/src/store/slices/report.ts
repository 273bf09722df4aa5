import type { Report } from '../../../../shared/api/contract';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export interface ReportSlice {
  report: Loadable<Report>;
  exporting: Loadable<true>;
  loadReport(runId: string): Promise<void>;
  exportHtml(runId: string): Promise<{ html: string; filename: string } | null>;
}

export const reportSlice =
  (deps: Deps): Slice<ReportSlice> =>
  (set, get) => ({
    report: idle,
    exporting: idle,
    async loadReport(runId) {
      set({ exporting: idle });
      // The same run's report stays on screen while it reloads; another run's does not.
      await load(field('report', get, set), () => deps.client.call('reports.get', { runId }), { keep: (previous) => previous.runId === runId });
    },
    async exportHtml(runId) {
      let result: { html: string; filename: string } | null = null;
      await load(field('exporting', get, set), async () => {
        result = await deps.client.call('reports.exportHtml', { runId });
        return true as const;
      });
      return result;
    },
  });
