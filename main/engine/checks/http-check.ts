import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import { compare, jsonPath, OP_TEXT, percentile, regex, type CheckContext, type CheckRunner } from './types.js';

type HttpCheck = Extract<Check, { kind: 'http' }>;

export const runHttpCheck: CheckRunner<HttpCheck> = async (check, context) => {
  const { host, port } = await context.sandbox.endpoint(check.service, check.port);
  const url = `http://${host}:${port}${check.path}`;
  const samples = check.latency ? check.latency.samples : 1;
  let last: { status: number; body: string } | null = null;
  let failure: string | null = null;
  for (let i = 0; i < samples; i++) {
    const started = context.now();
    try {
      const response = await context.fetch(url, { method: check.method, signal: AbortSignal.timeout(toMs(check.timeout)) });
      last = { status: response.status, body: await response.text() };
      if (check.latency) record(context, check.id, started, context.now() - started);
    } catch (error) {
      failure = (error as Error).name === 'TimeoutError' ? `timed out after ${check.timeout}` : (error as Error).message;
      // A timeout is the worst latency there is: it must count against the percentile, not vanish.
      if (check.latency) record(context, check.id, started, toMs(check.timeout));
    }
  }
  if (!last) return { pass: false, observed: 'no response', message: failure ?? undefined };
  if (last.status !== check.status) {
    return { pass: false, observed: `HTTP ${last.status}`, message: `expected HTTP ${check.status}` };
  }
  if (check.bodyMatches && !regex(check.bodyMatches).test(last.body)) {
    return { pass: false, observed: `HTTP ${last.status}`, message: `body does not match /${check.bodyMatches}/` };
  }
  if (check.json) {
    let value: unknown;
    try {
      value = jsonPath(JSON.parse(last.body), check.json.path);
    } catch {
      return { pass: false, observed: 'not JSON' };
    }
    const number = typeof value === 'number' ? value : Number(value);
    if (value === undefined || value === null || Number.isNaN(number)) {
      return { pass: false, observed: `${check.json.path} missing` };
    }
    const ok = compare(number, check.json.op, check.json.value);
    return { pass: ok, observed: `${check.json.path}=${round(number)}` };
  }
  if (check.latency) {
    const windowMs = toMs(check.latency.window);
    const now = context.now();
    const points = (context.windows.get(check.id) ?? []).filter((p) => now - p.at <= windowMs);
    context.windows.set(check.id, points);
    const value = percentile(
      points.map((p) => p.ms),
      check.latency.percentile,
    );
    const threshold = toMs(check.latency.value);
    const ok = compare(value, check.latency.op, threshold);
    return {
      pass: ok,
      observed: `p${check.latency.percentile}=${Math.round(value)}ms over ${points.length} requests`,
      message: ok ? undefined : `expected p${check.latency.percentile} ${OP_TEXT[check.latency.op]} ${threshold}ms`,
    };
  }
  return { pass: true, observed: `HTTP ${last.status}` };
};

function record(context: CheckContext, id: string, at: number, ms: number): void {
  const points = context.windows.get(id) ?? [];
  points.push({ at, ms });
  context.windows.set(id, points);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
