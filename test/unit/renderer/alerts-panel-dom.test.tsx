// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertView } from '../../../shared/api/contract';
import { AlertsPanel } from '../../../renderer/src/screens/live/AlertsPanel';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

const alert = (fingerprint: string, alertname: string, startsAt: string, patch: Partial<AlertView> = {}): AlertView => ({
  fingerprint,
  alertname,
  severity: 'page',
  state: 'active',
  labels: { alertname, severity: 'page', env: 'shop-prod' },
  annotations: { summary: `${alertname} summary` },
  startsAt,
  inhibitedBy: [],
  silencedBy: [],
  ...patch,
});

describe('the alerts panel', () => {
  it('lists every alert oldest first with its state, what inhibits it, and the pager count', async () => {
    const alerts = [
      alert('p', 'PaymentsHighErrorRate', '2026-01-01T02:16:07Z', { state: 'suppressed', inhibitedBy: ['db'], group: 'alertname="PaymentsHighErrorRate"' }),
      alert('db', 'PostgreSQLTooManyConnections', '2026-01-01T02:15:19Z', { group: 'alertname="PostgreSQLTooManyConnections"' }),
      alert('r', 'OrdersReplicaRestarting', '2026-01-01T02:15:36Z', { state: 'resolved', endsAt: '2026-01-01T02:19:00Z' }),
    ];
    const container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    await act(async () => {
      root!.render(
        <AlertsPanel
          alerts={alerts}
          source="alerts"
          pagedAt="2026-01-01T02:16:00Z"
          pager={{ source: 'pager', pages: 14, recent: [{ seq: 14, at: '2026-01-01T02:17:00Z', alertnames: ['OrdersHighErrorRate'] }] }}
        />,
      );
    });
    const rows = [...container.querySelectorAll('[data-testid="alerts-by-start"] [data-testid="alert"]')];
    expect(rows.map((r) => `${r.getAttribute('data-alertname')}:${r.getAttribute('data-status')}`)).toEqual([
      'PostgreSQLTooManyConnections:firing',
      'OrdersReplicaRestarting:resolved',
      'PaymentsHighErrorRate:inhibited',
    ]);
    expect(rows[2]!.querySelector('[data-testid="inhibited-by"]')?.textContent).toContain('PostgreSQLTooManyConnections');
    expect(container.querySelector('[data-testid="alert-counts"]')?.textContent).toMatch(/1 firing · 1 inhibited · 1 resolved/);
    expect(container.querySelector('[data-testid="page-count"]')?.textContent).toBe('14');

    // By group: one notification group per line, the one that would page first.
    const byGroup = [...container.querySelectorAll('button')].find((b) => b.textContent === 'By group')!;
    await act(async () => byGroup.click());
    const groups = [...container.querySelectorAll('[data-testid="alert-group"]')];
    expect(groups[0]?.textContent).toContain('alertname="PostgreSQLTooManyConnections"');
    expect(groups).toHaveLength(3);
  });
});
