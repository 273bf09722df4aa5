/**
 * Kubernetes API errors as the runtime reports them, without loading the client (so `doctor`, `validate`
 * and the CLI's start-up never pay for @kubernetes/client-node unless a cluster is used).
 */

/** The HTTP status of a failed API call (client-node's ApiException has `code`); undefined for network errors. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** An API error as one line: the Status message the server sent, not a stack of client internals. */
export function apiMessage(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined && error && typeof error === 'object' && 'body' in error) {
    const body = (error as { body?: unknown }).body;
    const message = typeof body === 'string' ? parsed(body) : (body as { message?: string } | undefined)?.message;
    return `HTTP ${status}: ${message ?? String((error as { message?: unknown }).message)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function parsed(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}
