import type { CommsResult } from '../../../shared/api/comms';
import { commsVerdict, RULE_MARKS, updateOffset } from '../../../shared/report/comms';

/** The report's Comms line: met or not, each rule with its times, and every status update (counted or why not). */
export function CommsCard({ comms }: { comms: CommsResult }) {
  const verdict = commsVerdict(comms);
  return (
    <section className="panel comms-card" aria-labelledby="comms-title" data-testid="report-comms">
      <div className="panel-head">
        <h3 id="comms-title">Comms</h3>
        <span className={`comms-verdict tone-${verdict.tone}`} data-testid="report-comms-verdict">
          {verdict.label}
        </span>
        <span className="count">
          {comms.counted} of {comms.updates.length} updates counted · not part of the scores
        </span>
      </div>
      <div className="panel-body">
        {comms.rules.length > 0 ? (
          <ul className="comms-rules">
            {comms.rules.map((rule) => (
              <li key={rule.id} className={`rule-${rule.state}`} data-testid={`report-comms-rule-${rule.id}`}>
                {RULE_MARKS[rule.state]} {rule.title}: {rule.detail}
              </li>
            ))}
          </ul>
        ) : null}
        {comms.updates.length === 0 ? (
          <p className="muted">No status updates were posted.</p>
        ) : (
          <ol className="comms-updates">
            {comms.updates.map((update) => (
              <StatusUpdateLine key={update.id} update={update} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

/** One status update as the report and the live channel show it: when, who, what, and why it did not count. */
export function StatusUpdateLine({ update, testId }: { update: CommsResult['updates'][number]; testId?: string }) {
  return (
    <li className={update.counted ? '' : 'not-counted'} {...(testId ? { 'data-testid': testId, 'data-counted': update.counted } : {})}>
      <span className="t mono">{updateOffset(update)}</span>
      {update.author ? <strong>{update.author}</strong> : null}
      <span className="text">{update.message}</span>
      {update.counted ? null : <span className="muted"> — not counted: {update.why}</span>}
    </li>
  );
}
