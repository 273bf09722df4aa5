/**
 * The game clock on the facilitator's console: time left in the time box (frozen while paused), pause and
 * resume, and extend. The board carries the clock as of its last poll; between polls a running clock counts
 * down here so the display does not jump a second at a time late.
 */
import type { GameBoardView } from '../../../../shared/api/game';
import { formatDuration } from '../../../../shared/format/duration';
import { useNow } from '../../lib/useNow';

const EXTENSIONS = [5, 15];

export function ClockControls({
  board,
  busy,
  onPause,
  onResume,
  onExtend,
}: {
  board: GameBoardView;
  busy: boolean;
  onPause: () => void;
  onResume: () => void;
  onExtend: (minutes: number) => void;
}) {
  const now = useNow(1000);
  const { clock } = board;
  const left = clock.paused ? clock.remainingMs : Math.max(0, clock.endsAt - now);
  const over = left <= 0;
  return (
    <div className={`game-clock${clock.paused ? ' paused' : ''}${over ? ' over' : ''}`} data-testid="game-clock" data-paused={clock.paused ? 'true' : 'false'}>
      <span role="timer" aria-label={`Time left in the time box: ${formatDuration(left, 'clock')}`} data-testid="game-time-left">
        {clock.paused ? 'Paused · ' : over ? "Time's up · " : ''}
        {formatDuration(left, 'clock')} left
      </span>
      <span className="muted">
        {' '}
        of {formatDuration(clock.timeBoxMs, 'units')}
        {clock.extendedMs > 0 ? ` (extended by ${formatDuration(clock.extendedMs, 'units')})` : ''}
        {clock.pausedMs > 0 ? `, paused ${formatDuration(clock.pausedMs, 'units')} so far` : ''}
      </span>{' '}
      {clock.paused ? (
        <button type="button" className="btn" data-testid="clock-resume" disabled={busy} onClick={onResume}>
          Resume the clock
        </button>
      ) : (
        <button type="button" className="btn" data-testid="clock-pause" disabled={busy || over} title="Stop the time box (time to mitigate leaves the pause out)" onClick={onPause}>
          Pause the clock
        </button>
      )}
      {EXTENSIONS.map((minutes) => (
        <button key={minutes} type="button" className="btn" data-testid={`clock-extend-${minutes}`} disabled={busy} onClick={() => onExtend(minutes)}>
          +{minutes} min
        </button>
      ))}
    </div>
  );
}
