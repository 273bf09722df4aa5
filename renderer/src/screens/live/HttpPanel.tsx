import { memo, useEffect, useState } from 'react';
import type { ObservabilityView, ResponseOf } from '../../../../shared/api/contract';
import { toApiError } from '../../api/client';
import { useClient } from '../../store/context';

const REFRESH_MS = 5000;

/** A JSON body pretty-printed; anything else as it came. */
function pretty(body: string, contentType: string): string {
  if (!contentType.includes('json') && !/^\s*[[{]/.test(body)) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export const HttpPanel = memo(function HttpPanel({
  runId,
  entry,
  live,
}: {
  runId: string;
  entry: ObservabilityView;
  live: boolean;
}) {
  const client = useClient();
  const [page, setPage] = useState<ResponseOf<'observability.fetch'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const answer = await client.call('observability.fetch', { runId, source: entry.id });
        if (!stopped) {
          setPage(answer);
          setError(null);
        }
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
  }, [client, runId, entry.id, live]);
  return (
    <section className="panel http-panel" aria-label={entry.title} data-testid={`http-panel-${entry.id}`}>
      <div className="panel-head">
        <h3>{entry.title}</h3>
        {page ? <span className="count">HTTP {page.status}</span> : null}
      </div>
      <div className="panel-body">
        {error ? <p className="error small">{error}</p> : null}
        {page ? (
          <pre className="http-body mono">
            {pretty(page.body, page.contentType)}
            {page.truncated ? '\n…' : ''}
          </pre>
        ) : error ? null : (
          <p className="muted small">loading…</p>
        )}
      </div>
    </section>
  );
});
