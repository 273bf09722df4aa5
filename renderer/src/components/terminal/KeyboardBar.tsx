/**
 * A shared terminal's keyboard (game-day team runs): who holds it, and Take / Take over / Release.
 * Shown only for terminals the server reports a keyboard for; a solo terminal has none.
 */
import type { KeyboardAction, KeyboardState } from './terminal-connection';

export interface KeyboardBarProps {
  state: KeyboardState;
  onAction: (action: KeyboardAction) => void;
  /** Why the last keystrokes went nowhere (a watcher typing), shown until it clears. */
  notice: string | null;
}

export function KeyboardBar({ state, onAction, notice }: KeyboardBarProps) {
  const { holder, you } = state;
  const mine = holder !== null && holder === you;
  return (
    <div className="fd-terminal__keyboard" data-testid="keyboard-bar" data-holder={holder ?? ''} data-you={you ?? ''} role="status">
      <span data-testid="keyboard-holder">{holder === null ? 'Nobody has the keyboard' : `⌨ ${holder} has the keyboard${mine ? ' (you)' : ''}`}</span>
      {you !== null && holder === null && (
        <button type="button" data-testid="keyboard-take" onClick={() => onAction('take')}>
          Take the keyboard
        </button>
      )}
      {you !== null && holder !== null && !mine && (
        <button type="button" data-testid="keyboard-take-over" onClick={() => onAction('take-over')} title={`Take the keyboard from ${holder}`}>
          Take over
        </button>
      )}
      {mine && (
        <button type="button" data-testid="keyboard-release" onClick={() => onAction('release')}>
          Release
        </button>
      )}
      {notice && (
        <span className="fd-terminal__keyboard-notice" data-testid="keyboard-notice" role="alert">
          {notice}
        </span>
      )}
    </div>
  );
}

/** Why a keystroke must not be sent (null: send it). Typing into a free keyboard takes it. */
export function inputBlocked(state: KeyboardState | null): string | null {
  if (!state) return null;
  if (state.you === null) return 'Pick your name above to type: you are watching.';
  if (state.holder !== null && state.holder !== state.you) return `${state.holder} has the keyboard: you are watching. Press "Take over" to type.`;
  return null;
}
