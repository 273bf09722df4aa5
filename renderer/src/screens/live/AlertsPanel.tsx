import { memo, useState } from 'react';
import type { AlertView, RunSnapshot } from '../../../../shared/api/contract';
import { formatDuration } from '../../../../shared/format/duration';
import { formatClockTime } from '../../lib/format';
import {
  alertStatus,
  byStart,
  countAlerts,
  inhibitedByNames,
  labelText,
  notificationGroups,
} from '../../lib/alerts';

type Order = 'started' | 'groups';

function AlertLine({
  alert,
  all,
  pagedAt,
}: {
  alert: AlertView;
  all: readonly AlertView[];
  pagedAt: string | null;
}) {
  const status = alertStatus(alert);
  const since = pagedAt ? Date.parse(alert.startsAt) - Date.parse(pagedAt) : null;
  const inhibitors = inhibitedByNames(alert, all);
  return (
    <li
      className={`alert sev-${alert.severity ?? 'none'} alert-${status}`}
      title={alert.annotations.description ?? alert.annotations.summary ?? ''}
      data-testid="alert"
      data-alertname={alert.alertname}
      data-status={status}
    >
      <div className="alert-line">
        <span className={`tag tag-${status}`}>{status}</span>
        <strong className="alert-name">{alert.alertname}</strong>
        {alert.severity ? <span className={`tag tag-${alert.severity}`}>{alert.severity}</span> : null}
        <span className="muted mono" title={alert.startsAt}>
          {formatClockTime(alert.startsAt)}
          {since !== null && !Number.isNaN(since)
            ? ` (${since >= 0 ? '+' : '−'}${formatDuration(Math.abs(since), 'clock')})`
            : ''}
          {status === 'resolved' && alert.endsAt ? ` → ${formatClockTime(alert.endsAt)}` : ''}
        </span>
      </div>
      {alert.annotations.summary ? <div className="alert-summary">{alert.annotations.summary}</div> : null}
      {inhibitors.length > 0 ? (
        <div className="alert-why" data-testid="inhibited-by">
          inhibited by <span className="mono">{inhibitors.join(', ')}</span>
        </div>
      ) : null}
      {alert.silencedBy.length > 0 ? (
        <div className="alert-why">
          silenced by <span className="mono">{alert.silencedBy.map((id) => id.slice(0, 8)).join(', ')}</span>
        </div>
      ) : null}
      <div className="alert-labels">{labelText(alert)}</div>
    </li>
  );
}

function Pager({ pager }: { pager: NonNullable<RunSnapshot['pager']> }) {
  const last = pager.recent.slice(-3).reverse();
  return (
    <div className="pager" data-testid="pager" role="status" aria-live="polite">
      <div className="pager-count">
        <span aria-hidden="true">☎</span> <strong data-testid="page-count">{pager.pages}</strong> page
        {pager.pages === 1 ? '' : 's'} sent to the on-call phone
      </div>
      {last.length > 0 ? (
        <ol className="pager-recent">
          {last.map((page) => (
            <li key={page.seq}>
              <span className="mono muted">{page.at ? formatClockTime(page.at) : `#${page.seq}`}</span>{' '}
              {page.alertnames.join(', ') || '—'}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

export const AlertsPanel = memo(function AlertsPanel({
  alerts,
  source,
  pagedAt,
  pager,
}: {
  alerts: RunSnapshot['alerts'];
  source: string | null;
  pagedAt: string | null;
  pager: RunSnapshot['pager'];
}) {
  const [order, setOrder] = useState<Order>('started');
  const [showResolved, setShowResolved] = useState(true);
  const counts = countAlerts(alerts);
  const shown = showResolved ? alerts : alerts.filter((a) => alertStatus(a) !== 'resolved');
  return (
    <section className="panel alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <div className="panel-head">
        <h3 id="alerts-title">Alerts</h3>
        <span className="count" aria-live="polite" data-testid="alert-counts">
          {counts.firing} firing · {counts.inhibited} inhibited
          {counts.silenced ? ` · ${counts.silenced} silenced` : ''} · {counts.resolved} resolved
        </span>
        <span className="actions segmented" role="group" aria-label="Order">
          <button
            type="button"
            className={`btn btn-small${order === 'started' ? ' active' : ''}`}
            aria-pressed={order === 'started'}
            onClick={() => setOrder('started')}
          >
            By start
          </button>
          <button
            type="button"
            className={`btn btn-small${order === 'groups' ? ' active' : ''}`}
            aria-pressed={order === 'groups'}
            onClick={() => setOrder('groups')}
          >
            By group
          </button>
        </span>
      </div>
      <div className="panel-body">
        {pager ? <Pager pager={pager} /> : null}
        {alerts.length === 0 ? (
          <p className="muted">{source ? 'No alerts right now.' : 'This scenario has no alert source.'}</p>
        ) : (
          <>
            <label className="muted toggle">
              <input
                type="checkbox"
                checked={showResolved}
                onChange={(e) => setShowResolved(e.target.checked)}
              />{' '}
              show resolved
            </label>
            {order === 'started' ? (
              <ol className="alert-list" data-testid="alerts-by-start">
                {byStart(shown).map((alert) => (
                  <AlertLine
                    key={`${alert.fingerprint}-${alert.state}`}
                    alert={alert}
                    all={alerts}
                    pagedAt={pagedAt}
                  />
                ))}
              </ol>
            ) : (
              notificationGroups(shown).map((group) => (
                <div className="alert-group" key={group.key} data-testid="alert-group">
                  <div className="alert-group-head">
                    <span
                      className={`dot ${group.firing > 0 ? 'dot-fail' : 'dot-unknown'}`}
                      aria-hidden="true"
                    />
                    <span className="mono">{group.key}</span>
                    <span className="count muted">×{group.alerts.length}</span>
                  </div>
                  <ol className="alert-list">
                    {group.alerts.map((alert) => (
                      <AlertLine
                        key={`${alert.fingerprint}-${alert.state}`}
                        alert={alert}
                        all={alerts}
                        pagedAt={pagedAt}
                      />
                    ))}
                  </ol>
                </div>
              ))
            )}
          </>
        )}
      </div>
    </section>
  );
});
