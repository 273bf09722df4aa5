import { memo, useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ObservabilityView, PromResult } from '../../../../shared/api/contract';
import { toApiError } from '../../api/client';
import { instantRows, sparkline } from '../../lib/series';
import { useClient } from '../../store/context';

const GRAPH_SECONDS = 15 * 60;
const REFRESH_MS = 10_000;
const W = 260;
const H = 46;

function Graph({
  runId,
  source,
  title,
  query,
  live,
}: {
  runId: string;
  source: string;
  title: string;
  query: string;
  live: boolean;
}) {
  const client = useClient();
  const [data, setData] = useState<PromResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const answer = await client.call('observability.query', {
          runId,
          source,
          query,
          rangeSeconds: GRAPH_SECONDS,
        });
        if (stopped) return;
        if (answer.ok) {
          setData(answer.data);
          setError(null);
        } else setError(answer.error);
      } catch (e) {
        if (!stopped) setError(toApiError(e).message);
      }
    };
    void load();
    const timer = live ? setInterval(() => void load(), REFRESH_MS) : undefined;
    return () => {
      stopped = true;
      if (timer) clearInterval(timer);
    };
  }, [client, runId, source, query, live]);
  const line = data ? sparkline(data, W, H) : null;
  return (
    <figure className="graph" data-testid="graph">
      <figcaption>
        <span>{title}</span>
        {line ? <span className="mono muted">{line.last.map((l) => l.value).join(' · ')}</span> : null}
      </figcaption>
      {line ? (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          width="100%"
          height={H}
          role="img"
          aria-label={`${title}: last ${GRAPH_SECONDS / 60} minutes`}
          preserveAspectRatio="none"
        >
          {line.paths.map((p, i) => (
            <path key={p.name} d={p.d} className={`graph-line graph-line-${i % 6}`}>
              <title>{p.name}</title>
            </path>
          ))}
        </svg>
      ) : (
        <p className="muted small">{error ?? (data ? 'no data yet' : 'loading…')}</p>
      )}
      <code className="graph-query">{query}</code>
    </figure>
  );
}

export const PrometheusPanel = memo(function PrometheusPanel({
  runId,
  entry,
  live,
}: {
  runId: string;
  entry: ObservabilityView;
  live: boolean;
}) {
  const client = useClient();
  const [query, setQuery] = useState(entry.graphs[0]?.query ?? 'up');
  const [result, setResult] = useState<PromResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (event?: FormEvent) => {
      event?.preventDefault();
      setBusy(true);
      try {
        const answer = await client.call('observability.query', { runId, source: entry.id, query });
        if (answer.ok) {
          setResult(answer.data);
          setError(null);
        } else {
          setResult(null);
          setError(answer.error);
        }
      } catch (e) {
        setError(toApiError(e).message);
      } finally {
        setBusy(false);
      }
    },
    [client, runId, entry.id, query],
  );
  const rows = result ? instantRows(result) : [];
  return (
    <section className="panel prometheus-panel" aria-label={entry.title} data-testid="prometheus-panel">
      <div className="panel-head">
        <h3>{entry.title}</h3>
      </div>
      <div className="panel-body">
        {entry.graphs.length > 0 ? (
          <div className="graphs">
            {entry.graphs.map((g) => (
              <Graph
                key={g.query}
                runId={runId}
                source={entry.id}
                title={g.title}
                query={g.query}
                live={live}
              />
            ))}
          </div>
        ) : null}
        <form className="query-box" onSubmit={(e) => void run(e)}>
          <input
            className="mono"
            aria-label="PromQL query"
            data-testid="promql-input"
            value={query}
            spellCheck={false}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit" className="btn btn-small" disabled={busy || !query.trim()}>
            {busy ? '…' : 'Run'}
          </button>
        </form>
        {error ? <p className="error small">{error}</p> : null}
        {result ? (
          rows.length === 0 ? (
            <p className="muted small">empty result</p>
          ) : (
            <table className="query-result" data-testid="promql-result">
              <tbody>
                {rows.slice(0, 50).map((row, i) => (
                  <tr key={`${row.series}-${i}`}>
                    <td className="mono">{row.series}</td>
                    <td className="mono num">{row.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : null}
      </div>
    </section>
  );
});
