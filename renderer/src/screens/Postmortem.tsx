import { useDeferredValue, useEffect } from 'react';
import { ErrorBox } from '../components/ErrorBox';
import { Loading } from '../components/Loading';
import { Markdown } from '../components/Markdown';
import { CriterionRow } from '../components/ScoreCard';
import { formatDuration } from '../../../shared/format/duration';
import { percent } from '../lib/format';
import { resolvedAfterMs } from '../lib/live';
import { useApp } from '../store/context';

export function PostmortemScreen({ runId }: { runId: string }) {
  const loadDraft = useApp((s) => s.loadDraft);
  const watchRun = useApp((s) => s.watchRun);
  const draft = useApp((s) => s.draft);
  const markdown = useApp((s) => s.markdown);
  const setMarkdown = useApp((s) => s.setMarkdown);
  const grade = useApp((s) => s.grade);
  const submit = useApp((s) => s.submit);
  const submitPostmortem = useApp((s) => s.submitPostmortem);
  const snapshot = useApp((s) => (s.snapshot?.runId === runId ? s.snapshot : null));
  const preview = useDeferredValue(markdown);

  useEffect(() => {
    void loadDraft(runId);
    void watchRun(runId);
  }, [runId, loadDraft, watchRun]);

  const graded = 'data' in grade ? grade.data : undefined;
  const resolvedIn = snapshot ? resolvedAfterMs(snapshot) : null;

  return (
    <section className="screen postmortem" aria-labelledby="pm-title" data-testid="postmortem-editor">
      {snapshot?.phase === 'resolved' ? (
        <div className="banner banner-resolved" role="status" data-testid="resolved-banner">
          <strong>Resolved.</strong>
          <span>
            {snapshot.resolution ? `${snapshot.resolution.title}.` : 'The fix holds.'}
            {resolvedIn !== null ? ` Mitigated in ${formatDuration(resolvedIn, 'clock')}.` : ''} Now write it up, blamelessly.
          </span>
        </div>
      ) : null}
      <div className="screen-head">
        <h1 id="pm-title" tabIndex={-1}>
          Postmortem{snapshot ? `: ${snapshot.title}` : ''}
        </h1>
        <span className="muted">Feedback updates as you type.</span>
        <div className="actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="submit-postmortem"
            disabled={draft.status !== 'ready' || submit.status === 'loading' || markdown.trim() === ''}
            onClick={() => void submitPostmortem()}
          >
            {submit.status === 'loading' ? 'Submitting…' : 'Submit postmortem'}
          </button>
        </div>
      </div>
      {submit.status === 'error' ? <ErrorBox error={submit.error} title="Could not submit the postmortem" /> : null}
      {draft.status === 'error' ? <ErrorBox error={draft.error} title="Could not load the draft" onRetry={() => void loadDraft(runId)} /> : null}
      {draft.status === 'loading' ? <Loading label="Preparing a draft from your run…" /> : null}
      {draft.status === 'ready' ? (
        <div className="pm-grid">
          <section className="panel pm-editor">
            <div className="panel-head">
              <h3>
                <label htmlFor="pm-markdown">Markdown</label>
              </h3>
              <span className="count">{markdown.length} chars</span>
            </div>
            <textarea
              id="pm-markdown"
              aria-label="Postmortem markdown"
              spellCheck
              value={markdown}
              onChange={(e) => setMarkdown(e.target.value)}
            />
          </section>
          <section className="panel pm-preview" aria-label="Preview">
            <div className="panel-head">
              <h3>Preview</h3>
            </div>
            <div className="panel-body">
              <Markdown source={preview} />
            </div>
          </section>
          <section className="panel pm-feedback" aria-labelledby="pm-feedback-title" data-testid="postmortem-feedback">
            <div className="panel-head">
              <h3 id="pm-feedback-title">Feedback</h3>
              <span className="count" aria-live="polite">
                {grade.status === 'loading' ? 'grading…' : graded ? `${graded.score}/${graded.max} (${percent(graded.score, graded.max)}%)` : ''}
              </span>
            </div>
            <div className="panel-body">
              {grade.status === 'error' ? <ErrorBox error={grade.error} title="Could not grade" /> : null}
              {graded ? (
                <ul className="check-list">
                  {graded.criteria.map((c) => (
                    <CriterionRow key={c.id} criterion={c} showEvidence={false} />
                  ))}
                </ul>
              ) : grade.status === 'loading' ? (
                <Loading label="Grading…" />
              ) : null}
            </div>
          </section>
        </div>
      ) : null}
    </section>
  );
}
