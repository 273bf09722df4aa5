import type { Progress, ResponseOf, RunSnapshot } from '../../../../shared/api/contract';
import { ApiError, toApiError, type ConnectionState } from '../../api/client';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export type FixCheck = ResponseOf<'runs.checkFix'>;
export type Submitted = Omit<ResponseOf<'runs.submit'>, 'snapshot'>;

export interface RunSlice {
  runId: string | null;
  snapshot: RunSnapshot | null;
  runError: ApiError | null;
  connection: ConnectionState;
  checkFix: Loadable<FixCheck>;
  /** The learner's Submit (resolveOn: submit): resolved, or why the run stays live. */
  submitted: Loadable<Submitted>;
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
  /** Submits the fix; the replay, if any, runs before the answer (minutes). */
  submitFix(): Promise<void>;
  abandon(): Promise<void>;
}

const PHASES_BEFORE_LIVE = new Set(['preparing', 'baseline', 'injecting']);

export const runSlice =
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
      submitted: idle,
      hintRequest: idle,
      activeTerminal: null,
      openingTerminal: false,

      async watchRun(runId) {
        if (get().runId === runId && unsubscribe) return;
        get().stopWatching();
        set({ runId, snapshot: null, runError: null, checkFix: idle, submitted: idle, hintRequest: idle, activeTerminal: null });
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
          if (get().runId === runId) set({ runError: toApiError(error) });
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
          set({ runError: toApiError(error), openingTerminal: false });
          return undefined;
        }
      },

      setActiveTerminal(terminal) {
        set({ activeTerminal: terminal });
      },

      async takeHint() {
        const runId = get().runId;
        if (!runId) return;
        await load(field('hintRequest', get, set), async () => {
          const hint = await deps.client.call('runs.takeHint', { runId });
          const snapshot = get().snapshot;
          if (snapshot && snapshot.runId === runId) {
            const hints = snapshot.hints.some((h) => h.index === hint.index)
              ? snapshot.hints.map((h) => (h.index === hint.index ? hint : h))
              : [...snapshot.hints, hint];
            set({ snapshot: { ...snapshot, hints } });
          }
          return true as const;
        });
      },

      async runCheckFix() {
        const runId = get().runId;
        if (!runId) return;
        await load(field('checkFix', get, set), () => deps.client.call('runs.checkFix', { runId }));
      },

      async submitFix() {
        const runId = get().runId;
        if (!runId) return;
        await load(field('submitted', get, set), async () => {
          const { snapshot, ...outcome } = await deps.client.call('runs.submit', { runId });
          get().applySnapshot(snapshot);
          return outcome;
        });
      },

      async abandon() {
        const runId = get().runId;
        if (!runId) return;
        try {
          get().applySnapshot(await deps.client.call('runs.abandon', { runId }));
        } catch (error) {
          set({ runError: toApiError(error) });
        }
      },
    };
  };
