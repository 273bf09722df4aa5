import { describe, expect, it } from 'vitest';
import { answerLabRequest, decodeLabAnswer, encodeLabAnswer, isValidNonce, labAck, type LabHandler } from '../../../main/terminal/lab.js';

const handler: LabHandler = {
  status: async () => 'live for 3 min',
  hint: async () => 'Look at the slow query log.\nThen at the indexes — ünïcode too.',
  check: async () => 'x'.repeat(5000),
  submit: async () => {
    throw new Error('not resolved yet');
  },
};

describe('lab request/answer framing', () => {
  it('frames answers in short #FDLAB lines the helper decodes', async () => {
    const reply = await answerLabRequest(handler, 'hint', '12x34');
    for (const line of reply.trimEnd().split('\n')) {
      expect(line.startsWith('#FDLAB 12x34 ')).toBe(true);
      expect(line.length).toBeLessThan(100);
    }
    expect(decodeLabAnswer('12x34', labAck('12x34') + reply)).toEqual({
      acked: true,
      ok: true,
      text: 'Look at the slow query log.\nThen at the indexes — ünïcode too.',
    });
  });

  it('splits long answers and ignores keystrokes and other nonces mixed in', async () => {
    const reply = await answerLabRequest(handler, 'check', 'n1');
    const lines = reply.split('\n');
    const noisy = [lines[0], 'ls -la', '#FDLAB other D aGk=', ...lines.slice(1)].join('\n');
    expect(decodeLabAnswer('n1', noisy)?.text).toBe('x'.repeat(5000));
  });

  it('reports handler failures, unknown verbs and missing handlers as not ok', async () => {
    expect(decodeLabAnswer('n', await answerLabRequest(handler, 'submit', 'n'))).toMatchObject({ ok: false, text: 'not resolved yet' });
    expect(decodeLabAnswer('n', await answerLabRequest(handler, 'rm', 'n'))).toMatchObject({ ok: false });
    expect(decodeLabAnswer('n', await answerLabRequest(undefined, 'hint', 'n'))).toMatchObject({ ok: false });
    expect(decodeLabAnswer('n', encodeLabAnswer('n', '', true))).toEqual({ acked: false, ok: true, text: '' });
  });

  it('accepts only plain nonces (they are typed into a terminal)', () => {
    expect(isValidNonce('123x456')).toBe(true);
    expect(isValidNonce('a b')).toBe(false);
    expect(isValidNonce('x\n')).toBe(false);
    expect(isValidNonce('')).toBe(false);
  });
});
