import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/contract';
import { createAppStore, GRADE_DEBOUNCE_MS } from '../../../renderer/src/store/store';
import { detail, fakeClient, flush, report, score, snapshot } from './fixtures';

describe('briefing and starting a run', () => {
  it('starts with the chosen variant, shows real progress steps, and goes live on the first live snapshot', async () => {
    const fake = fakeClient({
      'scenarios.get': () => detail(),
      'runs.start': () => ({ runId: 'run-1' }),
      'runs.get': () => snapshot({ phase: 'preparing', terminals: [1] }),
    });
    const hashes: string[] = [];
    const store = createAppStore({ client: fake.client, onNavigate: (h) => hashes.push(h) });
    await store.getState().loadBriefing('slow-query');
    expect(store.getState().variant).toBe('missing-index');
    store.getState().setVariant('bad-plan');
    await store.getState().startRun();
    expect(fake.calls.find((c) => c.method === 'runs.start')?.request).toEqual({ scenario: 'slow-query', variant: 'bad-plan' });

    fake.push('run-1', { type: 'run.progress', runId: 'run-1', progress: { current: 1, max: 3, description: 'building images' } });
    fake.push('run-1', { type: 'run.progress', runId: 'run-1', progress: { current: 2, max: 3, description: 'starting services' } });
    fake.push('run-1', { type: 'run.progress', runId: 'run-2', progress: { current: 3, max: 3, description: 'another run' } });
    const start = store.getState().start;
    expect(start.status).toBe('starting');
    if (start.status === 'starting') {
      expect(start.steps).toEqual(['building images', 'starting services']);
      expect(start.progress).toEqual({ current: 2, max: 3, description: 'starting services' });
    }
    expect(hashes).toEqual([]);

    fake.push('run-1', { type: 'run.snapshot', snapshot: snapshot({ phase: 'live', terminals: [1] }) });
    expect(store.getState().start.status).toBe('idle');
    expect(hashes).toEqual(['#/run/run-1']);
  });

  it('a sandbox that fails to start shows the error with the steps so far', async () => {
    const fake = fakeClient({
      'scenarios.get': () => detail(),
      'runs.start': () => ({ runId: 'run-1' }),
      'runs.get': () => snapshot({ phase: 'preparing' }),
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().loadBriefing('slow-query');
    await store.getState().startRun();
    fake.push('run-1', { type: 'run.progress', runId: 'run-1', progress: { current: 1, max: 3, description: 'building images' } });
    fake.push('run-1', { type: 'run.snapshot', snapshot: snapshot({ phase: 'failed', error: 'image build failed: apt-get exited 100' }) });
    const start = store.getState().start;
    expect(start.status).toBe('error');
    if (start.status === 'error') {
      expect(start.error.message).toMatch(/apt-get exited 100/);
      expect(start.error.fix).toMatch(/doctor/);
      expect(start.steps).toEqual(['building images']);
    }
  });

  it('a refused start keeps the server fix', async () => {
    const fake = fakeClient({
      'scenarios.get': () => detail(),
      'runs.start': () => {
        throw new ApiError('conflict', 'another run is live', 'Finish it or give up first.');
      },
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().loadBriefing('slow-query');
    await store.getState().startRun();
    expect(store.getState().start).toMatchObject({ status: 'error', error: { fix: 'Finish it or give up first.' } });
  });

  it('cancel calls runs.cancel and stops watching', async () => {
    const fake = fakeClient({
      'scenarios.get': () => detail(),
      'runs.start': () => ({ runId: 'run-1' }),
      'runs.get': () => snapshot({ phase: 'preparing' }),
      'runs.cancel': () => snapshot({ phase: 'ended' }),
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().loadBriefing('slow-query');
    await store.getState().startRun();
    await store.getState().cancelStart();
    expect(fake.calls.map((c) => c.method)).toContain('runs.cancel');
    expect(store.getState().start.status).toBe('idle');
    expect(fake.listeners.size).toBe(0);
  });
});

describe('live run', () => {
  it('applies snapshots pushed over the events socket without reloading', async () => {
    const fake = fakeClient({ 'runs.get': () => snapshot() });
    const store = createAppStore({ client: fake.client });
    await store.getState().watchRun('run-1');
    expect(store.getState().snapshot?.alerts).toHaveLength(1);
    fake.push('run-1', { type: 'run.snapshot', snapshot: snapshot({ alerts: [] }) });
    expect(store.getState().snapshot?.alerts).toHaveLength(0);
    fake.push('run-1', { type: 'error', message: 'alertmanager unreachable' });
    expect(store.getState().runError?.message).toBe('alertmanager unreachable');
  });

  it('opens the first terminal once when the run goes live without one', async () => {
    let n = 0;
    const fake = fakeClient({ 'runs.get': () => snapshot({ terminals: [] }), 'terminals.open': () => ({ terminal: ++n, id: `run-1:${n}` }) });
    const store = createAppStore({ client: fake.client });
    await store.getState().watchRun('run-1');
    await flush();
    fake.push('run-1', { type: 'run.snapshot', snapshot: snapshot({ terminals: [] }) });
    await flush();
    expect(fake.calls.filter((c) => c.method === 'terminals.open')).toHaveLength(1);
    expect(store.getState().snapshot?.terminals).toEqual([1]);
    expect(await store.getState().openTerminal()).toBe(2);
    expect(store.getState().snapshot?.terminals).toEqual([1, 2]);
  });

  it('takes a hint, checks the fix, and gives up through the API', async () => {
    const fake = fakeClient({
      'runs.get': () => snapshot(),
      'runs.takeHint': () => ({ index: 0, id: 'h1', unlockAfterMs: 0, unlocked: true, shown: true, text: 'Look at the indexes.' }),
      'runs.checkFix': () => ({ allPass: false, results: [{ title: 'p95 under 200 ms', pass: false }], message: '0 of 1 hold' }),
      'runs.abandon': () => snapshot({ phase: 'abandoned' }),
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().watchRun('run-1');
    await store.getState().takeHint();
    expect(store.getState().snapshot?.hints[0]).toMatchObject({ shown: true, text: 'Look at the indexes.' });
    await store.getState().runCheckFix();
    expect(store.getState().checkFix).toMatchObject({ status: 'ready', data: { allPass: false } });
    await store.getState().abandon();
    expect(store.getState().snapshot?.phase).toBe('abandoned');
  });

  it('opens the postmortem editor when the phase becomes resolved', async () => {
    const fake = fakeClient({ 'runs.get': () => snapshot() });
    const hashes: string[] = [];
    const store = createAppStore({ client: fake.client, onNavigate: (h) => hashes.push(h) });
    store.getState().navigate({ name: 'live', runId: 'run-1' });
    await store.getState().watchRun('run-1');
    fake.push('run-1', { type: 'run.snapshot', snapshot: snapshot({ phase: 'resolved' }) });
    fake.push('run-1', { type: 'run.snapshot', snapshot: snapshot({ phase: 'resolved' }) });
    expect(hashes).toEqual(['#/run/run-1', '#/run/run-1/postmortem']);
  });

  it('ignores events for a run it no longer watches', async () => {
    const fake = fakeClient({ 'runs.get': ({ runId }) => snapshot({ runId }) });
    const store = createAppStore({ client: fake.client });
    await store.getState().watchRun('run-1');
    await store.getState().watchRun('run-2');
    expect(fake.listeners.has('run-1')).toBe(false);
    expect(store.getState().snapshot?.runId).toBe('run-2');
  });
});

describe('postmortem', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('loads the draft, grades it, re-grades ~600 ms after typing stops, and only the newest grade counts', async () => {
    const grades: { markdown: string; resolve: (v: ReturnType<typeof score>) => void }[] = [];
    const fake = fakeClient({
      'postmortem.draft': () => ({ markdown: '# Draft' }),
      'postmortem.grade': ({ markdown }) => new Promise((resolve) => grades.push({ markdown, resolve })),
    });
    const store = createAppStore({ client: fake.client });
    const loading = store.getState().loadDraft('run-1');
    await vi.waitFor(() => expect(grades).toHaveLength(1));
    grades[0]!.resolve(score({ score: 1 }));
    await loading;
    expect(store.getState().markdown).toBe('# Draft');
    expect(store.getState().grade).toMatchObject({ status: 'ready', data: { score: 1 } });

    store.getState().setMarkdown('# Draft\nA');
    vi.advanceTimersByTime(GRADE_DEBOUNCE_MS - 100);
    store.getState().setMarkdown('# Draft\nAB');
    vi.advanceTimersByTime(GRADE_DEBOUNCE_MS - 1);
    expect(grades).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(grades).toHaveLength(2);
    expect(grades[1]!.markdown).toBe('# Draft\nAB');
    expect(store.getState().grade).toMatchObject({ status: 'loading', data: { score: 1 } });

    store.getState().setMarkdown('# Draft\nABC');
    vi.advanceTimersByTime(GRADE_DEBOUNCE_MS);
    expect(grades).toHaveLength(3);
    grades[2]!.resolve(score({ score: 3 }));
    await vi.waitFor(() => expect(store.getState().grade).toMatchObject({ status: 'ready', data: { score: 3 } }));
    grades[1]!.resolve(score({ score: 2 }));
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().grade).toMatchObject({ data: { score: 3 } });
  });

  it('submits the current markdown and shows the report', async () => {
    const fake = fakeClient({
      'postmortem.draft': () => ({ markdown: '# Draft' }),
      'postmortem.grade': () => score(),
      'postmortem.submit': ({ markdown }) => report({ postmortemMarkdown: markdown }),
    });
    const hashes: string[] = [];
    const store = createAppStore({ client: fake.client, onNavigate: (h) => hashes.push(h) });
    await store.getState().loadDraft('run-1');
    store.getState().setMarkdown('# Final');
    await store.getState().submitPostmortem();
    expect(fake.calls.filter((c) => c.method === 'postmortem.grade')).toHaveLength(1);
    expect(store.getState().report).toMatchObject({ status: 'ready', data: { postmortemMarkdown: '# Final' } });
    expect(hashes).toEqual(['#/report/run-1']);
  });
});

describe('report and history', () => {
  it('exports HTML and imports a bundle as base64', async () => {
    const fake = fakeClient({
      'reports.get': () => report(),
      'reports.exportHtml': () => ({ html: '<!doctype html>', filename: 'report.html' }),
      'history.import': () => ({ runId: 'imported-1' }),
      'history.list': () => [],
    });
    const hashes: string[] = [];
    const store = createAppStore({ client: fake.client, onNavigate: (h) => hashes.push(h) });
    await store.getState().loadReport('run-1');
    expect(await store.getState().exportHtml('run-1')).toEqual({ html: '<!doctype html>', filename: 'report.html' });
    await store.getState().importBundle('b.tar.gz', new Uint8Array([0x1f, 0x8b, 0x08, 0xff]));
    expect(fake.calls.find((c) => c.method === 'history.import')?.request).toEqual({ filename: 'b.tar.gz', base64: 'H4sI/w==' });
    expect(hashes).toEqual(['#/report/imported-1']);
  });

  it('a failed import keeps the error and its fix', async () => {
    const fake = fakeClient({
      'history.import': () => {
        throw new ApiError('bad_request', 'not a Firedrill bundle', 'Export the bundle from the report screen.');
      },
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().importBundle('x.tgz', new Uint8Array([1]));
    expect(store.getState().importing).toMatchObject({ status: 'error', error: { fix: 'Export the bundle from the report screen.' } });
  });
});
