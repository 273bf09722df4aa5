import { useEffect } from 'react';
import { ErrorBox } from '../components/ErrorBox';
import { Loading } from '../components/Loading';
import { Markdown } from '../components/Markdown';
import { ProgressView } from '../components/ProgressView';
import { useApp } from '../store/context';

export function BriefingScreen({ name }: { name: string }) {
  const briefing = useApp((s) => s.briefing);
  const variant = useApp((s) => s.variant);
  const start = useApp((s) => s.start);
  const loadBriefing = useApp((s) => s.loadBriefing);
  const setVariant = useApp((s) => s.setVariant);
  const startRun = useApp((s) => s.startRun);
  const cancelStart = useApp((s) => s.cancelStart);
  const navigate = useApp((s) => s.navigate);

  useEffect(() => {
    void loadBriefing(name);
  }, [name, loadBriefing]);

  if (briefing.status === 'error') {
    return (
      <section className="screen">
        <h1 tabIndex={-1}>Briefing</h1>
        <ErrorBox error={briefing.error} title={`Could not load scenario "${name}"`} onRetry={() => void loadBriefing(name)} />
        <div>
          <button type="button" className="btn" onClick={() => navigate({ name: 'catalog' })}>
            Back to scenarios
          </button>
        </div>
      </section>
    );
  }
  if (briefing.status !== 'ready' || briefing.data.name !== name) {
    return (
      <section className="screen">
        <Loading label="Loading briefing…" />
      </section>
    );
  }
  const detail = briefing.data;
  const starting = start.status === 'starting';
  return (
    <section className="screen briefing" aria-labelledby="briefing-title">
      <div className="screen-head">
        <button type="button" className="btn btn-ghost btn-small" onClick={() => navigate({ name: 'catalog' })}>
          ← Scenarios
        </button>
        <h1 id="briefing-title" tabIndex={-1}>
          {detail.title}
        </h1>
        <span className={`badge difficulty-${detail.difficulty}`}>{detail.difficulty}</span>
        <span className="muted mono">
          ~{detail.estimatedMinutes} min · par {detail.parMinutes} min · {detail.hintCount} hint{detail.hintCount === 1 ? '' : 's'}
        </span>
      </div>
      <div className="briefing-grid">
        <article className="panel">
          <div className="panel-head">
            <h3>Briefing</h3>
          </div>
          <div className="panel-body">
            <Markdown source={detail.briefing} label="Briefing" />
          </div>
        </article>
        <aside className="start-box">
          {detail.rules.length > 0 ? (
            <section className="panel">
              <div className="panel-head">
                <h3>Rules of engagement</h3>
              </div>
              <div className="panel-body">
                <ul className="rules">
                  {detail.rules.map((rule) => (
                    <li key={rule}>{rule}</li>
                  ))}
                </ul>
              </div>
            </section>
          ) : null}
          <section className="panel">
            <div className="panel-head">
              <h3>Go on call</h3>
            </div>
            <div className="panel-body start-box">
              {detail.variants.length > 0 ? (
                <label className="field">
                  <span>Variant</span>
                  <select
                    aria-label="Variant"
                    value={variant ?? ''}
                    disabled={starting}
                    onChange={(e) => setVariant(e.target.value || null)}
                  >
                    {/* Random picks from a seed the run records, so a game day can replay it. */}
                    <option value="">Surprise me (random)</option>
                    <option value="default">default</option>
                    {detail.variants.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              {!detail.runnable ? (
                <div className="card-problems" role="note">
                  <strong>This scenario cannot run here:</strong>
                  <ul>
                    {detail.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {!detail.imagesBuilt && detail.runnable ? (
                <p className="muted">Images are not built yet: the first start builds them and takes longer.</p>
              ) : null}
              {starting ? (
                <>
                  <ProgressView progress={start.progress} steps={start.steps} label="Starting the sandbox" />
                  <button type="button" className="btn btn-danger" onClick={() => void cancelStart()}>
                    Cancel
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="btn btn-primary"
                  data-testid="start-button"
                  disabled={!detail.runnable}
                  onClick={() => void startRun()}
                >
                  Start incident
                </button>
              )}
              {start.status === 'error' ? (
                <>
                  {start.steps.length > 0 ? <ProgressView progress={null} steps={start.steps} label="Start steps" /> : null}
                  <ErrorBox error={start.error} title="The run could not start" />
                </>
              ) : null}
            </div>
          </section>
        </aside>
      </div>
    </section>
  );
}
