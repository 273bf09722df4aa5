/**
 * The incident channel: the team's status updates, a box to post the next one, and (when the game asks for a
 * cadence) when it is due. In a game each update is signed by one of the team's members; a solo run posts
 * unsigned (practice). Whether an update counted, and why not, is the server's call (main/scoring/comms.ts).
 */
import { useEffect, useState } from 'react';
import type { RunSnapshot } from '../../../../shared/api/contract';
import { COMMS_LIMITS } from '../../../../shared/api/comms';
import { dueText, requirementText } from '../../../../shared/report/comms';
import { StatusUpdateLine } from '../../components/CommsCard';
import { ErrorBox } from '../../components/ErrorBox';
import { storedMember } from '../../components/terminal/member';
import { useClient } from '../../store/context';

export function IncidentChannel({ snapshot }: { snapshot: RunSnapshot }) {
  const client = useClient();
  const comms = snapshot.comms;
  const [members, setMembers] = useState<string[]>([]);
  const [author, setAuthor] = useState('');
  const [message, setMessage] = useState('');
  const [posting, setPosting] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [membersError, setMembersError] = useState<Error | null>(null);
  const open = snapshot.phase === 'live' || snapshot.phase === 'replaying';

  // A game's team signs its updates; a run outside a game has no members, and posts unsigned.
  useEffect(() => {
    let current = true;
    client.call('comms.channel', { runId: snapshot.runId }).then(
      ({ members: names }) => {
        if (!current) return;
        setMembers(names);
        // Default: the member this page joined the shared terminals as (if it did), else the first.
        const joined = storedMember(snapshot.runId);
        setAuthor((who) => who || (joined && names.includes(joined) ? joined : (names[0] ?? '')));
      },
      (e: Error) => current && setMembersError(e),
    );
    return () => {
      current = false;
    };
  }, [client, snapshot.runId]);

  const post = async () => {
    setPosting(true);
    setError(null);
    try {
      await client.call('comms.post', { runId: snapshot.runId, message, ...(author ? { author } : {}) });
      setMessage('');
    } catch (e) {
      setError(e as Error);
    } finally {
      setPosting(false);
    }
  };

  const updates = comms?.updates ?? [];
  const due = comms?.nextDueInMs ?? null;
  return (
    <section className="panel incident-channel" aria-labelledby="channel-title" data-testid="incident-channel">
      <div className="panel-head">
        <h3 id="channel-title">Incident channel</h3>
        <span className="count">{comms ? `${comms.counted} counted` : ''}</span>
        {due !== null ? (
          <span className={`channel-due${due < 0 ? ' fail-text' : ''}`} role="timer" data-testid="incident-channel-due">
            Next update {dueText(due)}
          </span>
        ) : null}
      </div>
      <div className="panel-body">
        {comms?.requirement ? (
          <p className="muted" data-testid="incident-channel-requirement">
            {requirementText(comms.requirement)} An update counts when it says something new (a few words, not a repeat).
          </p>
        ) : null}
        {updates.length === 0 ? <p className="muted">No status updates yet.</p> : null}
        <ol className="channel-list">
          {updates.map((update, i) => (
            <StatusUpdateLine key={update.id} update={update} testId={`incident-channel-update-${i}`} />
          ))}
        </ol>
        {open ? (
          <form
            className="channel-form"
            onSubmit={(e) => {
              e.preventDefault();
              void post();
            }}
          >
            {members.length > 0 ? (
              <select aria-label="Post as" data-testid="incident-channel-author" value={author} onChange={(e) => setAuthor(e.target.value)}>
                {members.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            ) : null}
            <textarea
              aria-label="Status update"
              data-testid="incident-channel-message"
              rows={2}
              maxLength={COMMS_LIMITS.messageChars}
              placeholder="What is known, what is being done, when the next update comes"
              value={message}
              onChange={(e) => setMessage(e.target.value)}
            />
            <button type="submit" className="btn btn-small" data-testid="incident-channel-post" disabled={posting || message.trim() === ''}>
              {posting ? 'Posting…' : 'Post'}
            </button>
          </form>
        ) : null}
        {membersError ? <ErrorBox error={membersError} title="Could not load who may sign updates" testId="incident-channel-members-error" /> : null}
        {error ? <ErrorBox error={error} title="The update was not posted" testId="incident-channel-error" /> : null}
      </div>
    </section>
  );
}
