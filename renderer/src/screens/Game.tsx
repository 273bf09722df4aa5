/**
 * The facilitator's console (game-day mode): start a game from its file, watch every team's board live,
 * inject a fault step or an operation into one team or all, broadcast a message, end the game, and the
 * kill switch (always visible) that reverts every fault and tears every team's sandbox down. After the game,
 * the debrief shows every team's timeline side by side.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DebriefView, GameBoardView, KillReportView, TeamBoardView } from '../../../shared/api/game';
import { formatDuration } from '../../../shared/format/duration';
import { dueText } from '../../../shared/report/comms';
import { ErrorBox } from '../components/ErrorBox';
import { ClockControls } from './game/ClockControls';
import { GamePlan } from './game/GamePlan';
import { JoinOriginPicker, useJoinOrigins } from './game/JoinOrigin';
import { useClient } from '../store/context';
import { Debrief } from './game/Debrief';
import { formatHash } from '../store/router';

const ms = (value: number | null) => (value === null ? '—' : formatDuration(value, 'clock'));

export function GameScreen() {
  const client = useClient();
  const [board, setBoard] = useState<GameBoardView | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [stopped, setStopped] = useState<KillReportView | null>(null);
  const [debrief, setDebrief] = useState<DebriefView | null>(null);
  const [message, setMessage] = useState('');
  const [injected, setInjected] = useState<string | null>(null);
  const origins = useJoinOrigins();
  const [pickedOrigin, setPickedOrigin] = useState<string | null>(null);
  const joinOrigin = pickedOrigin ?? origins[0] ?? window.location.origin;

  const refresh = useCallback(async () => {
    try {
      setBoard(await client.call('game.board', {}));
    } catch (e) {
      setError(e as Error);
    }
  }, [client]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [refresh]);

  const running = board?.state === 'running';
  useEffect(() => {
    if (board && (board.state === 'ended' || board.state === 'killed') && !debrief) void client.call('game.debrief', {}).then(setDebrief, (e: Error) => setError(e));
  }, [board, debrief, client]);

  const act = async <T,>(name: string, work: () => Promise<T>): Promise<T | null> => {
    setBusy(name);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(e as Error);
      return null;
    } finally {
      setBusy(null);
      void refresh();
    }
  };

  return (
    <section className="screen" aria-labelledby="game-title" data-testid="game-console">
      <div className="screen-head game-kill">
        <h1 id="game-title" tabIndex={-1}>
          Game day{board ? `: ${board.title}` : ''}
        </h1>
        {board ? (
          <span className="muted" data-testid="game-state">
            {board.state} · {board.teams.length} team(s) · dead man&apos;s switch {formatDuration(board.ttlMs, 'units')}
          </span>
        ) : null}
        <div className="actions">
          {running ? (
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void act('end', async () => setStopped(await client.call('game.end', {})))}>
              End the game
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn-danger"
            data-testid="kill-switch"
            disabled={!running || busy === 'kill'}
            title="Revert every fault and tear down every team's sandbox, now"
            onClick={() => void act('kill', async () => setStopped(await client.call('game.kill', {})))}
          >
            {busy === 'kill' ? 'Stopping everything…' : 'Kill switch'}
          </button>
        </div>
      </div>

      {error ? <ErrorBox error={error} title="The game console hit a problem" /> : null}
      {stopped ? (
        <div className="banner banner-ended" role="status" data-testid="kill-report">
          <strong>Everything stopped in {formatDuration(stopped.elapsedMs, 'units')}.</strong>
          <span>
            {stopped.reverted} fault step(s) reverted{stopped.revertFailures ? `, ${stopped.revertFailures} revert(s) failed` : ''}; {stopped.leftover === 0 ? 'nothing left behind' : `${stopped.leftover} object(s) left`}.
          </span>
        </div>
      ) : null}

      {!running && board?.state !== 'stopping' ? (
        <GamePlan
          busy={busy !== null}
          onError={setError}
          onStart={async (path) => {
            await act('start', async () => {
              setStopped(null);
              setDebrief(null);
              setBoard(await client.call('game.start', { path }));
            });
          }}
        />
      ) : null}

      {board && running ? (
        <div className="panel">
          <div className="panel-body">
            <ClockControls
              board={board}
              busy={busy !== null}
              onPause={() => void act('pause', async () => setBoard(await client.call('game.pause', {})))}
              onResume={() => void act('resume', async () => setBoard(await client.call('game.resume', {})))}
              onExtend={(minutes) => void act('extend', async () => setBoard(await client.call('game.extend', { minutes })))}
            />
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void act('broadcast', async () => {
                  setBoard(await client.call('game.broadcast', { message }));
                  setMessage('');
                });
              }}
            >
              <label>
                Broadcast to every team{' '}
                <input data-testid="broadcast-input" value={message} size={60} onChange={(e) => setMessage(e.target.value)} />
              </label>{' '}
              <button type="submit" className="btn" data-testid="broadcast-send" disabled={!message.trim() || busy !== null}>
                Send
              </button>
            </form>
            {injected ? (
              <p className="muted" data-testid="inject-result">
                {injected}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}

      {board ? <JoinOriginPicker origins={origins} value={joinOrigin} onChange={setPickedOrigin} /> : null}
      {board ? (
        <div className="game-board">
          {board.teams.map((team) => (
            <TeamCard
              key={team.id}
              team={team}
              joinOrigin={joinOrigin}
              running={running}
              busy={busy !== null}
              onInject={(target, kind) =>
                void act('inject', async () => {
                  const results = await client.call('game.inject', { team: team.id, target, kind });
                  setInjected(results.map((r) => `${r.team}: ${r.ok ? 'injected' : 'failed'} ${target}${r.ok ? '' : ` (${r.detail})`}`).join('; '));
                })
              }
            />
          ))}
        </div>
      ) : null}

      {debrief ? <Debrief debrief={debrief} /> : null}
    </section>
  );
}

function TeamCard({
  team,
  joinOrigin,
  running,
  busy,
  onInject,
}: {
  team: TeamBoardView;
  joinOrigin: string;
  running: boolean;
  busy: boolean;
  onInject: (target: string, kind: 'step' | 'operation') => void;
}) {
  const options = [...team.injectable.steps.map((s) => `step:${s}`), ...team.injectable.operations.map((o) => `operation:${o}`)];
  const [choice, setChoice] = useState(options[0] ?? '');
  const join = `${joinOrigin}${team.joinPath}`;
  return (
    <section className="panel game-team" data-testid={`team-board-${team.id}`} data-phase={team.phase} aria-labelledby={`team-${team.id}`}>
      <div className="panel-head">
        <h2 id={`team-${team.id}`}>{team.name}</h2>
        <span className="count">{team.phase}</span>
      </div>
      <div className="panel-body">
        <dl>
          <dt>Scenario</dt>
          <dd>
            {team.scenario}
            {team.variant ? ` (${team.variant})` : ''}
          </dd>
          <dt>Members</dt>
          <dd>{team.members.join(', ')}</dd>
          {Object.entries(team.roles).some(([, who]) => who) ? (
            <>
              <dt>Roles</dt>
              <dd>
                {[
                  ['incident commander', team.roles.incidentCommander],
                  ['operations', team.roles.operations],
                  ['communications', team.roles.communications],
                ]
                  .filter(([, who]) => who)
                  .map(([role, who]) => `${who} (${role})`)
                  .join(', ')}
              </dd>
            </>
          ) : null}
          {team.progress ? (
            <>
              <dt>Progress</dt>
              <dd>{team.progress}</dd>
            </>
          ) : null}
          {team.error ? (
            <>
              <dt>Error</dt>
              <dd className="fail-text">{team.error}</dd>
            </>
          ) : null}
          <dt>Since page</dt>
          <dd>{ms(team.sincePageMs)}</dd>
          <dt>First command</dt>
          <dd>{ms(team.timeToEngageMs)}</dd>
          <dt>Mitigated</dt>
          <dd>{ms(team.timeToMitigateMs)}</dd>
          <dt>Hints taken</dt>
          <dd>{team.hintsTaken}</dd>
          <dt>Checks holding</dt>
          <dd>
            {team.checks.passing}/{team.checks.total}
          </dd>
          <dt>Score so far</dt>
          <dd data-testid={`team-score-${team.id}`}>{team.score ?? (team.phase === 'live' && team.timeToEngageMs === null ? 'not started' : '—')}</dd>
          <dt>Faults applied</dt>
          <dd data-testid={`team-faults-${team.id}`}>{team.faultsApplied.join(', ') || '—'}</dd>
          {team.comms ? (
            <>
              <dt>Status updates</dt>
              <dd data-testid={`team-comms-${team.id}`} className={team.comms.nextDueInMs !== null && team.comms.nextDueInMs < 0 ? 'fail-text' : ''}>
                {team.comms.updates} · last {ms(team.comms.lastUpdateMs)}
                {team.comms.nextDueInMs !== null ? ` · next ${dueText(team.comms.nextDueInMs)}` : ''}
              </dd>
            </>
          ) : null}
          <dt>Last commands</dt>
          <dd className="mono" data-testid={`team-commands-${team.id}`}>
            {team.lastCommands.join(' · ') || '—'}
          </dd>
          <dt>Join link</dt>
          <dd>
            <a href={join} target="_blank" rel="noreferrer" data-testid={`join-link-${team.id}`}>
              open as {team.name}
            </a>
            {/* The facilitator watches the team's shared terminals (and types as "facilitator" if they must). */}
            {' · '}
            <a href={formatHash({ name: 'live', runId: team.runId })} data-testid={`watch-link-${team.id}`}>
              watch
            </a>
          </dd>
        </dl>
        {running && options.length > 0 ? (
          <div className="actions">
            <select aria-label={`Fault to inject into ${team.name}`} data-testid={`inject-select-${team.id}`} value={choice} onChange={(e) => setChoice(e.target.value)}>
              {options.map((o) => (
                <option key={o} value={o}>
                  {o.replace(':', ' ')}
                </option>
              ))}
            </select>{' '}
            <button
              type="button"
              className="btn"
              data-testid={`inject-${team.id}`}
              disabled={busy || !choice || team.phase !== 'live'}
              onClick={() => {
                const [kind, target] = choice.split(/:(.*)/s) as ['step' | 'operation', string];
                onInject(target, kind);
              }}
            >
              Inject now
            </button>
          </div>
        ) : null}
      </div>
    </section>
  );
}
