/**
 * One learner terminal: xterm.js 6 on the terminal WebSocket.
 * - fit: debounced on ResizeObserver, again when the tab becomes active (xterm cannot measure a
 *   hidden element), size sent right after connect and after every fit;
 * - Ctrl+Shift+C copies the selection (and selecting copies, like Linux terminals), Ctrl+Shift+V
 *   pastes, Ctrl+Shift+F opens the search box;
 * - reconnects with backoff and re-attaches to the same shell (the server replays its scrollback);
 * - a shared terminal (a game's team run) shows who holds the keyboard (KeyboardBar); a watcher's
 *   keystrokes are not sent, and the bar says why.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import './terminal.css';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { inputBlocked, KeyboardBar } from './KeyboardBar';
import { TerminalConnection, type ConnectionState, type KeyboardState } from './terminal-connection';

export interface TerminalViewProps {
  /** WebSocket URL of the terminal endpoint (`ws://127.0.0.1:PORT/ws/terminal`). */
  url: string;
  token: string;
  /** Wire id `<runId>:<n>`. */
  terminalId: string;
  /** false while the tab is hidden; becoming true triggers a fit and focus. */
  active?: boolean;
  /** Copy to the clipboard whenever text is selected (default true). */
  copyOnSelect?: boolean;
  fontSize?: number;
  onExit?: (code: number | null) => void;
  /** The team member this page types as in a shared terminal (a new one reconnects the socket). */
  member?: string;
  /** A shared terminal's keyboard changed (or was first reported). */
  onKeyboard?: (state: KeyboardState) => void;
  /** The server refused the member this page named (the reason). */
  onMemberRefused?: (reason: string) => void;
}

/** How long a "you are watching" notice stays. */
const NOTICE_MS = 4000;
/** Input this soon after a keydown is the user's (not xterm answering a program). */
const USER_INPUT_MS = 1000;

const FIT_DEBOUNCE_MS = 60;

const SEARCH_DECORATIONS = {
  matchBackground: '#4b5563',
  matchOverviewRuler: '#9ca3af',
  activeMatchBackground: '#b45309',
  activeMatchColorOverviewRuler: '#f59e0b',
};

async function copyText(text: string): Promise<void> {
  if (!text) return;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard refused (no permission / no user gesture): nothing else to do.
  }
}

export function TerminalView({
  url,
  token,
  terminalId,
  active = true,
  copyOnSelect = true,
  fontSize = 14,
  onExit,
  member,
  onKeyboard,
  onMemberRefused,
}: TerminalViewProps) {
  const hostRef = useRef<HTMLDivElement | null>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const connRef = useRef<TerminalConnection | null>(null);
  const searchInputRef = useRef<HTMLInputElement | null>(null);
  const onExitRef = useRef(onExit);
  onExitRef.current = onExit;
  const onKeyboardRef = useRef(onKeyboard);
  onKeyboardRef.current = onKeyboard;
  const onMemberRefusedRef = useRef(onMemberRefused);
  onMemberRefusedRef.current = onMemberRefused;
  const [keyboard, setKeyboard] = useState<KeyboardState | null>(null);
  const keyboardRef = useRef<KeyboardState | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const showNotice = useCallback((text: string) => {
    setNotice(text);
    if (noticeTimer.current) clearTimeout(noticeTimer.current);
    noticeTimer.current = setTimeout(() => setNotice(null), NOTICE_MS);
  }, []);
  const [state, setState] = useState<{ state: ConnectionState; detail?: string }>({ state: 'connecting' });
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');

  /** Fit to the container if it is visible; the terminal's onResize then sends the size. */
  const fit = useCallback(() => {
    const host = hostRef.current;
    const fitAddon = fitRef.current;
    if (!host || !fitAddon || host.offsetWidth === 0 || host.offsetHeight === 0) return;
    try {
      fitAddon.fit();
    } catch {
      // Not rendered yet.
    }
  }, []);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      cursorBlink: true,
      fontSize,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      scrollback: 5000,
      allowProposedApi: true,
      theme: { background: '#0b0f14', foreground: '#d1d5db', cursor: '#f59e0b', selectionBackground: '#374151' },
    });
    const fitAddon = new FitAddon();
    const searchAddon = new SearchAddon();
    term.loadAddon(fitAddon);
    term.loadAddon(searchAddon);
    term.open(host);
    termRef.current = term;
    fitRef.current = fitAddon;
    searchRef.current = searchAddon;

    let userKeyAt = 0;
    term.attachCustomKeyEventHandler((event) => {
      if (event.type === 'keydown') userKeyAt = Date.now();
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      const key = event.key.toLowerCase();
      if (key === 'c') {
        void copyText(term.getSelection());
        event.preventDefault();
        return false;
      }
      if (key === 'v') {
        event.preventDefault();
        void navigator.clipboard
          ?.readText()
          .then((text) => text && term.paste(text))
          .catch(() => undefined);
        return false;
      }
      if (key === 'f') {
        event.preventDefault();
        setSearchOpen(true);
        setTimeout(() => searchInputRef.current?.select(), 0);
        return false;
      }
      return true;
    });
    const selection = term.onSelectionChange(() => {
      if (copyOnSelect && term.hasSelection()) void copyText(term.getSelection());
    });

    keyboardRef.current = null;
    setKeyboard(null);
    const conn = new TerminalConnection({
      url,
      token,
      terminal: terminalId,
      ...(member ? { member } : {}),
      onAttach: () => term.reset(),
      onOutput: (data) => term.write(data),
      onExit: (code) => {
        term.write(`\r\n\x1b[2m[shell exited${code === null ? '' : ` with code ${code}`}]\x1b[0m\r\n`);
        onExitRef.current?.(code);
      },
      onState: (s, detail) => {
        setState({ state: s, ...(detail ? { detail } : {}) });
        if (s === 'refused') onMemberRefusedRef.current?.(detail ?? 'refused');
      },
      size: () => ({ cols: term.cols, rows: term.rows }),
      onKeyboard: (kb) => {
        keyboardRef.current = kb;
        setKeyboard(kb);
        // A "you are watching" notice is stale once this member may type.
        if (inputBlocked(kb) === null) setNotice(null);
        onKeyboardRef.current?.(kb);
      },
      onRefused: showNotice,
    });
    connRef.current = conn;
    // A watcher's keystrokes stay here (the server would refuse them anyway) and the bar says why. A free
    // keyboard is taken by a keystroke, never by xterm's own answers to a program's queries (every watcher's
    // xterm answers them), so input that no key just caused is dropped until this page holds the keyboard.
    const send = (data: string): void => {
      const kb = keyboardRef.current;
      const byUser = Date.now() - userKeyAt < USER_INPUT_MS;
      const blocked = inputBlocked(kb);
      if (blocked) {
        if (byUser) showNotice(blocked);
        return;
      }
      if (kb && kb.holder === null && !byUser) return;
      conn.write(data);
    };
    const input = term.onData(send);
    const binary = term.onBinary(send);
    const resize = term.onResize(({ cols, rows }) => conn.resize(cols, rows));

    let timer: ReturnType<typeof setTimeout> | null = null;
    const observer = new ResizeObserver(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(fit, FIT_DEBOUNCE_MS);
    });
    observer.observe(host);
    fit();

    return () => {
      if (timer) clearTimeout(timer);
      observer.disconnect();
      input.dispose();
      binary.dispose();
      resize.dispose();
      selection.dispose();
      conn.dispose();
      term.dispose();
      termRef.current = null;
      fitRef.current = null;
      searchRef.current = null;
      connRef.current = null;
    };
    // fontSize and copyOnSelect are read at creation; a new terminal id, server or member means a new socket.
  }, [url, token, terminalId, member, fit, showNotice]);

  useEffect(
    () => () => {
      if (noticeTimer.current) clearTimeout(noticeTimer.current);
    },
    [],
  );

  useEffect(() => {
    if (!active) return;
    // Fit once the tab is laid out, then again after fonts settle.
    const frame = requestAnimationFrame(() => {
      fit();
      termRef.current?.focus();
    });
    const later = setTimeout(fit, 150);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(later);
    };
  }, [active, fit]);

  const find = (forward: boolean) => {
    const search = searchRef.current;
    if (!search || !query) return;
    const options = { decorations: SEARCH_DECORATIONS };
    if (forward) search.findNext(query, options);
    else search.findPrevious(query, options);
  };

  const closeSearch = () => {
    setSearchOpen(false);
    searchRef.current?.clearDecorations();
    termRef.current?.focus();
  };

  const onSearchKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      find(!event.shiftKey);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closeSearch();
    }
  };

  const banner =
    state.state === 'reconnecting'
      ? `Connection lost — reconnecting${state.detail ? ` (${state.detail})` : ''}…`
      : state.state === 'exited'
        ? `Terminal ended${state.detail ? `: ${state.detail}` : ''}`
        : state.state === 'refused'
          ? `Not connected: ${state.detail ?? 'the server refused this page'}`
          : null;

  return (
    <div className="fd-terminal" data-state={state.state}>
      {banner && (
        <div className="fd-terminal__banner" role="status">
          <span>{banner}</span>
          {state.state === 'reconnecting' && (
            <button type="button" onClick={() => connRef.current?.reconnectNow()}>
              Reconnect now
            </button>
          )}
        </div>
      )}
      {keyboard && <KeyboardBar state={keyboard} notice={notice} onAction={(action) => connRef.current?.keyboard(action)} />}
      {searchOpen && (
        <div className="fd-terminal__search" role="search">
          <input
            ref={searchInputRef}
            type="search"
            placeholder="Find in terminal"
            aria-label="Find in terminal"
            value={query}
            autoFocus
            onChange={(e) => {
              setQuery(e.target.value);
              if (e.target.value) searchRef.current?.findNext(e.target.value, { incremental: true, decorations: SEARCH_DECORATIONS });
              else searchRef.current?.clearDecorations();
            }}
            onKeyDown={onSearchKey}
          />
          <button type="button" onClick={() => find(false)} aria-label="Previous match">
            ↑
          </button>
          <button type="button" onClick={() => find(true)} aria-label="Next match">
            ↓
          </button>
          <button type="button" onClick={closeSearch} aria-label="Close search">
            ✕
          </button>
        </div>
      )}
      <div className="fd-terminal__screen" ref={hostRef} />
    </div>
  );
}
