import type { Progress } from '../../../shared/api/contract';

/** Real progress from `run.progress`: a bar and the list of steps seen so far. */
export function ProgressView({ progress, steps, label }: { progress: Progress | null; steps: string[]; label: string }) {
  const pct = progress && progress.max > 0 ? Math.min(100, Math.round((progress.current / progress.max) * 100)) : 0;
  return (
    <div className="progress" data-testid="progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={progress?.max ?? 100}
        aria-valuenow={progress?.current ?? 0}
        aria-valuetext={progress ? `${progress.description} (${progress.current} of ${progress.max})` : 'waiting for the sandbox'}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="mono muted" aria-live="polite">
        {progress ? `${progress.current}/${progress.max} · ${progress.description}` : 'Waiting for the sandbox…'}
      </div>
      {steps.length > 0 ? (
        <ol className="steps" aria-label="Steps">
          {steps.map((step, i) => (
            <li key={`${i}-${step}`} className={i === steps.length - 1 ? 'current' : ''}>
              {step}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
