import { useCallback, useEffect, useState } from 'react';
import type { RunSnapshot } from '../../../shared/api/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBox } from '../components/ErrorBox';
import { Loading } from '../components/Loading';
import { ProgressView } from '../components/ProgressView';
import { formatDuration } from '../../../shared/format/duration';
import { elapsedSincePage, resolvedAfterMs } from '../lib/live';
import { useNow } from '../lib/useNow';
import { useApp } from '../store/context';
import { AlertsPanel } from './live/AlertsPanel';
import { CheckFixResults } from './live/CheckFixPanel';
import { HealthPanel } from './live/HealthPanel';
import { HintsPanel } from './live/HintsPanel';
import { HttpPanel } from './live/HttpPanel';
import { IncidentChannel } from './live/IncidentChannel';
import { PrometheusPanel } from './live/PrometheusPanel';
import { Terminals } from './live/Terminals';
import { TimelinePanel } from './live/TimelinePanel';

export function LiveScreen({ runId }: { runId: string }) {
  const watchRun = useApp((s) => s.watchRun);
  const snapshot = useApp((s) => (s.snapshot?.runId === runId ? s.snapshot : null));
  const runError = useApp((s) => s.runError);

  useEffect(() => {
    void watchRun(runId);
  }, [runId, watchRun]);

  if (!snapshot) {
    return (
      <section className="screen">
        {runError ? <ErrorBox error={runError} title={`Could not load run ${runId}`} onRetry={() => void watchRun(runId)} /> : <Loading label="Connecting to the run…" />}
      </section>
    );
  }
  return <LiveView snapshot={snapshot} />;
}

/** In a game, the facilitator's latest message to every team (it is in the timeline too). */
function BroadcastBanner({ snapshot }: { snapshot: RunSnapshot }) {
  const latest = [...snapshot.timeline].reverse().find((item) => item.kind === 'broadcast');
  if (!latest) return null;
  return (
    <div className="banner banner-broadcast" role="status" data-testid="broadcast-banner">
      <strong>From the facilitator:</strong>
      <span>{latest.text}</span>
    </div>
  );
}

/** The clock re-renders every second on its own, not the whole live view (terminals included). */
function Clock({ snapshot }: { snapshot: RunSnapshot }) {
  const now = useNow(1000);
  const elapsed = elapsedSincePage(snapshot, now);
  const overPar = elapsed !== null && elapsed > snapshot.parMinutes * 60_000;
  return (
    <span
      className={`clock${overPar ? ' over-par' : ''}`}
      data-testid="clock"
      role="timer"
      aria-label={elapsed === null ? 'Not paged yet' : `Time since the page: ${formatDuration(elapsed, 'clock')}`}
    >
      {elapsed === null ? '--:--' : formatDuration(elapsed, 'clock')}
      {snapshot.pausedSince ? <span className="clock-paused"> paused</span> : null}
    </span>
  );
}

function LiveView({ snapshot }: { snapshot: RunSnapshot }) {
  const runError = useApp((s) => s.runError);
  const checkFix = useApp((s) => s.checkFix);
  const runCheckFix = useApp((s) => s.runCheckFix);
  const abandon = useApp((s) => s.abandon);
  const submitted = useApp((s) => s.submitted);
  const submitFix = useApp((s) => s.submitFix);
  const navigate = useApp((s) => s.navigate);
  const start = useApp((s) => s.start);
  const [confirming, setConfirming] = useState(false);
  const closeConfirm = useCallback(() => setConfirming(false), []);

  const phase = snapshot.phase;
  const live = phase === 'live';
  const replaying = phase === 'replaying';
  const preparing = phase === 'preparing' || phase === 'baseline' || phase === 'injecting';
  const resolvedIn = phase === 'resolved' ? resolvedAfterMs(snapshot) : null;
  const overPar = resolvedIn !== null && resolvedIn > snapshot.parMinutes * 60_000;

  return (
    <div className="live" data-testid="live-view" data-phase={phase}>
      <div className="live-bar">
        <h1 className="title" tabIndex={-1}>
          {snapshot.title}
        </h1>
        <span className={`phase phase-${phase}`} data-testid="phase">
          {phase}
        </span>
        {snapshot.variant ? <span className="muted mono">variant {snapshot.variant}</span> : null}
        <Clock snapshot={snapshot} />
        <span className="muted mono">par {snapshot.parMinutes}:00</span>
        <div className="actions">
          {live ? (
            <>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="check-fix-button"
                disabled={checkFix.status === 'loading'}
                onClick={() => void runCheckFix()}
              >
                {checkFix.status === 'loading' ? 'Checking…' : 'Check my fix'}
              </button>
              {snapshot.resolveOn === 'submit' ? (
                <button
                  type="button"
                  className="btn btn-primary"
                  data-testid="submit-button"
                  disabled={submitted.status === 'loading' || !snapshot.canSubmit}
                  title={snapshot.canSubmit ? 'Firedrill verifies the fix (and replays the failure, if the scenario has a replay)' : 'Nothing holds yet'}
                  onClick={() => void submitFix()}
                >
                  {submitted.status === 'loading' ? 'Submitting…' : 'Submit the fix'}
                </button>
              ) : null}
              <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
                Give up
              </button>
            </>
          ) : null}
        </div>
      </div>

      <div className="live-main">
        <BroadcastBanner snapshot={snapshot} />
        {replaying && snapshot.replay ? (
          <div className="banner banner-replay" role="status" data-testid="replay-banner">
            <strong>Replaying the failure.</strong>
            <span>
              Firedrill re-injects the incident for {formatDuration(snapshot.replay.windowMs, 'units')} and counts the pages, then rolls it
              back. Watch the alerts panel.
            </span>
          </div>
        ) : null}
        {submitted.status === 'ready' && !submitted.data.resolved && live ? (
          <div className="banner banner-ended" role="status" data-testid="submit-result">
            <span>{submitted.data.message}</span>
          </div>
        ) : null}
        {phase === 'resolved' ? (
          <div className="banner banner-resolved" role="status" data-testid="resolved-banner">
            <strong>Resolved.</strong>
            <span>
              {snapshot.resolution ? `${snapshot.resolution.title} — ` : ''}
              {resolvedIn !== null ? `mitigated in ${formatDuration(resolvedIn, 'clock')}` : ''}
              {resolvedIn !== null ? (overPar ? ' (over par)' : ' (under par)') : ''}
            </span>
            <span className="actions">
              <button type="button" className="btn btn-primary" onClick={() => navigate({ name: 'postmortem', runId: snapshot.runId })}>
                Write the postmortem
              </button>
            </span>
          </div>
        ) : null}
        {phase === 'abandoned' || phase === 'failed' || phase === 'ended' || phase === 'teardown' ? (
          <div className="banner banner-ended" role="status" data-testid="ended-banner">
            <strong>{phase === 'failed' ? 'The run failed.' : phase === 'abandoned' ? 'You gave up on this incident.' : 'This run is over.'}</strong>
            {snapshot.error ? <span>{snapshot.error}</span> : null}
            <span className="actions">
              <button type="button" className="btn" onClick={() => navigate({ name: 'report', runId: snapshot.runId })}>
                View report
              </button>
              <button type="button" className="btn" onClick={() => navigate({ name: 'briefing', scenario: snapshot.scenario })}>
                Try again
              </button>
            </span>
          </div>
        ) : null}
        {runError ? <ErrorBox error={runError} title="Problem with this run" /> : null}
        {preparing ? (
          <div className="panel">
            <div className="panel-body">
              <ProgressView
                progress={snapshot.progress}
                steps={start.status === 'starting' && start.runId === snapshot.runId ? start.steps : []}
                label="Preparing the sandbox"
              />
            </div>
          </div>
        ) : (
          <Terminals runId={snapshot.runId} terminals={snapshot.terminals} canAdd={live} />
        )}
      </div>

      <aside className="side" aria-label="Incident status">
        <CheckFixResults />
        <AlertsPanel alerts={snapshot.alerts} source={snapshot.alertsSource} pagedAt={snapshot.pagedAt} pager={snapshot.pager} />
        <HealthPanel health={snapshot.health} />
        {snapshot.observability.map((entry) =>
          entry.kind === 'prometheus' ? (
            <PrometheusPanel key={entry.id} runId={snapshot.runId} entry={entry} live={live || replaying} />
          ) : entry.kind === 'http' ? (
            <HttpPanel key={entry.id} runId={snapshot.runId} entry={entry} live={live || replaying} />
          ) : null,
        )}
        <IncidentChannel snapshot={snapshot} />
        <HintsPanel snapshot={snapshot} />
        <TimelinePanel timeline={snapshot.timeline} />
      </aside>

      {confirming ? (
        <ConfirmDialog
          title="Give up on this incident?"
          body="The sandbox is torn down and the run is scored as abandoned. You can still write a postmortem and read the report."
          confirmLabel="Give up"
          onCancel={closeConfirm}
          onConfirm={() => {
            setConfirming(false);
            void abandon();
          }}
        />
      ) : null}
    </div>
  );
}
