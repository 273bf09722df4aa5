// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../shared/api/contract';
import { HistoryScreen } from '../../../renderer/src/screens/History';
import { AppProvider } from '../../../renderer/src/store/context';
import { createAppStore } from '../../../renderer/src/store/store';
import { fakeClient, flush } from './fixtures';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

const entry = (overrides: Partial<HistoryEntry>): HistoryEntry => ({
  runId: 'slow-query-20260301-100000-abcd',
  scenario: 'slow-query',
  title: 'The slow query',
  startedAt: '2026-03-01T10:00:00.000Z',
  outcome: 'resolved',
  troubleshootingScore: 41,
  postmortemScore: null,
  ...overrides,
});

describe('history screen', () => {
  it('marks an imported session and says what differs from its bundle', async () => {
    const fake = fakeClient({
      'history.list': () => [
        entry({
          runId: 'slow-query-imported',
          imported: true,
          importNotes: ["the bundle's report claimed a troubleshooting score of 99; recomputed from its event log: 41"],
        }),
        entry({ runId: 'slow-query-local', startedAt: '2026-03-02T10:00:00.000Z' }),
      ],
    });
    const store = createAppStore({ client: fake.client });
    const container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    await act(async () => {
      root!.render(
        <AppProvider store={store} client={fake.client}>
          <HistoryScreen />
        </AppProvider>,
      );
      await flush();
    });
    const imported = container.querySelector('[data-testid="history-slow-query-imported"]')!;
    expect(imported.querySelector('[data-testid="imported-slow-query-imported"]')!.textContent).toBe('imported');
    expect(imported.textContent).toContain('claimed a troubleshooting score of 99; recomputed from its event log: 41');
    expect(imported.textContent).toContain('41');
    const local = container.querySelector('[data-testid="history-slow-query-local"]')!;
    expect(local.textContent).not.toContain('imported');
  });
});
