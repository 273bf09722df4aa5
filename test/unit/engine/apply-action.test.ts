import { describe, expect, it } from 'vitest';
import { applyAction } from '../../../main/engine/faults/apply-action.js';
import { actionSchema } from '../../../main/engine/scenario/schema.js';
import { FakeSandbox } from '../../helpers/fake-runtime.js';

const sandbox = () => new FakeSandbox('run', { runId: 'run', scenario: 's', images: [], networks: [], services: [] });
const context = (s: FakeSandbox) => ({ sandbox: s, packDir: '/pack', imageTag: (name: string) => `firedrill/s-${name}:abc` });

describe('fault actions reach the sandbox as written', () => {
  it.each([
    [{ stop: { service: 'db' } }, 'stop db', 'stopped'],
    [{ start: { service: 'db' } }, 'start db', 'started'],
    [{ kill: { service: 'db' } }, 'kill db', 'killed'],
    [{ pause: { service: 'db' } }, 'pause db', 'paused'],
    [{ unpause: { service: 'db' } }, 'unpause db', 'unpaused'],
    [{ restart: { service: 'db' } }, 'restart db', 'restarted'],
    [{ disconnect: { service: 'db', network: 'lab' } }, 'disconnect db lab', 'disconnected from lab'],
    [{ connect: { service: 'db', network: 'lab' } }, 'connect db lab', 'connected to lab'],
    [{ replace: { service: 'orders', image: 'orders-v2' } }, 'replace orders firedrill/s-orders-v2:abc', 'replaced orders with orders-v2'],
  ])('%j', async (raw, call, detail) => {
    const s = sandbox();
    expect(await applyAction(actionSchema.parse(raw), context(s))).toBe(detail);
    expect(s.calls).toEqual([call]);
  });

  it('fails an exec that exits non-zero, with its output', async () => {
    const action = actionSchema.parse({ exec: { service: 'db', command: 'fail now' } });
    await expect(applyAction(action, context(sandbox()))).rejects.toThrow(/exec in db exited 3: boom/);
  });
});
