/**
 * The scenario's hints during a run: each unlocks a while after the page, is shown only when the learner
 * asks (and costs points), and both moments go into the log.
 */
import { formatDuration } from '../../../shared/format/duration.js';
import type { EventLog } from '../events/event-log.js';
import { toMs } from '../scenario/duration.js';
import type { Hint } from '../scenario/schema.js';

export interface HintState {
  index: number;
  id: string;
  unlockAfterMs: number;
  unlocked: boolean;
  shown: boolean;
  /** Only once shown. */
  text?: string;
}

export class HintError extends Error {}

export class Hints {
  private readonly shown = new Set<number>();
  private readonly unlockedLogged = new Set<number>();

  constructor(
    private readonly hints: readonly Hint[],
    private readonly events: EventLog,
    /** Milliseconds since the page, or null before it. */
    private readonly sincePageMs: () => number | null,
  ) {}

  get count(): number {
    return this.hints.length;
  }

  states(): HintState[] {
    const sincePage = this.sincePageMs();
    return this.hints.map((hint, index) => {
      const unlockAfterMs = toMs(hint.after);
      const unlocked = sincePage !== null && sincePage >= unlockAfterMs;
      const shown = this.shown.has(index);
      return { index, id: hint.id, unlockAfterMs, unlocked, shown, ...(shown ? { text: hint.text } : {}) };
    });
  }

  /** Shows the next unlocked hint, or says when the next one unlocks. */
  take(): HintState {
    const next = this.states().find((h) => !h.shown);
    if (!next) throw new HintError('there are no more hints');
    if (!next.unlocked) {
      const wait = Math.ceil((next.unlockAfterMs - (this.sincePageMs() ?? 0)) / 1000);
      throw new HintError(`the next hint unlocks in ${formatDuration(wait * 1000)}`);
    }
    const hint = this.hints[next.index]!;
    this.shown.add(next.index);
    this.events.append({ type: 'hint.shown', hintId: hint.id, index: next.index, text: hint.text });
    return { ...next, shown: true, text: hint.text };
  }

  /** Logs `hint.unlocked` once for each hint whose time has come. */
  logUnlocked(): void {
    for (const hint of this.states()) {
      if (hint.unlocked && !this.unlockedLogged.has(hint.index)) {
        this.unlockedLogged.add(hint.index);
        this.events.append({ type: 'hint.unlocked', hintId: hint.id, index: hint.index });
      }
    }
  }
}
