// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { inputBlocked, KeyboardBar } from '../../../renderer/src/components/terminal/KeyboardBar';
import { MemberPicker } from '../../../renderer/src/components/terminal/MemberPicker';
import { rememberMember, storedMember } from '../../../renderer/src/components/terminal/member';
import type { KeyboardAction, KeyboardState } from '../../../renderer/src/components/terminal/terminal-connection';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

function render(element: React.ReactElement): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() => root!.render(element));
  return host;
}

const buttons = (host: HTMLElement) => [...host.querySelectorAll('button')].map((b) => b.getAttribute('data-testid'));

describe("a shared terminal's keyboard bar", () => {
  it('says who has the keyboard and offers what this member may do', () => {
    const cases: [KeyboardState, string, (string | null)[]][] = [
      [{ holder: null, you: 'alice' }, 'Nobody has the keyboard', ['keyboard-take']],
      [{ holder: 'alice', you: 'alice' }, '⌨ alice has the keyboard (you)', ['keyboard-release']],
      [{ holder: 'alice', you: 'bob' }, '⌨ alice has the keyboard', ['keyboard-take-over']],
      // A page that has not said who it is only watches.
      [{ holder: 'alice', you: null }, '⌨ alice has the keyboard', []],
    ];
    for (const [state, text, offered] of cases) {
      const host = render(<KeyboardBar state={state} notice={null} onAction={() => undefined} />);
      expect(host.querySelector('[data-testid="keyboard-holder"]')!.textContent).toBe(text);
      expect(buttons(host)).toEqual(offered);
      act(() => root!.unmount());
      root = null;
    }
  });

  it('sends the action pressed and shows why keystrokes went nowhere', () => {
    const actions: KeyboardAction[] = [];
    const host = render(<KeyboardBar state={{ holder: 'alice', you: 'bob' }} notice="alice has the keyboard" onAction={(a) => actions.push(a)} />);
    act(() => host.querySelector<HTMLButtonElement>('[data-testid="keyboard-take-over"]')!.click());
    expect(actions).toEqual(['take-over']);
    expect(host.querySelector('[data-testid="keyboard-notice"]')!.textContent).toBe('alice has the keyboard');
  });

  it("blocks a watcher's keystrokes (with the reason), never a holder's, a free keyboard's or a solo terminal's", () => {
    expect(inputBlocked(null)).toBeNull();
    expect(inputBlocked({ holder: null, you: 'bob' })).toBeNull();
    expect(inputBlocked({ holder: 'bob', you: 'bob' })).toBeNull();
    expect(inputBlocked({ holder: 'alice', you: 'bob' })).toMatch(/alice has the keyboard: you are watching/);
    expect(inputBlocked({ holder: null, you: null })).toMatch(/Pick your name/);
  });
});

describe('the member picker', () => {
  it("lists the team's members and remembers the pick per run", () => {
    const picked: string[] = [];
    const host = render(<MemberPicker members={['alice', 'bob']} onPick={(m) => picked.push(m)} refused={'"eve" is not a member of team red'} />);
    expect(buttons(host)).toEqual(['member-pick-alice', 'member-pick-bob']);
    act(() => host.querySelector<HTMLButtonElement>('[data-testid="member-pick-bob"]')!.click());
    expect(picked).toEqual(['bob']);
    expect(host.querySelector('[data-testid="member-refused"]')!.textContent).toMatch(/not a member/);

    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    rememberMember('game-red', 'bob', storage);
    expect(storedMember('game-red', storage)).toBe('bob');
    expect(storedMember('game-blue', storage)).toBeNull();
    rememberMember('game-red', null, storage);
    expect(storedMember('game-red', storage)).toBeNull();
  });
});
