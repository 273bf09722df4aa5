import { memo } from 'react';
import type { CheckView } from '../../../../shared/api/contract';

export const HealthPanel = memo(function HealthPanel({ health }: { health: CheckView[] }) {
  const failing = health.filter((h) => h.pass === false).length;
  return (
    <section className="panel" aria-labelledby="health-title" data-testid="health-panel">
      <div className="panel-head">
        <h3 id="health-title">Service health</h3>
        <span className="count">
          {health.length === 0 ? '' : failing === 0 ? 'all passing' : `${failing} failing`}
        </span>
      </div>
      <div className="panel-body">
        {health.length === 0 ? (
          <p className="muted">No health checks reported yet.</p>
        ) : (
          <ul className="health-list">
            {health.map((check) => {
              const status = check.pass === null ? 'unknown' : check.pass ? 'pass' : 'fail';
              return (
                <li key={`${check.group}/${check.checkId}`} className="health-item" data-status={status}>
                  <span className={`dot dot-${status}`} aria-hidden="true" />
                  <span>{check.title}</span>
                  <span className="sr-only">: {status === 'unknown' ? 'not checked yet' : status}</span>
                  {check.observed ? (
                    <span className="observed" title={check.observed}>
                      {check.observed}
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
});
