/**
 * The shared terminal's untrusted edges: any text a socket sends parses to a message or a reason, never a
 * throw; and whatever sockets do in whatever order, a keyboard has at most one holder, who is attached,
 * only the holder's input gets through, and every change of holder is reported (and logged) once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../shared/api/terminal-protocol.js';
import { Keyboard, type KeyboardChange } from '../../../main/terminal/keyboard.js';
import { check, FUZZ_TIMEOUT, gnarlyText } from './runs.js';

const member = fc.constantFrom('alice', 'bob', 'carol', null);
const op = fc.record({
  kind: fc.constantFrom('join', 'leave', 'type', 'take', 'take-over', 'release'),
  member,
});

describe('shared terminal keyboard (fuzz)', () => {
  it(
    'parses any client text to a message or a reason',
    () => {
      const keyboardish = fc
        .record({ type: fc.constantFrom('keyboard', 'stdin', 'attach'), terminal: fc.oneof(gnarlyText(20), fc.constant('run:1')), action: fc.oneof(fc.string(), fc.constantFrom('take', 'take-over', 'release')) })
        .map((m) => JSON.stringify(m));
      check(
        fc.property(fc.oneof(gnarlyText(), keyboardish), (raw) => {
          const parsed = parseClientMessage(raw);
          if (parsed.ok) expect(typeof parsed.message.type).toBe('string');
          else expect(parsed.error.length).toBeGreaterThan(0);
        }),
        300,
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'keeps one attached holder, lets only the holder type, and reports every change once',
    () => {
      check(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const changes: KeyboardChange[] = [];
          const keyboard = new Keyboard((c) => changes.push(c));
          const present = new Map<string, number>();
          for (const { kind, member: m } of ops) {
            const before = keyboard.holder;
            const reported = changes.length;
            if (kind === 'join' && m !== null) {
              keyboard.join(m);
              present.set(m, (present.get(m) ?? 0) + 1);
            } else if (kind === 'leave' && m !== null && present.has(m)) {
              keyboard.leave(m);
              const left = present.get(m)! - 1;
              if (left === 0) present.delete(m);
              else present.set(m, left);
            } else if (kind === 'type') {
              const typed = keyboard.type(m);
              // Input gets through only from an attached member who holds it (or took it because it was free).
              expect(typed.ok).toBe(m !== null && present.has(m) && (before === null || before === m));
              if (typed.ok) expect(keyboard.holder).toBe(m);
            } else if (kind === 'take' || kind === 'take-over') {
              const taken = keyboard.take(m, kind === 'take-over');
              expect(taken.ok).toBe(m !== null && present.has(m) && (before === null || before === m || kind === 'take-over'));
            } else if (kind === 'release') {
              expect(keyboard.release(m).ok).toBe(m !== null && before === m);
            }
            const holder = keyboard.holder;
            if (holder !== null) expect(present.has(holder)).toBe(true);
            expect(changes.length - reported).toBe(holder === before ? 0 : 1);
            if (holder !== before) expect(changes.at(-1)).toMatchObject({ holder, previous: before });
          }
        }),
        500,
      );
    },
    FUZZ_TIMEOUT,
  );
});
