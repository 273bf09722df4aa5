import type { ScoreView } from '../../../../shared/api/contract';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export interface PostmortemSlice {
  postmortemRunId: string | null;
  markdown: string;
  draft: Loadable<true>;
  grade: Loadable<ScoreView>;
  submit: Loadable<true>;
  loadDraft(runId: string): Promise<void>;
  setMarkdown(markdown: string): void;
  /** Grades now (the debounce calls this). */
  gradeNow(): Promise<void>;
  submitPostmortem(): Promise<void>;
}

export const GRADE_DEBOUNCE_MS = 600;

export const postmortemSlice =
  (deps: Deps): Slice<PostmortemSlice> =>
  (set, get) => {
    const setT = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    const clearT = deps.clearTimeout ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    let timer: unknown = null;
    let gradeSeq = 0;

    return {
      postmortemRunId: null,
      markdown: '',
      draft: idle,
      grade: idle,
      submit: idle,

      async loadDraft(runId) {
        if (get().postmortemRunId === runId && get().draft.status !== 'error') return;
        set({ postmortemRunId: runId, markdown: '', grade: idle, submit: idle });
        const drafted = await load(
          field('draft', get, set),
          async () => {
            const { markdown } = await deps.client.call('postmortem.draft', { runId });
            if (get().postmortemRunId === runId) set({ markdown });
            return true as const;
          },
          { stillWanted: () => get().postmortemRunId === runId },
        );
        if (drafted) await get().gradeNow();
      },

      setMarkdown(markdown) {
        set({ markdown });
        if (timer !== null) clearT(timer);
        timer = setT(() => {
          timer = null;
          void get().gradeNow();
        }, GRADE_DEBOUNCE_MS);
      },

      async gradeNow() {
        const runId = get().postmortemRunId;
        if (!runId) return;
        const seq = ++gradeSeq;
        // Only the newest answer counts: an older, slower one must not overwrite it.
        await load(field('grade', get, set), () => deps.client.call('postmortem.grade', { runId, markdown: get().markdown }), {
          keep: true,
          keepOnError: true,
          stillWanted: () => seq === gradeSeq,
        });
      },

      async submitPostmortem() {
        const runId = get().postmortemRunId;
        if (!runId || get().submit.status === 'loading') return;
        if (timer !== null) {
          clearT(timer);
          timer = null;
        }
        const report = await load(field('submit', get, set), async () => {
          const submitted = await deps.client.call('postmortem.submit', { runId, markdown: get().markdown });
          set({ report: { status: 'ready', data: submitted } });
          return true as const;
        });
        if (report) get().navigate({ name: 'report', runId });
      },
    };
  };
