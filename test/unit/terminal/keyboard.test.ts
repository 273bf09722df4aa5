import { describe, expect, it } from 'vitest';
import { Keyboard, type KeyboardChange } from '../../../main/terminal/keyboard.js';

function keyboard(...members: string[]) {
  const changes: KeyboardChange[] = [];
  const k = new Keyboard((change) => changes.push(change));
  for (const m of members) k.join(m);
  return { k, changes };
}

describe('Keyboard: one holder per shared terminal', () => {
  it('is free at first; the first member to type takes it, the others are refused while it is held', () => {
    const { k, changes } = keyboard('alice', 'bob');
    expect(k.holder).toBeNull();
    expect(k.type('alice')).toEqual({ ok: true, change: { holder: 'alice', previous: null, reason: 'take' } });
    expect(k.type('alice')).toEqual({ ok: true, change: null });
    expect(k.type('bob')).toEqual({ ok: false, refusal: { code: 'not-holder', message: 'alice has the keyboard: take it over to type' } });
    expect(k.holder).toBe('alice');
    expect(changes).toEqual([{ holder: 'alice', previous: null, reason: 'take' }]);
  });

  it('a plain take of a held keyboard is refused; taking it over is explicit and hands it over', () => {
    const { k, changes } = keyboard('alice', 'bob');
    expect(k.take('alice')).toMatchObject({ ok: true, change: { holder: 'alice', reason: 'take' } });
    expect(k.take('bob')).toEqual({ ok: false, refusal: { code: 'keyboard-held', message: 'alice has the keyboard: take it over explicitly' } });
    expect(k.take('bob', true)).toEqual({ ok: true, change: { holder: 'bob', previous: 'alice', reason: 'take-over' } });
    expect(k.type('alice')).toMatchObject({ ok: false, refusal: { code: 'not-holder' } });
    expect(k.take('bob', true)).toEqual({ ok: true, change: null });
    expect(changes.map((c) => c.holder)).toEqual(['alice', 'bob']);
  });

  it('only the holder releases it; then anyone may take it', () => {
    const { k } = keyboard('alice', 'bob');
    k.take('alice');
    expect(k.release('bob')).toEqual({ ok: false, refusal: { code: 'not-holder', message: 'alice has the keyboard, not you' } });
    expect(k.release('alice')).toEqual({ ok: true, change: { holder: null, previous: 'alice', reason: 'release' } });
    expect(k.release('alice')).toMatchObject({ ok: false, refusal: { message: 'nobody has the keyboard' } });
    expect(k.type('bob')).toMatchObject({ ok: true, change: { holder: 'bob' } });
  });

  it("the holder's last socket leaving frees it; a second tab of the holder keeps it", () => {
    const { k, changes } = keyboard('alice', 'alice', 'bob');
    k.type('alice');
    expect(k.leave('alice')).toBeNull();
    expect(k.holder).toBe('alice');
    expect(k.leave('bob')).toBeNull();
    expect(k.leave('alice')).toEqual({ holder: null, previous: 'alice', reason: 'left' });
    expect(changes.at(-1)).toEqual({ holder: null, previous: 'alice', reason: 'left' });
  });

  it('a socket that has not said who it is, or is not attached, only watches', () => {
    const { k, changes } = keyboard('alice');
    expect(k.type(null)).toMatchObject({ ok: false, refusal: { code: 'not-holder', message: expect.stringMatching(/say who you are/) } });
    expect(k.take(null)).toMatchObject({ ok: false });
    expect(k.take('mallory')).toMatchObject({ ok: false });
    expect(k.type('mallory')).toMatchObject({ ok: false });
    expect(changes).toEqual([]);
  });
});
