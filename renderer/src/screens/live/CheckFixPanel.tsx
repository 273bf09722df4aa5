import { ErrorBox } from '../../components/ErrorBox';
import { useApp } from '../../store/context';

/** Shows which checks hold after "Check my fix" — never the answer. */
export function CheckFixResults() {
  const checkFix = useApp((s) => s.checkFix);
  if (checkFix.status === 'idle') return null;
  return (
    <section className="panel" aria-labelledby="checkfix-title" data-testid="check-fix-results">
      <div className="panel-head">
        <h3 id="checkfix-title">Fix check</h3>
        {checkFix.status === 'ready' ? (
          <span className={`count ${checkFix.data.allPass ? 'ok-text' : 'fail-text'}`}>
            {checkFix.data.results.filter((r) => r.pass).length}/{checkFix.data.results.length} hold
          </span>
        ) : null}
      </div>
      <div className="panel-body" aria-live="polite">
        {checkFix.status === 'loading' ? <p className="muted">Checking the real system state…</p> : null}
        {checkFix.status === 'error' ? (
          <ErrorBox error={checkFix.error} title="The check could not run" />
        ) : null}
        {checkFix.status === 'ready' ? (
          <>
            <p>{checkFix.data.message}</p>
            <ul className="check-list">
              {checkFix.data.results.map((r) => (
                <li key={r.title} className="check-result">
                  <span className={`dot dot-${r.pass ? 'pass' : 'fail'}`} aria-hidden="true" />
                  {r.title}
                  <span className="sr-only">: {r.pass ? 'holds' : 'does not hold yet'}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}
