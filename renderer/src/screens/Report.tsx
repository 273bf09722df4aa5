import { useEffect, useMemo, useState } from 'react';
import { renderTimelineSvg } from '../../../shared/report/chart';
import { CastPlayer } from '../components/CastPlayer';
import { CommsCard } from '../components/CommsCard';
import { ErrorBox } from '../components/ErrorBox';
import { Loading } from '../components/Loading';
import { Markdown } from '../components/Markdown';
import { ScoreCard } from '../components/ScoreCard';
import { downloadBlob } from '../lib/download';
import { formatDateTime } from '../lib/format';
import { useApp, useClient } from '../store/context';

export function ReportScreen({ runId }: { runId: string }) {
  const client = useClient();
  const report = useApp((s) => s.report);
  const loadReport = useApp((s) => s.loadReport);
  const exportHtml = useApp((s) => s.exportHtml);
  const exporting = useApp((s) => s.exporting);
  const navigate = useApp((s) => s.navigate);
  const overrideCriterion = useApp((s) => s.overrideCriterion);
  const reviewing = useApp((s) => s.reviewing);
  const [recording, setRecording] = useState<number | null>(null);

  useEffect(() => {
    void loadReport(runId);
  }, [runId, loadReport]);

  const data = 'data' in report && report.data?.runId === runId ? report.data : undefined;
  const chart = useMemo(() => (data ? renderTimelineSvg(data.timeline, data.parMinutes, { title: 'Run timeline against par' }) : ''), [data]);
  useEffect(() => {
    if (data && recording === null && data.recordings.length > 0) setRecording(data.recordings[0]!);
  }, [data, recording]);

  if (report.status === 'error' && !data) {
    return (
      <section className="screen">
        <h1 tabIndex={-1}>Report</h1>
        <ErrorBox error={report.error} title={`Could not load the report for ${runId}`} onRetry={() => void loadReport(runId)} />
      </section>
    );
  }
  if (!data) {
    return (
      <section className="screen">
        <Loading label="Loading the report…" />
      </section>
    );
  }

  const download = async () => {
    const result = await exportHtml(runId);
    if (!result) return;
    downloadBlob(result.filename, new Blob([result.html], { type: 'text/html' }));
  };

  return (
    <section className="screen report" aria-labelledby="report-title" data-testid="report">
      <div className="screen-head">
        <h1 id="report-title" tabIndex={-1}>
          {data.title}
        </h1>
        <span className={`phase phase-${data.outcome}`}>{data.outcome}</span>
        <span className="muted mono">
          {formatDateTime(data.startedAt)} · par {data.parMinutes} min · {data.runId}
        </span>
        <div className="actions">
          <button type="button" className="btn" data-testid="export-html" disabled={exporting.status === 'loading'} onClick={() => void download()}>
            {exporting.status === 'loading' ? 'Exporting…' : 'Export HTML'}
          </button>
          <a className="btn" data-testid="export-bundle" href={client.fileUrl(`/files/${encodeURIComponent(runId)}/bundle.tar.gz`)} download>
            Export session bundle
          </a>
        </div>
      </div>
      {exporting.status === 'error' ? <ErrorBox error={exporting.error} title="Export failed" /> : null}
      {reviewing.status === 'error' ? <ErrorBox error={reviewing.error} title="The review was not saved" /> : null}
      <div className="scores">
        <ScoreCard
          title="Troubleshooting"
          score={data.troubleshooting}
          testId="score-troubleshooting"
          onOverride={(input) => overrideCriterion({ runId, part: 'troubleshooting', ...input })}
        />
        <ScoreCard
          title="Postmortem"
          score={data.postmortem}
          testId="score-postmortem"
          onOverride={(input) => overrideCriterion({ runId, part: 'postmortem', ...input })}
        />
      </div>
      <p className="muted review-hint">
        Trainers and facilitators: “Override” sets a criterion’s points with a note. Reviews are kept beside the learner’s record, never in it, and
        travel with the session bundle.
      </p>
      {!data.postmortem && data.outcome === 'resolved' ? (
        <div className="banner banner-ended">
          No postmortem yet.
          <span className="actions">
            <button type="button" className="btn btn-primary" onClick={() => navigate({ name: 'postmortem', runId })}>
              Write it now
            </button>
          </span>
        </div>
      ) : null}
      {data.comms ? <CommsCard comms={data.comms} /> : null}
      <section className="panel chart" aria-labelledby="chart-title" data-testid="report-chart">
        <div className="panel-head">
          <h3 id="chart-title">Timeline against par</h3>
          <span className="count">▲ fault · ● alert · ● page · ▮ command · ● hint · ● check · ◆ mitigation</span>
        </div>
        {/* The SVG is built by shared/report/chart.ts, which escapes every piece of text. */}
        <div className="panel-body" dangerouslySetInnerHTML={{ __html: chart }} />
      </section>
      {data.recordings.length > 0 ? (
        <section className="panel" aria-labelledby="replay-title">
          <div className="panel-head">
            <h3 id="replay-title">Terminal replay</h3>
            <div className="tabs" role="tablist" aria-label="Recordings">
              {data.recordings.map((n) => (
                <button key={n} type="button" role="tab" className="tab" aria-selected={recording === n} onClick={() => setRecording(n)}>
                  Terminal {n}
                </button>
              ))}
            </div>
          </div>
          <div className="panel-body">
            {recording !== null ? (
              <CastPlayer
                key={recording}
                url={client.fileUrl(`/files/${encodeURIComponent(runId)}/terminal-${recording}.cast`)}
                label={`terminal ${recording} recording`}
              />
            ) : null}
          </div>
        </section>
      ) : null}
      {data.postmortemMarkdown ? (
        <section className="panel" aria-labelledby="pm-view-title">
          <div className="panel-head">
            <h3 id="pm-view-title">Postmortem</h3>
          </div>
          <div className="panel-body">
            <Markdown source={data.postmortemMarkdown} />
          </div>
        </section>
      ) : null}
    </section>
  );
}
