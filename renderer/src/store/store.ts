/**
 * The UI's state: one zustand store made of slices, one per concern (route, doctor, catalog, briefing,
 * run, postmortem, report, history). Every slice talks to the Node side only through the injected
 * `ApiClient`, so tests drive the whole store with a fake client and fake timers.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type {
  DoctorReport,
  HistoryEntry,
  Progress,
  Report,
  ResponseOf,
  RunSnapshot,
  ScenarioDetail,
  ScenarioSummary,
  ScoreView,
} from '../../../shared/api/contract';
import { ApiError, toApiError, type ApiClient, type ConnectionState } from '../api/client';
import { emptyFilter, type CatalogFilter } from './filter';
import { formatHash, sameRoute, type Route } from './router';

export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading'; data?: T }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiError; data?: T };

const idle = { status: 'idle' } as const;

export interface Deps {
  client: ApiClient;
  /** Timers are injected so tests control debouncing. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Called with the hash when the route changes (the DOM binding sets location.hash). */
  onNavigate?: (hash: string) => void;
}

// ---------------------------------------------------------------- slices

export interface RouteSlice {
  route: Route;
  navigate(route: Route): void;
  /** The hash changed outside the store (back button, typed URL). */
  routeChanged(route: Route): void;
}

export interface DoctorSlice {
  doctor: Loadable<DoctorReport>;
  loadDoctor(): Promise<void>;
}

export interface CatalogSlice {
  scenarios: Loadable<ScenarioSummary[]>;
  filter: CatalogFilter;
  loadScenarios(): Promise<void>;
  setFilter(patch: Partial<CatalogFilter>): void;
}

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

export type FixCheck = ResponseOf<'runs.checkFix'>;

export interface RunSlice {
  runId: string | null;
  snapshot: RunSnapshot | null;
  runError: ApiError | null;
  connection: ConnectionState;
  checkFix: Loadable<FixCheck>;
  hintRequest: Loadable<true>;
  activeTerminal: number | null;
  openingTerminal: boolean;
  /** Subscribes to a run's events and loads its snapshot; replaces any previous subscription. */
  watchRun(runId: string): Promise<void>;
  stopWatching(): void;
  applySnapshot(snapshot: RunSnapshot): void;
  /** Opens a terminal; resolves to its number (undefined when it failed: see runError). */
  openTerminal(): Promise<number | undefined>;
  setActiveTerminal(terminal: number): void;
  takeHint(): Promise<void>;
  runCheckFix(): Promise<void>;
  abandon(): Promise<void>;
}

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

export interface ReportSlice {
  report: Loadable<Report>;
  exporting: Loadable<true>;
  loadReport(runId: string): Promise<void>;
  exportHtml(runId: string): Promise<{ html: string; filename: string } | null>;
}

export interface HistorySlice {
  history: Loadable<HistoryEntry[]>;
  importing: Loadable<true>;
  loadHistory(): Promise<void>;
  importBundle(filename: string, bytes: Uint8Array): Promise<void>;
}

export type AppState = RouteSlice &
  DoctorSlice &
  CatalogSlice &
  BriefingSlice &
  RunSlice &
  PostmortemSlice &
  ReportSlice &
  HistorySlice;

type Slice<T> = StateCreator<AppState, [], [], T>;

export const GRADE_DEBOUNCE_MS = 600;
const PHASES_BEFORE_LIVE = new Set(['preparing', 'baseline', 'injecting']);

function fail(error: unknown): ApiError {
  return toApiError(error);
}

const routeSlice =
  (deps: Deps): Slice<RouteSlice> =>
  (set, get) => ({
    route: { name: 'catalog' },
    navigate(route) {
      if (sameRoute(route, get().route)) return;
      set({ route });
      deps.onNavigate?.(formatHash(route));
    },
    routeChanged(route) {
      if (!sameRoute(route, get().route)) set({ route });
    },
  });

const doctorSlice =
  (deps: Deps): Slice<DoctorSlice> =>
  (set, get) => ({
    doctor: idle,
    async loadDoctor() {
      const previous = get().doctor;
      set({ doctor: { status: 'loading', ...('data' in previous && previous.data ? { data: previous.data } : {}) } });
      try {
        set({ doctor: { status: 'ready', data: await deps.client.call('doctor.run', {}) } });
      } catch (error) {
        set({ doctor: { status: 'error', error: fail(error) } });
      }
    },
  });

const catalogSlice =
  (deps: Deps): Slice<CatalogSlice> =>
  (set, get) => ({
    scenarios: idle,
    filter: emptyFilter,
    async loadScenarios() {
      const previous = get().scenarios;
      set({ scenarios: { status: 'loading', ...('data' in previous && previous.data ? { data: previous.data } : {}) } });
      try {
        set({ scenarios: { status: 'ready', data: await deps.client.call('scenarios.list', {}) } });
      } catch (error) {
        set({ scenarios: { status: 'error', error: fail(error) } });
      }
    },
    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
    },
  });

const briefingSlice =
  (deps: Deps): Slice<BriefingSlice> =>
  (set, get) => ({
    briefing: idle,
    variant: null,
    start: { status: 'idle' },
    async loadBriefing(name) {
      const current = get().briefing;
      if (current.status === 'ready' && current.data.name === name) return;
      set({ briefing: { status: 'loading' }, variant: null, start: { status: 'idle' } });
      try {
        const detail = await deps.client.call('scenarios.get', { name });
        set({ briefing: { status: 'ready', data: detail }, variant: detail.variants[0] ?? null });
      } catch (error) {
        set({ briefing: { status: 'error', error: fail(error) } });
      }
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
        set({ start: { status: 'error', error: fail(error), steps: 'steps' in start ? start.steps : [] } });
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
        set({ start: { status: 'error', error: fail(error), runId: start.runId, steps: start.steps } });
      }
    },
  });

const runSlice =
  (deps: Deps): Slice<RunSlice> =>
  (set, get) => {
    let unsubscribe: (() => void) | null = null;
    /** Runs we already opened a first terminal for (the engine starts none; the learner needs one). */
    const autoOpened = new Set<string>();

    const onProgress = (runId: string, progress: Progress): void => {
      const start = get().start;
      if (start.status === 'starting' && start.runId === runId) {
        const steps = start.steps.at(-1) === progress.description ? start.steps : [...start.steps, progress.description];
        set({ start: { ...start, progress, steps } });
      }
      const snapshot = get().snapshot;
      if (snapshot && snapshot.runId === runId) set({ snapshot: { ...snapshot, progress } });
    };

    return {
      runId: null,
      snapshot: null,
      runError: null,
      connection: 'closed',
      checkFix: idle,
      hintRequest: idle,
      activeTerminal: null,
      openingTerminal: false,

      async watchRun(runId) {
        if (get().runId === runId && unsubscribe) return;
        get().stopWatching();
        set({ runId, snapshot: null, runError: null, checkFix: idle, hintRequest: idle, activeTerminal: null });
        unsubscribe = deps.client.events(
          runId,
          (message) => {
            if (get().runId !== runId) return;
            if (message.type === 'run.snapshot') {
              if (message.snapshot.runId === runId) get().applySnapshot(message.snapshot);
            } else if (message.type === 'run.progress') {
              if (message.runId === runId) onProgress(runId, message.progress);
            } else {
              set({ runError: new ApiError('internal', message.message) });
            }
          },
          { onState: (connection) => set({ connection }) },
        );
        try {
          const snapshot = await deps.client.call('runs.get', { runId });
          if (get().runId === runId) get().applySnapshot(snapshot);
        } catch (error) {
          if (get().runId === runId) set({ runError: fail(error) });
        }
      },

      stopWatching() {
        unsubscribe?.();
        unsubscribe = null;
        set({ connection: 'closed' });
      },

      applySnapshot(incoming) {
        if (get().runId !== incoming.runId) return;
        const previous = get().snapshot;
        // Terminals never go away: keep one we just opened even if an older snapshot arrives after it.
        const known = previous?.runId === incoming.runId ? previous.terminals.filter((t) => !incoming.terminals.includes(t)) : [];
        const snapshot = known.length > 0 ? { ...incoming, terminals: [...incoming.terminals, ...known].sort((a, b) => a - b) } : incoming;
        const activeTerminal = get().activeTerminal;
        set({
          snapshot,
          activeTerminal:
            activeTerminal !== null && snapshot.terminals.includes(activeTerminal)
              ? activeTerminal
              : (snapshot.terminals[0] ?? null),
        });
        if (snapshot.progress) onProgress(snapshot.runId, snapshot.progress);
        // Starting: once the run is live (or ended early), leave the briefing for the live view.
        const start = get().start;
        if (start.status === 'starting' && start.runId === snapshot.runId) {
          if (snapshot.phase === 'failed') {
            set({
              start: {
                status: 'error',
                runId: snapshot.runId,
                steps: start.steps,
                error: new ApiError(
                  'internal',
                  snapshot.error ?? 'The sandbox failed to start.',
                  'Check the prerequisites above (`firedrill doctor`), then try again.',
                ),
              },
            });
          } else if (!PHASES_BEFORE_LIVE.has(snapshot.phase)) {
            set({ start: { status: 'idle' } });
            if (snapshot.phase !== 'ended' && snapshot.phase !== 'teardown') {
              get().navigate({ name: 'live', runId: snapshot.runId });
            }
          }
        }
        // Live with no terminal yet: open the first one, once per run.
        if (snapshot.phase === 'live' && snapshot.terminals.length === 0 && !autoOpened.has(snapshot.runId)) {
          autoOpened.add(snapshot.runId);
          void get().openTerminal();
        }
        // Resolved: the live view shows its banner and the postmortem editor opens.
        if (snapshot.phase === 'resolved' && previous?.phase !== 'resolved' && get().route.name === 'live') {
          get().navigate({ name: 'postmortem', runId: snapshot.runId });
        }
      },

      async openTerminal() {
        const runId = get().runId;
        if (!runId || get().openingTerminal) return undefined;
        set({ openingTerminal: true });
        try {
          const { terminal } = await deps.client.call('terminals.open', { runId });
          const snapshot = get().snapshot;
          if (snapshot && !snapshot.terminals.includes(terminal)) {
            set({ snapshot: { ...snapshot, terminals: [...snapshot.terminals, terminal] } });
          }
          set({ activeTerminal: terminal, openingTerminal: false });
          return terminal;
        } catch (error) {
          set({ runError: fail(error), openingTerminal: false });
          return undefined;
        }
      },

      setActiveTerminal(terminal) {
        set({ activeTerminal: terminal });
      },

      async takeHint() {
        const runId = get().runId;
        if (!runId) return;
        set({ hintRequest: { status: 'loading' } });
        try {
          const hint = await deps.client.call('runs.takeHint', { runId });
          const snapshot = get().snapshot;
          if (snapshot && snapshot.runId === runId) {
            const hints = snapshot.hints.some((h) => h.index === hint.index)
              ? snapshot.hints.map((h) => (h.index === hint.index ? hint : h))
              : [...snapshot.hints, hint];
            set({ snapshot: { ...snapshot, hints } });
          }
          set({ hintRequest: { status: 'ready', data: true } });
        } catch (error) {
          set({ hintRequest: { status: 'error', error: fail(error) } });
        }
      },

      async runCheckFix() {
        const runId = get().runId;
        if (!runId) return;
        set({ checkFix: { status: 'loading' } });
        try {
          set({ checkFix: { status: 'ready', data: await deps.client.call('runs.checkFix', { runId }) } });
        } catch (error) {
          set({ checkFix: { status: 'error', error: fail(error) } });
        }
      },

      async abandon() {
        const runId = get().runId;
        if (!runId) return;
        try {
          get().applySnapshot(await deps.client.call('runs.abandon', { runId }));
        } catch (error) {
          set({ runError: fail(error) });
        }
      },
    };
  };

const postmortemSlice =
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
        set({ postmortemRunId: runId, markdown: '', draft: { status: 'loading' }, grade: idle, submit: idle });
        try {
          const { markdown } = await deps.client.call('postmortem.draft', { runId });
          if (get().postmortemRunId !== runId) return;
          set({ markdown, draft: { status: 'ready', data: true } });
          await get().gradeNow();
        } catch (error) {
          if (get().postmortemRunId === runId) set({ draft: { status: 'error', error: fail(error) } });
        }
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
        const previous = get().grade;
        set({ grade: { status: 'loading', ...('data' in previous && previous.data ? { data: previous.data } : {}) } });
        try {
          const report = await deps.client.call('postmortem.grade', { runId, markdown: get().markdown });
          // Only the newest answer counts: an older, slower one must not overwrite it.
          if (seq === gradeSeq) set({ grade: { status: 'ready', data: report } });
        } catch (error) {
          if (seq === gradeSeq) {
            const last = get().grade;
            set({ grade: { status: 'error', error: fail(error), ...('data' in last && last.data ? { data: last.data } : {}) } });
          }
        }
      },

      async submitPostmortem() {
        const runId = get().postmortemRunId;
        if (!runId || get().submit.status === 'loading') return;
        if (timer !== null) {
          clearT(timer);
          timer = null;
        }
        set({ submit: { status: 'loading' } });
        try {
          const report = await deps.client.call('postmortem.submit', { runId, markdown: get().markdown });
          set({ submit: { status: 'ready', data: true }, report: { status: 'ready', data: report } });
          get().navigate({ name: 'report', runId });
        } catch (error) {
          set({ submit: { status: 'error', error: fail(error) } });
        }
      },
    };
  };

const reportSlice =
  (deps: Deps): Slice<ReportSlice> =>
  (set, get) => ({
    report: idle,
    exporting: idle,
    async loadReport(runId) {
      const current = get().report;
      set({
        report: { status: 'loading', ...(current.status === 'ready' && current.data.runId === runId ? { data: current.data } : {}) },
        exporting: idle,
      });
      try {
        set({ report: { status: 'ready', data: await deps.client.call('reports.get', { runId }) } });
      } catch (error) {
        set({ report: { status: 'error', error: fail(error) } });
      }
    },
    async exportHtml(runId) {
      set({ exporting: { status: 'loading' } });
      try {
        const result = await deps.client.call('reports.exportHtml', { runId });
        set({ exporting: { status: 'ready', data: true } });
        return result;
      } catch (error) {
        set({ exporting: { status: 'error', error: fail(error) } });
        return null;
      }
    },
  });

const historySlice =
  (deps: Deps): Slice<HistorySlice> =>
  (set, get) => ({
    history: idle,
    importing: idle,
    async loadHistory() {
      const previous = get().history;
      set({ history: { status: 'loading', ...('data' in previous && previous.data ? { data: previous.data } : {}) } });
      try {
        set({ history: { status: 'ready', data: await deps.client.call('history.list', {}) } });
      } catch (error) {
        set({ history: { status: 'error', error: fail(error) } });
      }
    },
    async importBundle(filename, bytes) {
      set({ importing: { status: 'loading' } });
      try {
        const { runId } = await deps.client.call('history.import', { filename, base64: toBase64(bytes) });
        set({ importing: { status: 'ready', data: true } });
        void get().loadHistory();
        get().navigate({ name: 'report', runId });
      } catch (error) {
        set({ importing: { status: 'error', error: fail(error) } });
      }
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
  }));
}
