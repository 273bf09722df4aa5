// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommsResult } from '../../../shared/api/comms';
import type { RunSnapshot } from '../../../shared/api/contract';
import { IncidentChannel } from '../../../renderer/src/screens/live/IncidentChannel';
import { AppProvider } from '../../../renderer/src/store/context';
import { createAppStore } from '../../../renderer/src/store/store';
import { fakeClient, flush, snapshot } from './fixtures';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

const comms = (patch: Partial<CommsResult> = {}): CommsResult => ({
  requirement: { firstWithinMs: 600_000, everyMs: 900_000 },
  updates: [
    { id: 'e7', time: '2026-01-01T10:03:00.000Z', sincePageMs: 120_000, author: 'alice', message: 'Checkout is down, investigating the database', counted: true },
    { id: 'e9', time: '2026-01-01T10:04:00.000Z', sincePageMs: 180_000, author: 'bob', message: 'investigating', counted: false, why: 'too short: say more' },
  ],
  counted: 1,
  firstAfterMs: 120_000,
  longestGapMs: 60_000,
  closedAtMs: null,
  rules: [
    { id: 'firstWithin', title: 'First update within 10:00 of the page', state: 'met', detail: 'first update 02:00 after the page' },
    { id: 'every', title: 'An update at least every 15:00', state: 'pending', detail: 'longest gap so far 01:00' },
  ],
  met: null,
  nextDueInMs: 840_000,
  ...patch,
});

async function render(run: RunSnapshot, handlers: Parameters<typeof fakeClient>[0]) {
  const fake = fakeClient(handlers);
  const container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <AppProvider store={createAppStore({ client: fake.client })} client={fake.client}>
        <IncidentChannel snapshot={run} />
      </AppProvider>,
    );
    await flush();
  });
  return { container, fake };
}

const type = (el: HTMLTextAreaElement, value: string) => {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
  setter.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
};

describe('the incident channel panel', () => {
  it("lists updates (what did not count, and why), counts down to the next one, and posts as a team member", async () => {
    const { container, fake } = await render(snapshot({ comms: comms() }), {
      'comms.channel': () => ({ members: ['alice', 'bob'] }),
      'comms.post': () => comms(),
    });
    expect(container.querySelector('[data-testid="incident-channel-due"]')!.textContent).toBe('Next update due in 14:00');
    expect(container.querySelector('[data-testid="incident-channel-requirement"]')!.textContent).toMatch(
      /^Expected: the first update within 10:00 of the page, then one at least every 15:00\. /,
    );
    expect(container.querySelector('[data-testid="incident-channel-update-0"]')!.getAttribute('data-counted')).toBe('true');
    expect(container.querySelector('[data-testid="incident-channel-update-1"]')!.textContent).toContain('not counted: too short');
    const author = container.querySelector<HTMLSelectElement>('[data-testid="incident-channel-author"]')!;
    expect([...author.options].map((o) => o.value)).toEqual(['alice', 'bob']);
    const post = container.querySelector<HTMLButtonElement>('[data-testid="incident-channel-post"]')!;
    expect(post.disabled).toBe(true);
    await act(async () => {
      type(container.querySelector<HTMLTextAreaElement>('[data-testid="incident-channel-message"]')!, 'Rolled back; errors dropping, next update 10:30');
      await flush();
    });
    await act(async () => {
      post.click();
      await flush();
    });
    expect(fake.calls.filter((c) => c.method === 'comms.post').map((c) => c.request)).toEqual([
      { runId: 'run-1', author: 'alice', message: 'Rolled back; errors dropping, next update 10:30' },
    ]);
  });

  it('says when an update is overdue; a solo run posts unsigned; a closed run has no post box', async () => {
    const solo = await render(snapshot({ comms: comms({ nextDueInMs: -65_000 }) }), { 'comms.channel': () => ({ members: [] }) });
    expect(solo.container.querySelector('[data-testid="incident-channel-due"]')!.textContent).toBe('Next update overdue by 01:05');
    expect(solo.container.querySelector('[data-testid="incident-channel-author"]')).toBeNull();
    expect(solo.container.querySelector('[data-testid="incident-channel-message"]')).not.toBeNull();
    act(() => root?.unmount());
    const over = await render(snapshot({ phase: 'resolved', comms: comms({ nextDueInMs: null, closedAtMs: 300_000 }) }), { 'comms.channel': () => ({ members: [] }) });
    expect(over.container.querySelector('[data-testid="incident-channel-due"]')).toBeNull();
    expect(over.container.querySelector('[data-testid="incident-channel-message"]')).toBeNull();
    expect(over.container.querySelector('[data-testid="incident-channel-error"]')).toBeNull();
  });
});
