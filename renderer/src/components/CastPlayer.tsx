/**
 * Replays an asciicast v2 recording into xterm: play/pause, speed, seek. Timing is driven by
 * requestAnimationFrame, writing every output event whose time has come (so long idle gaps cost nothing).
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { eventsUntil, parseCast, type ParsedCast } from '../../../shared/report/cast';
import { ApiError } from '../api/client';
import { formatDuration } from '../../../shared/format/duration';
import { ErrorBox } from './ErrorBox';
import { Loading } from './Loading';

const SPEEDS = [0.5, 1, 2, 4, 8];

export function CastPlayer({ url, label }: { url: string; label: string }) {
  const [cast, setCast] = useState<ParsedCast | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    setCast(null);
    setError(null);
    fetch(url)
      .then(async (response) => {
        if (!response.ok) throw new ApiError(response.status === 404 ? 'not_found' : 'internal', `${label}: HTTP ${response.status}`);
        return parseCast(await response.text());
      })
      .then((parsed) => !cancelled && setCast(parsed))
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(
          e instanceof ApiError
            ? e
            : new ApiError('internal', `${label}: ${(e as Error).message}`, 'The recording may be missing or damaged; the rest of the report is unaffected.'),
        );
      });
    return () => {
      cancelled = true;
    };
  }, [url, label]);

  if (error) return <ErrorBox error={error} title={`Could not load ${label}`} />;
  if (!cast) return <Loading label={`Loading ${label}…`} />;
  return <Player cast={cast} label={label} />;
}

function Player({ cast, label }: { cast: ParsedCast; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const played = useRef(0);
  const position = useRef(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(2);
  const [shown, setShown] = useState(0);

  useEffect(() => {
    const t = new Terminal({
      cols: cast.header.width,
      rows: cast.header.height,
      disableStdin: true,
      convertEol: false,
      fontSize: 12,
      scrollback: 5000,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      theme: { background: '#05080b' },
    });
    t.open(host.current!);
    term.current = t;
    played.current = 0;
    position.current = 0;
    return () => {
      t.dispose();
      term.current = null;
    };
  }, [cast]);

  /** Writes every event up to `time`; seeking backwards replays from the start. */
  const renderTo = (time: number) => {
    const t = term.current;
    if (!t) return;
    if (time < position.current) {
      t.reset();
      played.current = 0;
    }
    const until = eventsUntil(cast.events, time);
    let chunk = '';
    for (let i = played.current; i < until; i++) {
      const event = cast.events[i]!;
      if (event.kind === 'o') chunk += event.data;
      else {
        if (chunk) t.write(chunk);
        chunk = '';
        t.resize(event.cols, event.rows);
      }
    }
    if (chunk) t.write(chunk);
    played.current = until;
    position.current = time;
  };

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    let last = performance.now();
    let lastShown = 0;
    const tick = (now: number) => {
      const next = Math.min(cast.duration, position.current + ((now - last) / 1000) * speed);
      last = now;
      renderTo(next);
      if (now - lastShown > 250) {
        lastShown = now;
        setShown(next);
      }
      if (next >= cast.duration) {
        setShown(cast.duration);
        setPlaying(false);
        return;
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
    // renderTo only reads refs and the cast
  }, [playing, speed, cast]);

  const togglePlay = () => {
    if (!playing && position.current >= cast.duration) {
      renderTo(0);
      setShown(0);
    }
    setPlaying(!playing);
  };

  return (
    <div className="player" data-testid="cast-player">
      <div className="player-controls">
        <button type="button" className="btn btn-small" onClick={togglePlay} aria-label={playing ? `Pause ${label}` : `Play ${label}`}>
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <label className="field" style={{ flexDirection: 'row', alignItems: 'center' }}>
          <span>Speed</span>
          <select aria-label="Playback speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          aria-label="Position"
          min={0}
          max={Math.max(cast.duration, 0.001)}
          step={0.1}
          value={shown}
          onChange={(e) => {
            const time = Number(e.target.value);
            renderTo(time);
            setShown(time);
          }}
        />
        <span className="mono muted">
          {formatDuration(shown * 1000, 'clock')} / {formatDuration(cast.duration * 1000, 'clock')}
        </span>
      </div>
      <div className="player-screen" ref={host} aria-label={`${label} replay`} />
    </div>
  );
}
