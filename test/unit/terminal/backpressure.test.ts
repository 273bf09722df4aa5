import { afterEach, describe, expect, it, vi } from 'vitest';
import { Backpressure } from '../../../main/terminal/backpressure.js';
import { TerminalSession } from '../../../main/terminal/session.js';
import type { PtyProcess } from '../../../main/terminal/pty.js';

afterEach(() => vi.useRealTimers());

describe('a slow terminal client holds the pty instead of filling memory', () => {
  it('holds above the high mark and releases once drained below the low mark', () => {
    vi.useFakeTimers();
    let buffered = 0;
    const calls: string[] = [];
    const flow = new Backpressure({ buffered: () => buffered, hold: () => calls.push('hold'), release: () => calls.push('release'), high: 100, low: 10 });
    buffered = 50;
    flow.afterSend();
    expect(calls).toEqual([]);
    buffered = 150;
    flow.afterSend();
    flow.afterSend();
    expect(calls).toEqual(['hold']);
    buffered = 40;
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(['hold']);
    buffered = 5;
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(['hold', 'release']);
    expect(flow.held).toBe(false);
  });

  it('pauses the pty while any client holds it, and resumes when the last one lets go', () => {
    const calls: string[] = [];
    const pty: PtyProcess = {
      pid: 1,
      onData: () => ({ dispose: () => undefined }),
      onExit: () => ({ dispose: () => undefined }),
      write: () => undefined,
      resize: () => undefined,
      kill: () => undefined,
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    };
    const session = new TerminalSession({ runId: 'r', terminal: 1, service: 'bastion', shell: { file: 'bash', args: [], env: {} }, spawn: () => pty });
    const a = {};
    const b = {};
    session.hold(a);
    session.hold(b);
    session.release(a);
    expect(calls).toEqual(['pause']);
    session.release(b);
    expect(calls).toEqual(['pause', 'resume']);
  });
});
