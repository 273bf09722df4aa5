import { memo } from 'react';
import type { AlertView, RunSnapshot } from '../../../../shared/api/contract';
import { formatDuration } from '../../../../shared/format/duration';
import { formatClockTime } from '../../lib/format';
import { groupAlerts, isMuted } from '../../lib/live';

function labelText(alert: AlertView): string {
  return Object.entries(alert.labels)
    .filter(([key]) => key !== 'alertname' && key !== 'severity')
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

export const AlertsPanel = memo(function AlertsPanel({
  alerts,
  source,
  pagedAt,
}: {
  alerts: RunSnapshot['alerts'];
  source: string | null;
  pagedAt: string | null;
}) {
  const groups = groupAlerts(alerts);
  const firing = groups.reduce((n, g) => n + g.firing, 0);
  return (
    <section className="panel" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <div className="panel-head">
        <h3 id="alerts-title">Alerts</h3>
        <span className="count" aria-live="polite">
          {firing} firing · {alerts.length} total
        </span>
      </div>
      <div className="panel-body">
        {alerts.length === 0 ? (
          <p className="muted">{source ? 'No alerts right now.' : 'This scenario has no alert source.'}</p>
        ) : (
          groups.map((group) => (
            <div className="alert-group" key={group.alertname} data-testid={`alert-group-${group.alertname}`}>
              <div className="alert-group-head">
                <span className={`dot ${group.firing > 0 ? 'dot-fail' : 'dot-unknown'}`} aria-hidden="true" />
                {group.alertname}
                <span className="count muted">×{group.alerts.length}</span>
              </div>
              {group.alerts.map((alert) => {
                const muted = isMuted(alert);
                const since = pagedAt ? Date.parse(alert.startsAt) - Date.parse(pagedAt) : null;
                return (
                  <div
                    key={alert.fingerprint}
                    className={`alert sev-${alert.severity ?? 'none'}${muted ? ' muted-alert' : ''}`}
                    title={alert.annotations.description ?? alert.annotations.summary ?? ''}
                  >
                    <div className="alert-line">
                      <span className={`tag tag-${alert.state === 'active' ? 'firing' : alert.state}`}>{alert.state}</span>
                      {alert.severity ? <span className={`tag tag-${alert.severity}`}>{alert.severity}</span> : null}
                      {alert.inhibitedBy.length > 0 ? <span className="tag">inhibited</span> : null}
                      {alert.silencedBy.length > 0 ? <span className="tag">silenced</span> : null}
                      <span className="muted mono" title={alert.startsAt}>
                        since {formatClockTime(alert.startsAt)}
                        {since !== null && !Number.isNaN(since) ? ` (${formatDuration(since, 'clock', { sign: 'always' })})` : ''}
                      </span>
                    </div>
                    {alert.annotations.summary ? <div>{alert.annotations.summary}</div> : null}
                    <div className="alert-labels">{labelText(alert)}</div>
                  </div>
                );
              })}
            </div>
          ))
        )}
      </div>
    </section>
  );
});
