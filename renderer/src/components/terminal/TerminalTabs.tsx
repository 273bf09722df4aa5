/**
 * The run's terminals as tabs. Every tab stays mounted (its shell and scrollback live on); only the
 * active one is visible, and it re-fits when shown. "+" calls `onAddTerminal`, which opens a
 * terminal through the API (`terminals.open`) and updates `terminals`.
 */
import { useEffect, useState } from 'react';
import { TerminalView } from './TerminalView';

export interface TerminalTabsProps {
  /** WebSocket URL of the terminal endpoint (`ws://127.0.0.1:PORT/ws/terminal`). */
  url: string;
  token: string;
  runId: string;
  /** The run's terminal numbers (the run snapshot's `terminals`). */
  terminals: number[];
  /** Opens a new terminal via the API; may resolve to the new number to select it. */
  onAddTerminal: () => Promise<number | void> | number | void;
  /** Hide the add button (run over). */
  canAdd?: boolean;
}

export function TerminalTabs({ url, token, runId, terminals, onAddTerminal, canAdd = true }: TerminalTabsProps) {
  const [active, setActive] = useState<number | null>(terminals[0] ?? null);
  const [adding, setAdding] = useState(false);
  const [exited, setExited] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (active === null || !terminals.includes(active)) setActive(terminals[0] ?? null);
  }, [terminals, active]);

  const add = async () => {
    setAdding(true);
    setError(null);
    try {
      const n = await onAddTerminal();
      if (typeof n === 'number') setActive(n);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setAdding(false);
    }
  };

  return (
    <div className="fd-terminal-tabs">
      <div className="fd-terminal-tabs__bar" role="tablist" aria-label="Terminals">
        {terminals.map((n) => (
          <button
            key={n}
            type="button"
            role="tab"
            id={`fd-terminal-tab-${n}`}
            aria-selected={n === active}
            aria-controls={`fd-terminal-panel-${n}`}
            className={`fd-terminal-tabs__tab${n === active ? ' is-active' : ''}${exited[n] ? ' is-exited' : ''}`}
            onClick={() => setActive(n)}
          >
            Terminal {n}
          </button>
        ))}
        {canAdd && (
          <button type="button" className="fd-terminal-tabs__add" onClick={() => void add()} disabled={adding} aria-label="Open a new terminal" title="Open a new terminal">
            {adding ? '…' : '+'}
          </button>
        )}
        {error && (
          <span className="fd-terminal-tabs__error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="fd-terminal-tabs__panels">
        {terminals.map((n) => (
          <div
            key={n}
            role="tabpanel"
            id={`fd-terminal-panel-${n}`}
            aria-labelledby={`fd-terminal-tab-${n}`}
            className="fd-terminal-tabs__panel"
            hidden={n !== active}
          >
            <TerminalView
              url={url}
              token={token}
              terminalId={`${runId}:${n}`}
              active={n === active}
              onExit={() => setExited((prev) => ({ ...prev, [n]: true }))}
            />
          </div>
        ))}
        {terminals.length === 0 && <p className="fd-terminal-tabs__empty">No terminal yet.</p>}
      </div>
    </div>
  );
}
