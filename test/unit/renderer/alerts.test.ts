import { describe, expect, it } from 'vitest';
import type { AlertView } from '../../../shared/api/contract.js';
import {
  alertStatus,
  byStart,
  countAlerts,
  inhibitedByNames,
  notificationGroups,
} from '../../../renderer/src/lib/alerts.js';
import { instantRows, seriesName, sparkline } from '../../../renderer/src/lib/series.js';

const alert = (
  fingerprint: string,
  alertname: string,
  startsAt: string,
  patch: Partial<AlertView> = {},
): AlertView => ({
  fingerprint,
  alertname,
  severity: 'page',
  state: 'active',
  labels: { alertname, severity: 'page', env: 'shop-prod' },
  annotations: {},
  startsAt,
  inhibitedBy: [],
  silencedBy: [],
  ...patch,
});

const storm = [
  alert('b', 'PaymentsHighErrorRate', '2026-01-01T02:16:07Z', {
    inhibitedBy: ['a'],
    state: 'suppressed',
    group: 'alertname="PaymentsHighErrorRate", service="payments"',
  }),
  alert('a', 'PostgreSQLTooManyConnections', '2026-01-01T02:15:19Z', {
    group: 'alertname="PostgreSQLTooManyConnections", service="postgres"',
  }),
  alert('c', 'CheckoutHighErrorRate', '2026-01-01T02:15:57Z', {
    silencedBy: ['0f1e2d3c-silence'],
    state: 'suppressed',
  }),
  alert('d', 'OrdersReplicaRestarting', '2026-01-01T02:15:36Z', {
    state: 'resolved',
    endsAt: '2026-01-01T02:19:00Z',
  }),
];

describe('the alerts panel helpers', () => {
  it('says what each alert does to the on-call: firing, inhibited, silenced or resolved', () => {
    expect(storm.map(alertStatus)).toEqual(['inhibited', 'firing', 'silenced', 'resolved']);
    expect(countAlerts(storm)).toEqual({ firing: 1, inhibited: 1, silenced: 1, pending: 0, resolved: 1 });
  });

  it('orders by start, so the cause (the first alert) leads', () => {
    expect(byStart(storm).map((a) => a.alertname)).toEqual([
      'PostgreSQLTooManyConnections',
      'OrdersReplicaRestarting',
      'CheckoutHighErrorRate',
      'PaymentsHighErrorRate',
    ]);
  });

  it('names the alert that inhibits another (Alertmanager gives a fingerprint)', () => {
    expect(inhibitedByNames(storm[0]!, storm)).toEqual(['PostgreSQLTooManyConnections']);
    expect(
      inhibitedByNames(alert('x', 'X', '2026-01-01T00:00:00Z', { inhibitedBy: ['deadbeefcafe'] }), storm),
    ).toEqual(['deadbeef']);
  });

  it('groups by notification group, groups that would page first', () => {
    const groups = notificationGroups(storm);
    expect(groups[0]).toMatchObject({
      key: 'alertname="PostgreSQLTooManyConnections", service="postgres"',
      firing: 1,
    });
    // Without a group from Alertmanager, the alertname stands in.
    expect(groups.map((g) => g.key)).toContain('alertname="CheckoutHighErrorRate"');
    expect(groups.slice(1).every((g) => g.firing === 0)).toBe(true);
  });
});

describe('the Prometheus panel helpers', () => {
  it('names series the way PromQL prints them', () => {
    expect(seriesName({ __name__: 'up', job: 'orders', instance: 'orders-1' })).toBe(
      'up{instance="orders-1", job="orders"}',
    );
    expect(seriesName({})).toBe('{}');
    expect(
      instantRows({ resultType: 'vector', result: [{ metric: { job: 'x' }, value: [1, '0.123456'] }] }),
    ).toEqual([{ series: '{job="x"}', value: '0.123' }]);
  });

  it('draws range results on one scale that includes zero', () => {
    const line = sparkline(
      {
        resultType: 'matrix',
        result: [
          {
            metric: { job: 'a' },
            values: [
              [0, '0'],
              [10, '50'],
              [20, '100'],
            ],
          },
          {
            metric: { job: 'b' },
            values: [
              [0, '25'],
              [20, '25'],
            ],
          },
        ],
      },
      200,
      40,
    )!;
    expect(line.min).toBe(0);
    expect(line.max).toBe(100);
    expect(line.paths[0]!.d).toBe('M0.0,40.0 L100.0,20.0 L200.0,0.0');
    expect(line.last).toEqual([
      { name: '{job="a"}', value: '100' },
      { name: '{job="b"}', value: '25' },
    ]);
    expect(sparkline({ resultType: 'matrix', result: [] }, 200, 40)).toBeNull();
  });
});
