// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { CommsCard } from '../../../renderer/src/components/CommsCard';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

describe("the report screen's Comms line", () => {
  it('shows the verdict, each rule with its times, and the updates that did not count with why', () => {
    const container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    act(() =>
      root!.render(
        <CommsCard
          comms={{
            requirement: { firstWithinMs: 600_000, everyMs: null },
            updates: [
              { id: 'e5', time: '2026-01-01T10:13:00.000Z', sincePageMs: 720_000, author: 'carol', message: 'Checkout down, failing over the database', counted: true },
              { id: 'e6', time: '2026-01-01T10:14:00.000Z', sincePageMs: 780_000, author: 'carol', message: 'Checkout down, failing over the database', counted: false, why: 'repeats an earlier update' },
            ],
            counted: 1,
            firstAfterMs: 720_000,
            longestGapMs: 300_000,
            closedAtMs: 1_080_000,
            rules: [{ id: 'firstWithin', title: 'First update within 10:00 of the page', state: 'failed', detail: 'first update 12:00 after the page' }],
            met: false,
            nextDueInMs: null,
          }}
        />,
      ),
    );
    expect(container.querySelector('[data-testid="report-comms-verdict"]')!.textContent).toBe('Not met');
    expect(container.querySelector('[data-testid="report-comms-rule-firstWithin"]')!.textContent).toBe('✗ First update within 10:00 of the page: first update 12:00 after the page');
    expect(container.querySelector('[data-testid="report-comms"]')!.textContent).toContain('not counted: repeats an earlier update');
    expect(container.querySelector('[data-testid="report-comms"]')!.textContent).toContain('1 of 2 updates counted · not part of the scores');
  });
});
