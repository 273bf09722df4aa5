import type { RunSnapshot } from '../../../../shared/api/contract';
import { ErrorBox } from '../../components/ErrorBox';
import { formatDuration } from '../../../../shared/format/duration';
import { canTakeHint, hintRemainingMs } from '../../lib/live';
import { useNow } from '../../lib/useNow';
import { useApp } from '../../store/context';

export function HintsPanel({ snapshot }: { snapshot: RunSnapshot }) {
  const now = useNow(1000);
  const takeHint = useApp((s) => s.takeHint);
  const request = useApp((s) => s.hintRequest);
  const live = snapshot.phase === 'live';
  const available = live && canTakeHint(snapshot, now);
  const shown = snapshot.hints.filter((h) => h.shown).length;
  return (
    <section className="panel" aria-labelledby="hints-title" data-testid="hints-panel">
      <div className="panel-head">
        <h3 id="hints-title">Hints</h3>
        <span className="count">
          {shown}/{snapshot.hints.length} taken
        </span>
        <span className="actions">
          <button
            type="button"
            className="btn btn-small"
            data-testid="hint-button"
            disabled={!available || request.status === 'loading'}
            onClick={() => void takeHint()}
            title="Taking a hint costs troubleshooting points"
          >
            {request.status === 'loading' ? 'Taking…' : 'Take a hint'}
          </button>
        </span>
      </div>
      <div className="panel-body">
        {snapshot.hints.length === 0 ? <p className="muted">No hints for this scenario.</p> : null}
        <ul className="hint-list">
          {snapshot.hints.map((hint) => {
            const remaining = hintRemainingMs(hint, snapshot.pagedAt, now);
            return (
              <li
                key={hint.id}
                className={`hint${hint.shown ? '' : ' locked'}`}
                data-testid={`hint-${hint.index}`}
              >
                <strong>#{hint.index + 1}</strong>{' '}
                {hint.shown && hint.text
                  ? hint.text
                  : remaining === 0
                    ? 'Available — costs points.'
                    : remaining === null
                      ? `Unlocks ${formatDuration(hint.unlockAfterMs, 'clock')} after the page.`
                      : `Locked: unlocks in ${formatDuration(remaining, 'clock')}`}
              </li>
            );
          })}
        </ul>
        {request.status === 'error' ? <ErrorBox error={request.error} title="Could not take a hint" /> : null}
      </div>
    </section>
  );
}
