import { describe, expect, it } from 'vitest';
import { answerLabRequest, decodeLabAnswer, type LabHandler } from '../../../main/terminal/lab.js';

const base: LabHandler = {
  status: async () => 'status',
  hint: async () => 'hint',
  check: async () => 'check',
  submit: async () => 'submit',
};

describe('`lab op <id>` asks the host to run a scenario operation', () => {
  it('passes the operation id to the handler and returns its answer', async () => {
    const seen: string[] = [];
    const reply = await answerLabRequest({ ...base, op: async (id) => (seen.push(id), `rolled back via ${id}`) }, 'op:deploy-orders-v1', 'n1');
    expect(seen).toEqual(['deploy-orders-v1']);
    expect(decodeLabAnswer('n1', reply)).toEqual({ acked: false, text: 'rolled back via deploy-orders-v1', ok: true });
  });

  it('refuses ids that are not scenario ids, and labs without operations', async () => {
    expect(decodeLabAnswer('n2', await answerLabRequest({ ...base, op: async () => 'x' }, 'op:../../etc', 'n2'))?.ok).toBe(false);
    expect(decodeLabAnswer('n3', await answerLabRequest(base, 'op:rollback', 'n3'))?.text).toMatch(/no operations/);
  });

  it('reports a failing operation as a failed answer with its message', async () => {
    const reply = await answerLabRequest({ ...base, op: async () => { throw new Error('unknown operation "x"'); } }, 'op:x', 'n4');
    expect(decodeLabAnswer('n4', reply)).toMatchObject({ ok: false, text: 'unknown operation "x"' });
  });
});
