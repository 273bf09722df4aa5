/**
 * The run's terminals as tabs. Every tab stays mounted (its shell and scrollback live on); only the
 * active one is visible, and it re-fits when shown. "+" calls `onAddTerminal`, which opens a
 * terminal through the API (`terminals.open`) and updates `terminals`.
 *
 * In a game's team run the terminals are shared: when the server says this page has not named its member,
 * the tabs ask once (MemberPicker, the team's members from `loadMembers`) and reconnect as that member.
 */
import { useCallback, useEffect, useState } from 'react';
import { rememberMember, storedMember } from './member';
import { MemberPicker } from './MemberPicker';
import type { KeyboardState } from './terminal-connection';
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
  /** The team's members, for a page that must say who it is before typing in shared terminals. */
  loadMembers?: () => Promise<string[]>;
}

export function TerminalTabs({ url, token, runId, terminals, onAddTerminal, canAdd = true, loadMembers }: TerminalTabsProps) {
  const [active, setActive] = useState<number | null>(terminals[0] ?? null);
  const [member, setMember] = useState<string | null>(() => storedMember(runId));
  /** The team's members once a shared terminal said this page has not named itself. */
  const [members, setMembers] = useState<string[] | null>(null);
  const [needsMember, setNeedsMember] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => setMember(storedMember(runId)), [runId]);
  const onKeyboard = useCallback((state: KeyboardState) => {
    if (state.you === null) setNeedsMember(true);
  }, []);
  const onMemberRefused = useCallback(
    (reason: string) => {
      rememberMember(runId, null);
      setMember(null);
      setRefused(reason);
      setNeedsMember(true);
    },
    [runId],
  );
  useEffect(() => {
    if (!needsMember || members !== null || !loadMembers) return;
    let live = true;
    loadMembers()
      .then((list) => live && setMembers(list))
      .catch(() => live && setMembers([]));
    return () => {
      live = false;
    };
  }, [needsMember, members, loadMembers]);
  const pick = (name: string) => {
    rememberMember(runId, name);
    setRefused(null);
    setNeedsMember(false);
    setMember(name);
  };
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
      {needsMember && member === null && members !== null && members.length > 0 && <MemberPicker members={members} onPick={pick} refused={refused} />}
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
              {...(member ? { member } : {})}
              onKeyboard={onKeyboard}
              onMemberRefused={onMemberRefused}
            />
          </div>
        ))}
        {terminals.length === 0 && <p className="fd-terminal-tabs__empty">No terminal yet.</p>}
      </div>
    </div>
  );
}
