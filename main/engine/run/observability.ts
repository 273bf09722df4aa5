/**
 * The dashboards of a run, read on the learner's behalf: a Prometheus query (instant, or a range for the
 * small graphs) and an HTTP page, each through the observability entry's published port. The UI never
 * reaches the sandbox itself; it asks through the API, which asks here.
 */
import type { Sandbox } from '../../../sandbox/runtime.js';
import type { Scenario } from '../scenario/schema.js';

type Entry = Scenario['observability'][number];

const TIMEOUT_MS = 8000;
/** What an HTTP panel shows at most. */
const MAX_BODY = 64 * 1024;
/** Points a range query asks for (the graphs are small). */
const RANGE_POINTS = 60;

export type PromAnswer =
  | {
      ok: true;
      data: {
        resultType: string;
        result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
      };
    }
  | { ok: false; error: string };

export async function queryPrometheus(
  sandbox: Sandbox,
  entry: Entry,
  fetchFn: typeof fetch,
  query: string,
  options: { rangeSeconds?: number; nowSeconds: number },
): Promise<PromAnswer> {
  if (entry.kind !== 'prometheus') return { ok: false, error: `"${entry.id}" is not a Prometheus endpoint` };
  const { host, port } = await sandbox.endpoint(entry.service, entry.port);
  const params = new URLSearchParams({ query });
  let api = 'query';
  if (options.rangeSeconds) {
    api = 'query_range';
    const step = Math.max(1, Math.round(options.rangeSeconds / RANGE_POINTS));
    params.set('start', String(options.nowSeconds - options.rangeSeconds));
    params.set('end', String(options.nowSeconds));
    params.set('step', String(step));
  } else {
    params.set('time', String(options.nowSeconds));
  }
  let body: { status?: string; data?: unknown; error?: string };
  try {
    const response = await fetchFn(`http://${host}:${port}/api/v1/${api}?${params}`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    return { ok: false, error: `Prometheus did not answer: ${(error as Error).message}` };
  }
  if (body.status !== 'success' || !body.data) return { ok: false, error: body.error ?? 'the query failed' };
  const data = body.data as { resultType: string; result: unknown };
  // Scalars and strings come back as a bare [time, value]: one unlabelled series.
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return {
      ok: true,
      data: { resultType: data.resultType, result: [{ metric: {}, value: data.result as [number, string] }] },
    };
  }
  return { ok: true, data: data as Extract<PromAnswer, { ok: true }>['data'] };
}

export async function fetchPage(
  sandbox: Sandbox,
  entry: Entry,
  fetchFn: typeof fetch,
): Promise<{ status: number; contentType: string; body: string; truncated: boolean }> {
  const { host, port } = await sandbox.endpoint(entry.service, entry.port);
  const response = await fetchFn(`http://${host}:${port}${entry.path}`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text.slice(0, MAX_BODY),
    truncated: text.length > MAX_BODY,
  };
}
