/**
 * The game's debrief, for a room (a projector): every team on one time axis (0 = its page) with its par, the
 * milestones and status updates; the scores with the reviewer's overrides; each team's moments; and one button
 * that exports every report as one HTML file (downloaded) plus every session bundle (written beside it, and
 * linked here). The chart is the same SVG string the HTML export embeds (shared/report/debrief-chart.ts).
 */
import { useMemo, useRef, useState } from 'react';
import type { DebriefScore, DebriefView, GameExportView, TeamDebriefView } from '../../../../shared/api/game';
import { MARK_LEGEND, markText, renderDebriefSvg } from '../../../../shared/report/debrief-chart';
import { overrideText, scoreText } from '../../../../shared/report/debrief-score';
import { ErrorBox } from '../../components/ErrorBox';
import { downloadBlob } from '../../lib/download';
import { useClient } from '../../store/context';
import { formatHash } from '../../store/router';

export function Debrief({ debrief }: { debrief: DebriefView }) {
  const client = useClient();
  const section = useRef<HTMLElement>(null);
  const chart = useMemo(() => renderDebriefSvg(debrief), [debrief]);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<GameExportView | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const finished = debrief.state === 'ended' || debrief.state === 'killed';

  const exportAll = async () => {
    setExporting(true);
    setError(null);
    try {
      const result = await client.call('game.exportReports', {});
      setExported(result);
      downloadBlob(result.filename, new Blob([result.html], { type: 'text/html' }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="panel debrief" ref={section} aria-labelledby="debrief-title" data-testid="debrief">
      <div className="panel-head">
        <h2 id="debrief-title">Debrief: {debrief.title}</h2>
        <div className="actions">
          <button type="button" className="btn" data-testid="debrief-fullscreen" onClick={() => void section.current?.requestFullscreen?.().catch(() => undefined)}>
            Full screen
          </button>
          <button type="button" className="btn btn-primary" data-testid="debrief-export" disabled={!finished || exporting} onClick={() => void exportAll()}>
            {exporting ? 'Exporting…' : 'Export all reports'}
          </button>
        </div>
      </div>
      <div className="panel-body">
        {error ? <ErrorBox error={error} title="The export failed" /> : null}
        {exported ? <ExportResult exported={exported} fileUrl={(runId) => client.fileUrl(`/files/${encodeURIComponent(runId)}/bundle.tar.gz`)} /> : null}
        <div className="chart debrief-chart" data-testid="debrief-chart" dangerouslySetInnerHTML={{ __html: chart }} />
        <ScoreTable teams={debrief.teams} />
        <div className="game-debrief">
          {debrief.teams.map((team) => (
            <TeamMoments key={team.runId} team={team} />
          ))}
        </div>
      </div>
    </section>
  );
}

function ExportResult({ exported, fileUrl }: { exported: GameExportView; fileUrl: (runId: string) => string }) {
  return (
    <div className="banner" role="status" data-testid="debrief-exported">
      <span>
        Downloaded <b>{exported.filename}</b>; it and every session bundle are also in <code className="mono">{exported.dir}</code>.
      </span>
      <span className="debrief-bundles">
        Session bundles:{' '}
        {exported.bundles.map((b) => (
          <a key={b.runId} className="btn" href={fileUrl(b.runId)} download data-testid={`debrief-bundle-${b.runId}`}>
            {b.team}
          </a>
        ))}
      </span>
    </div>
  );
}

function ScoreCell({ score, status }: { score: DebriefScore | null | undefined; status: TeamDebriefView['status'] }) {
  if (score === undefined) return <td className="muted">{status === 'not started' ? 'not started' : '—'}</td>;
  return (
    <td className={score && score.overridden.length > 0 ? 'reviewed' : undefined}>
      <b>{scoreText(score)}</b>
      {score && score.overridden.length > 0 ? (
        <ul className="overrides">
          {score.overridden.map((o) => (
            <li key={o.id}>{overrideText(o)}</li>
          ))}
        </ul>
      ) : null}
    </td>
  );
}

function ScoreTable({ teams }: { teams: TeamDebriefView[] }) {
  return (
    <table className="debrief-scores" data-testid="debrief-scores">
      <thead>
        <tr>
          <th>Team</th>
          <th>Against par</th>
          <th>Troubleshooting</th>
          <th>Postmortem</th>
          <th>Report</th>
        </tr>
      </thead>
      <tbody>
        {teams.map((team) => (
          <tr key={team.runId} data-testid={`debrief-score-${team.team}`} data-status={team.status}>
            <td>
              <b>{team.name}</b>
              <div className="muted">{team.members.join(', ')}</div>
            </td>
            <td className={team.parDeltaMs === null ? undefined : team.parDeltaMs <= 0 ? 'ok-text' : 'fail-text'}>{team.parVerdict}</td>
            <ScoreCell score={team.scores?.troubleshooting} status={team.status} />
            <ScoreCell score={team.scores?.postmortem} status={team.status} />
            <td>
              {/* The report is where a reviewer overrides a criterion; the debrief shows the result. */}
              <a href={formatHash({ name: 'report', runId: team.runId })} data-testid={`debrief-report-${team.runId}`}>
                open / review
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TeamMoments({ team }: { team: TeamDebriefView }) {
  return (
    <div data-testid={`debrief-${team.runId}`} data-status={team.status}>
      <h3>
        {team.name} <span className="muted">({team.scenario}, par {team.parMinutes} min)</span>
      </h3>
      {team.status === 'not started' ? <p className="muted">Not started.</p> : null}
      <ol>
        {team.marks.map((mark, i) => (
          <li key={i} className={`kind-${mark.kind}`}>
            <span aria-hidden="true">{MARK_LEGEND[mark.kind].glyph}</span> {markText(mark)}
          </li>
        ))}
      </ol>
    </div>
  );
}
