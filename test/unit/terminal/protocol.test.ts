import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage, parseTerminalId, terminalId } from '../../../shared/api/terminal-protocol.js';

describe('terminal protocol', () => {
  it('accepts the client messages', () => {
    for (const m of [
      { type: 'attach', terminal: 'run-1:1' },
      { type: 'stdin', terminal: 'run-1:2', data: 'ls\r' },
      { type: 'resize', terminal: 'run-1:1', cols: 120, rows: 40 },
      { type: 'detach' },
      { type: 'detach', terminal: 'run-1:1' },
      { type: 'keyboard', terminal: 'run-1:1', action: 'take' },
      { type: 'keyboard', terminal: 'run-1:1', action: 'take-over' },
      { type: 'keyboard', terminal: 'run-1:1', action: 'release' },
    ]) {
      expect(parseClientMessage(JSON.stringify(m))).toEqual({ ok: true, message: m });
    }
  });

  it('rejects malformed messages with a reason naming the field', () => {
    expect(parseClientMessage('{')).toEqual({ ok: false, error: 'not JSON' });
    expect(parseClientMessage(JSON.stringify({ type: 'resize', terminal: 'r:1', cols: 0, rows: 10 }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('cols'),
    });
    expect(parseClientMessage(JSON.stringify({ type: 'attach', terminal: 'nocolon' }))).toMatchObject({ ok: false });
    expect(parseClientMessage(JSON.stringify({ type: 'launch', terminal: 'r:1' }))).toMatchObject({ ok: false });
    expect(parseClientMessage(JSON.stringify({ type: 'stdin', terminal: 'r:1', data: 'x'.repeat(70_000) }))).toMatchObject({ ok: false });
    expect(parseClientMessage(JSON.stringify({ type: 'keyboard', terminal: 'r:1', action: 'steal' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('action'),
    });
    expect(parseClientMessage(JSON.stringify({ type: 'keyboard', terminal: 'r:1' }))).toMatchObject({ ok: false });
  });

  it('validates server messages', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'exit', terminal: 'r:1', code: null })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'status', terminal: 'r:1', status: 'running' })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'error', code: 'unknown-terminal', message: 'x' })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'status', terminal: 'r:1', status: 'sleeping' })).ok).toBe(false);
    // Shared terminals: who holds the keyboard, who the socket is, and the refusals of input.
    expect(parseServerMessage(JSON.stringify({ type: 'keyboard', terminal: 'r:1', holder: 'alice', you: 'bob' })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'keyboard', terminal: 'r:1', holder: null, you: null })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'keyboard', terminal: 'r:1', holder: 'alice' })).ok).toBe(false);
    for (const code of ['not-holder', 'keyboard-held', 'not-shared']) {
      expect(parseServerMessage(JSON.stringify({ type: 'error', terminal: 'r:1', code, message: 'x' })).ok).toBe(true);
    }
  });

  it('builds and splits terminal ids, run ids with colons included', () => {
    expect(terminalId('2025-01-01T10:00-abc', 3)).toBe('2025-01-01T10:00-abc:3');
    expect(parseTerminalId('2025-01-01T10:00-abc:3')).toEqual({ runId: '2025-01-01T10:00-abc', terminal: 3 });
    expect(parseTerminalId('abc')).toBeNull();
    expect(parseTerminalId('abc:0')).toBeNull();
  });
});
