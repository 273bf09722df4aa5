import { describe, expect, it } from 'vitest';
import { ApiError, type StudioTest } from '../../../shared/api/contract';
import { createAppStore, TEST_POLL_MS, VALIDATE_DEBOUNCE_MS } from '../../../renderer/src/store/store';
import { fakeClient, flush } from './fixtures';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    setTimeout: (fn: () => void, ms: number) => {
      const t = { fn, ms };
      pending.push(t);
      return t;
    },
    clearTimeout: (handle: unknown) => {
      const i = pending.indexOf(handle as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
    async fire() {
      const due = pending.splice(0);
      for (const t of due) t.fn();
      await flush();
      await flush();
    },
    pending,
  };
}

const diag = (line: number) => ({ file: 'scenario.yaml', line, column: 3, path: 'checks.hold', message: 'use a duration', severity: 'error' as const });

describe('the Studio store', () => {
  it('creates a pack, opens it at scenario.yaml and navigates to the studio', async () => {
    const fake = fakeClient({
      'studio.create': ({ pack }) => ({ pack }),
      'studio.files': ({ pack }) => ({ pack, editable: true, files: ['scenario.yaml', 'images/app/Dockerfile'] }),
      'studio.read': () => ({ content: 'apiVersion: firedrill/v1\n' }),
      'studio.validate': () => ({ diagnostics: [] }),
      'scenarios.list': () => [],
    });
    const hashes: string[] = [];
    const store = createAppStore({ client: fake.client, onNavigate: (h) => hashes.push(h) });
    await store.getState().createPack('my-lab', 'minimal');
    expect(store.getState().editor).toMatchObject({ pack: 'my-lab', path: 'scenario.yaml', editable: true, diagnostics: [] });
    expect(hashes).toEqual(['#/studio/my-lab']);
  });

  it('validates typed text after a pause, keeping only the answer to the latest text', async () => {
    const timers = manualTimers();
    let answer = 0;
    const fake = fakeClient({
      'studio.files': ({ pack }) => ({ pack, editable: true, files: ['scenario.yaml'] }),
      'studio.read': () => ({ content: 'a' }),
      'studio.validate': ({ content }) => ({ diagnostics: content === 'a' ? [] : [diag(++answer)] }),
    });
    const store = createAppStore({ client: fake.client, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
    await store.getState().openPack('my-lab');
    store.getState().editContent('ab');
    store.getState().editContent('abc');
    expect(timers.pending.map((t) => t.ms)).toEqual([VALIDATE_DEBOUNCE_MS]);
    await timers.fire();
    expect(fake.calls.filter((c) => c.method === 'studio.validate').map((c) => (c.request as { content: string }).content)).toEqual(['a', 'abc']);
    expect(store.getState().editor?.diagnostics).toEqual([diag(1)]);
  });

  it('saves before testing, then polls the test until it ends', async () => {
    const timers = manualTimers();
    let failNext = false;
    const running: StudioTest = { testId: 't1', pack: 'my-lab', state: 'running', running: 'prepare', progress: null, phases: [], session: '/s' };
    const states: StudioTest[] = [
      { ...running, running: 'baseline', phases: [{ name: 'prepare', ok: true, ms: 10, detail: '2 services up' }] },
      { ...running, state: 'passed', running: null, phases: [{ name: 'prepare', ok: true, ms: 10, detail: '' }] },
    ];
    const fake = fakeClient({
      'studio.files': ({ pack }) => ({ pack, editable: true, files: ['scenario.yaml'] }),
      'studio.read': () => ({ content: 'a' }),
      'studio.validate': () => ({ diagnostics: [] }),
      'studio.save': () => ({ diagnostics: [] }),
      'studio.test': () => running,
      'studio.testStatus': () => {
        if (failNext) {
          failNext = false;
          throw new TypeError('Failed to fetch');
        }
        return states.shift()!;
      },
    });
    const store = createAppStore({ client: fake.client, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
    await store.getState().openPack('my-lab');
    store.getState().editContent('b');
    timers.pending.splice(0);
    await store.getState().testPack();
    expect(fake.calls.map((c) => c.method).slice(-2)).toEqual(['studio.save', 'studio.test']);
    expect(store.getState().editor?.saved).toBe('b');
    expect(timers.pending.map((t) => t.ms)).toEqual([TEST_POLL_MS]);
    // A poll that fails in transit (Chromium aborts requests when Docker adds a network) is retried.
    failNext = true;
    await timers.fire();
    expect(store.getState().studioError).toBeNull();
    expect(store.getState().packTest?.running).toBe('prepare');
    await timers.fire();
    expect(store.getState().packTest?.running).toBe('baseline');
    await timers.fire();
    expect(store.getState().packTest?.state).toBe('passed');
    expect(timers.pending).toEqual([]);
  });

  it('shows what an archive runs before installing, and the refusal when it is refused', async () => {
    const summary = { name: 'shared', version: '1.0.0', title: 'T', lines: ['service web: image app, no extra capabilities'], installedVersion: null };
    const fake = fakeClient({
      'studio.inspect': ({ filename }) => {
        if (filename === 'evil.firedrill') throw new ApiError('bad_request', 'entry "../x": a path that climbs out with "..": refused');
        return summary;
      },
      'studio.install': () => ({ pack: 'shared', version: '1.0.0' }),
      'scenarios.list': () => [],
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().inspectArchive('shared-1.0.0.firedrill', new Uint8Array([1, 2, 3]));
    expect(store.getState().pendingImport?.summary).toEqual(summary);
    expect(fake.calls.some((c) => c.method === 'studio.install')).toBe(false);
    await store.getState().confirmImport();
    expect(fake.calls.find((c) => c.method === 'studio.install')?.request).toEqual({ filename: 'shared-1.0.0.firedrill', base64: 'AQID' });
    expect(store.getState().studioNotice).toMatch(/Installed shared 1\.0\.0/);
    await store.getState().inspectArchive('evil.firedrill', new Uint8Array([1]));
    expect(store.getState().pendingImport).toBeNull();
    expect(store.getState().studioError?.message).toMatch(/climbs out/);
  });
});
