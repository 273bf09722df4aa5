import { toMs } from '../scenario/duration.js';
import type { Check } from '../scenario/schema.js';
import { compare, OP_TEXT, type CheckRunner } from './types.js';

type PromqlCheck = Extract<Check, { kind: 'promql' }>;

interface PromResponse {
  status: string;
  data?: { resultType: string; result: { value?: [number, string] }[] | [number, string] };
  error?: string;
}

export const runPromqlCheck: CheckRunner<PromqlCheck> = async (check, context) => {
  const { host, port } = await context.sandbox.endpoint(check.service, check.port);
  const url = `http://${host}:${port}/api/v1/query?query=${encodeURIComponent(check.query)}`;
  const response = await context.fetch(url, { signal: AbortSignal.timeout(toMs(check.timeout)) });
  const body = (await response.json()) as PromResponse;
  if (body.status !== 'success' || !body.data) return { pass: false, observed: 'query failed', message: body.error };
  const raw =
    body.data.resultType === 'scalar'
      ? (body.data.result as [number, string])[1]
      : (body.data.result as { value?: [number, string] }[])[0]?.value?.[1];
  if (raw === undefined) return { pass: false, observed: 'no data' };
  const value = Number(raw);
  return {
    pass: compare(value, check.op, check.value),
    observed: `${Math.round(value * 1000) / 1000}`,
    message: `expected ${OP_TEXT[check.op]} ${check.value}`,
  };
};
