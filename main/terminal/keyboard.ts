/**
 * Who may type into one shared terminal (a game's team run): several members watch, at most one holds
 * the keyboard. Pure state; the change callback (the session logs `terminal.keyboard` and tells every
 * attached socket) is injected.
 *
 * Semantics:
 * - Nobody holds it: the first member to type, or to press "Take the keyboard", takes it.
 * - Someone holds it: everyone else's input is refused (never reaches the pty), and so is a plain `take`.
 *   Taking it over is a separate, explicit action (`takeOver`), never a keystroke, so two people never
 *   interleave keystrokes by accident; the previous holder becomes a watcher at once.
 * - The holder's release frees it; so does the holder's disconnect, counted per member: a member with two
 *   tabs open keeps it until the last of them is gone (`join`/`leave` count a member's attached sockets).
 * - A socket that has not said who it is (`null`) only watches.
 */

export interface KeyboardChange {
  holder: string | null;
  previous: string | null;
  /** `left`: the holder's last socket detached or disconnected. */
  reason: 'take' | 'take-over' | 'release' | 'left';
}

export type KeyboardRefusal = { code: 'not-holder' | 'keyboard-held'; message: string };

/** `ok` (with the change it caused, if any) or why not. */
export type KeyboardResult = { ok: true; change: KeyboardChange | null } | { ok: false; refusal: KeyboardRefusal };

const ANONYMOUS: KeyboardRefusal = { code: 'not-holder', message: 'say who you are (pick your name) to type in a shared terminal' };

export class Keyboard {
  private current: string | null = null;
  /** Attached sockets per member. */
  private readonly present = new Map<string, number>();

  constructor(private readonly onChange: (change: KeyboardChange) => void = () => undefined) {}

  get holder(): string | null {
    return this.current;
  }

  /** A socket of `member` attached. */
  join(member: string): void {
    this.present.set(member, (this.present.get(member) ?? 0) + 1);
  }

  /** A socket of `member` detached or disconnected; the keyboard is freed when it was the holder's last. */
  leave(member: string): KeyboardChange | null {
    const count = (this.present.get(member) ?? 0) - 1;
    if (count > 0) {
      this.present.set(member, count);
      return null;
    }
    this.present.delete(member);
    return this.current === member ? this.change(null, 'left') : null;
  }

  /** May `member` type now? Typing into a free keyboard takes it. */
  type(member: string | null): KeyboardResult {
    if (member === null || !this.present.has(member)) return { ok: false, refusal: ANONYMOUS };
    if (this.current === member) return { ok: true, change: null };
    if (this.current === null) return { ok: true, change: this.change(member, 'take') };
    return { ok: false, refusal: { code: 'not-holder', message: `${this.current} has the keyboard: take it over to type` } };
  }

  /** "Take the keyboard" (`takeOver`: from whoever holds it). */
  take(member: string | null, takeOver = false): KeyboardResult {
    if (member === null || !this.present.has(member)) return { ok: false, refusal: ANONYMOUS };
    if (this.current === member) return { ok: true, change: null };
    if (this.current === null) return { ok: true, change: this.change(member, 'take') };
    if (!takeOver) return { ok: false, refusal: { code: 'keyboard-held', message: `${this.current} has the keyboard: take it over explicitly` } };
    return { ok: true, change: this.change(member, 'take-over') };
  }

  release(member: string | null): KeyboardResult {
    if (member === null || this.current !== member) {
      return { ok: false, refusal: { code: 'not-holder', message: this.current ? `${this.current} has the keyboard, not you` : 'nobody has the keyboard' } };
    }
    return { ok: true, change: this.change(null, 'release') };
  }

  private change(holder: string | null, reason: KeyboardChange['reason']): KeyboardChange {
    const change = { holder, previous: this.current, reason };
    this.current = holder;
    this.onChange(change);
    return change;
  }
}
