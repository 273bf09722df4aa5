import type { Criterion, ScoreView } from '../../../shared/api/contract';
import { percent } from '../lib/format';

export function evidenceText(evidence: Criterion['evidence'][number]): string {
  if (typeof evidence === 'string') return evidence;
  return [evidence.time ? `[${evidence.time}]` : '', evidence.command ? `$ ${evidence.command}` : '', evidence.note ?? '', evidence.eventId ? `(event ${evidence.eventId})` : '']
    .filter(Boolean)
    .join(' ');
}

export function CriterionRow({ criterion, showEvidence = true }: { criterion: Criterion; showEvidence?: boolean }) {
  const pct = percent(criterion.points, criterion.max);
  const level = pct >= 80 ? 'high' : pct >= 40 ? 'mid' : 'low';
  return (
    <li className="criterion" data-testid={`criterion-${criterion.id}`}>
      <div className="criterion-head">
        <span className={`dot dot-${level === 'high' ? 'pass' : level === 'mid' ? 'warn' : 'fail'}`} aria-hidden="true" />
        <strong>{criterion.title ?? criterion.id}</strong>
        <span className="pts">
          {criterion.points}/{criterion.max}
        </span>
      </div>
      <div className={`meter ${level}`} aria-hidden="true">
        <div style={{ width: `${pct}%` }} />
      </div>
      {criterion.feedback ? <div className="criterion-feedback">{criterion.feedback}</div> : null}
      {showEvidence && criterion.evidence.length > 0 ? (
        <ul className="evidence" aria-label="Evidence">
          {criterion.evidence.map((e, i) => (
            <li key={i}>{evidenceText(e)}</li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function ScoreCard({ title, score, testId }: { title: string; score: ScoreView | null; testId: string }) {
  return (
    <section className="panel" aria-label={title} data-testid={testId}>
      <div className="panel-head">
        <h3>{title}</h3>
      </div>
      <div className="panel-body">
        {score ? (
          <>
            <div className="score-big">
              {score.score}
              <small> / {score.max}</small> <small>({percent(score.score, score.max)}%)</small>
            </div>
            <ul className="check-list">
              {score.criteria.map((c) => (
                <CriterionRow key={c.id} criterion={c} />
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">Not scored.</p>
        )}
      </div>
    </section>
  );
}
