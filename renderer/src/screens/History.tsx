import { useEffect, useRef } from 'react';
import { ErrorBox } from '../components/ErrorBox';
import { Loading } from '../components/Loading';
import { formatDateTime } from '../lib/format';
import { useApp } from '../store/context';

export function HistoryScreen() {
  const history = useApp((s) => s.history);
  const loadHistory = useApp((s) => s.loadHistory);
  const importing = useApp((s) => s.importing);
  const importBundle = useApp((s) => s.importBundle);
  const navigate = useApp((s) => s.navigate);
  const file = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void loadHistory();
  }, [loadHistory]);

  const entries = 'data' in history && history.data ? history.data : [];
  const byScenario = new Map<string, typeof entries>();
  for (const entry of [...entries].sort((a, b) => b.startedAt.localeCompare(a.startedAt))) {
    byScenario.set(entry.scenario, [...(byScenario.get(entry.scenario) ?? []), entry]);
  }

  return (
    <section className="screen" aria-labelledby="history-title" data-testid="history">
      <div className="screen-head">
        <h1 id="history-title" tabIndex={-1}>
          History
        </h1>
        <span className="muted">Past attempts and their scores.</span>
        <div className="actions">
          <input
            ref={file}
            type="file"
            accept=".tar.gz,.tgz,application/gzip"
            hidden
            aria-label="Session bundle file"
            onChange={async (e) => {
              const chosen = e.target.files?.[0];
              e.target.value = '';
              if (chosen) await importBundle(chosen.name, new Uint8Array(await chosen.arrayBuffer()));
            }}
          />
          <button type="button" className="btn" disabled={importing.status === 'loading'} onClick={() => file.current?.click()}>
            {importing.status === 'loading' ? 'Importing…' : 'Import a bundle'}
          </button>
        </div>
      </div>
      {importing.status === 'error' ? <ErrorBox error={importing.error} title="Could not import the bundle" /> : null}
      {history.status === 'error' ? <ErrorBox error={history.error} title="Could not load history" onRetry={() => void loadHistory()} /> : null}
      {history.status === 'loading' && entries.length === 0 ? <Loading label="Loading history…" /> : null}
      {history.status === 'ready' && entries.length === 0 ? <p className="empty">No attempts yet. Pick a scenario and get paged.</p> : null}
      {[...byScenario.entries()].map(([scenario, list]) => (
        <section key={scenario} className="panel" aria-labelledby={`history-${scenario}`}>
          <div className="panel-head">
            <h2 id={`history-${scenario}`}>{list[0]!.title}</h2>
            <span className="count">
              {list.length} attempt{list.length === 1 ? '' : 's'}
            </span>
          </div>
          <table className="history">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Outcome</th>
                <th scope="col">Troubleshooting</th>
                <th scope="col">Postmortem</th>
                <th scope="col">
                  <span className="sr-only">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((entry) => (
                <tr key={entry.runId} data-testid={`history-${entry.runId}`}>
                  <td className="mono">{formatDateTime(entry.startedAt)}</td>
                  <td>
                    <span className={`phase phase-${entry.outcome}`}>{entry.outcome}</span>
                    {entry.imported ? (
                      <>
                        {' '}
                        <span
                          className="badge"
                          data-testid={`imported-${entry.runId}`}
                          title="Imported from a bundle: the scores were recomputed here from its event log, not taken from its report"
                        >
                          imported
                        </span>
                      </>
                    ) : null}
                    {entry.importNotes && entry.importNotes.length > 0 ? (
                      <ul className="import-notes muted" data-testid={`import-notes-${entry.runId}`}>
                        {entry.importNotes.map((note) => (
                          <li key={note}>{note}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td className="mono">{entry.troubleshootingScore ?? '—'}</td>
                  <td className="mono">
                    {entry.postmortemScore ?? '—'}
                    {entry.reviewed ? (
                      <>
                        {' '}
                        <span className="badge" title="A reviewer overrode a criterion: this is the reviewed score">
                          reviewed
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => navigate({ name: 'report', runId: entry.runId })}>
                      Open report
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
