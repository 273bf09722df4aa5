import { useState } from 'react';
import type { Criterion, ScoreView } from '../../../shared/api/contract';
import { percent } from '../lib/format';

/** What a reviewer enters to override a criterion. */
export interface OverrideInput {
  criterionId: string;
  points: number | null;
  note: string;
  reviewer: string;
}

export function evidenceText(evidence: Criterion['evidence'][number]): string {
  if (typeof evidence === 'string') return evidence;
  return [evidence.time ? `[${evidence.time}]` : '', evidence.command ? `$ ${evidence.command}` : '', evidence.note ?? '', evidence.eventId ? `(event ${evidence.eventId})` : '']
    .filter(Boolean)
    .join(' ');
}

function ReviewForm({ criterion, onSave, onCancel }: { criterion: Criterion; onSave: (input: OverrideInput) => Promise<boolean>; onCancel: () => void }) {
  const [points, setPoints] = useState(String(criterion.review?.points ?? criterion.points));
  const [note, setNote] = useState('');
  const [reviewer, setReviewer] = useState(criterion.review?.reviewer ?? '');
  const [saving, setSaving] = useState(false);
  const low = Math.min(0, criterion.points);
  const high = Math.max(0, criterion.max);
  const value = Number(points);
  const valid = points.trim() !== '' && Number.isFinite(value) && value >= low && value <= high && note.trim() !== '' && reviewer.trim() !== '';
  const save = async (restore: boolean) => {
    setSaving(true);
    const ok = await onSave({ criterionId: criterion.id, points: restore ? null : value, note: note.trim(), reviewer: reviewer.trim() });
    setSaving(false);
    if (ok) onCancel();
  };
  return (
    <form
      className="review-form"
      data-testid={`review-form-${criterion.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void save(false);
      }}
    >
      <label>
        Points ({low}–{high})
        <input type="number" step="0.1" min={low} max={high} value={points} onChange={(e) => setPoints(e.target.value)} aria-label={`Reviewed points for ${criterion.title ?? criterion.id}`} />
      </label>
      <label>
        Reviewer
        <input type="text" value={reviewer} onChange={(e) => setReviewer(e.target.value)} placeholder="Your name and role" aria-label="Reviewer" />
      </label>
      <label className="review-note">
        Note (why)
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} aria-label="Review note" />
      </label>
      <div className="actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!valid || saving}>
          {saving ? 'Saving…' : 'Save review'}
        </button>
        {criterion.review ? (
          <button type="button" className="btn btn-small" disabled={saving || note.trim() === '' || reviewer.trim() === ''} onClick={() => void save(true)}>
            Back to automatic
          </button>
        ) : null}
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function CriterionRow({
  criterion,
  showEvidence = true,
  onOverride,
}: {
  criterion: Criterion;
  showEvidence?: boolean;
  /** Set where a reviewer may override this criterion. */
  onOverride?: (input: OverrideInput) => Promise<boolean>;
}) {
  const [editing, setEditing] = useState(false);
  const shown = criterion.review ? criterion.review.points : criterion.points;
  const pct = percent(shown, criterion.max);
  const level = pct >= 80 ? 'high' : pct >= 40 ? 'mid' : 'low';
  return (
    <li className="criterion" data-testid={`criterion-${criterion.id}`}>
      <div className="criterion-head">
        <span className={`dot dot-${level === 'high' ? 'pass' : level === 'mid' ? 'warn' : 'fail'}`} aria-hidden="true" />
        <strong>{criterion.title ?? criterion.id}</strong>
        {criterion.review ? (
          <span className="pts" data-testid={`reviewed-${criterion.id}`}>
            <span className="auto-pts" title="automatic">
              {criterion.points}
            </span>{' '}
            → {criterion.review.points}/{criterion.max}
          </span>
        ) : (
          <span className="pts">
            {criterion.points}/{criterion.max}
          </span>
        )}
        {onOverride && !editing ? (
          <button type="button" className="btn btn-small btn-link" onClick={() => setEditing(true)} aria-label={`Override ${criterion.title ?? criterion.id}`}>
            Override
          </button>
        ) : null}
      </div>
      <div className={`meter ${level}`} aria-hidden="true">
        <div style={{ width: `${pct}%` }} />
      </div>
      {criterion.review ? (
        <div className="criterion-review">
          Reviewed by {criterion.review.reviewer}: {criterion.review.note}
        </div>
      ) : null}
      {editing && onOverride ? <ReviewForm criterion={criterion} onSave={onOverride} onCancel={() => setEditing(false)} /> : null}
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

export function ScoreCard({
  title,
  score,
  testId,
  onOverride,
}: {
  title: string;
  score: ScoreView | null;
  testId: string;
  /** Set on the report, where a trainer or facilitator may override criteria. */
  onOverride?: (input: OverrideInput) => Promise<boolean>;
}) {
  return (
    <section className="panel" aria-label={title} data-testid={testId}>
      <div className="panel-head">
        <h3>{title}</h3>
      </div>
      <div className="panel-body">
        {score ? (
          <>
            {score.reviewedScore !== undefined ? (
              <div className="score-big" data-testid={`${testId}-reviewed`}>
                {score.reviewedScore}
                <small> / {score.max}</small> <small>reviewed</small>{' '}
                <small className="muted">
                  · automatic {score.score} ({percent(score.score, score.max)}%)
                </small>
              </div>
            ) : (
              <div className="score-big">
                {score.score}
                <small> / {score.max}</small> <small>({percent(score.score, score.max)}%)</small>
              </div>
            )}
            <ul className="check-list">
              {score.criteria.map((c) => (
                <CriterionRow key={c.id} criterion={c} {...(onOverride ? { onOverride } : {})} />
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
