import type { ApiError } from '../api/client';

/** Every error is shown with its fix; never a blank screen. */
export function ErrorBox({
  error,
  title,
  onRetry,
  testId,
}: {
  error: ApiError | Error;
  title?: string;
  onRetry?: () => void;
  testId?: string;
}) {
  const fix = 'fix' in error ? (error as ApiError).fix : undefined;
  return (
    <div className="error-box" role="alert" data-testid={testId ?? 'error'}>
      <div className="error-title">{title ?? 'Something went wrong'}</div>
      <div className="error-message">{error.message}</div>
      {fix ? (
        <div className="error-fix">
          <span className="label">Fix</span> {fix}
        </div>
      ) : null}
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
