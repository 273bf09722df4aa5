import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/contract';
import { createAppStore } from '../../../renderer/src/store/store';
import { doctorOk, fakeClient, scenario } from './fixtures';

describe('catalog and doctor slices', () => {
  it('loads scenarios and prerequisites through the client', async () => {
    const fake = fakeClient({ 'scenarios.list': () => [scenario()], 'doctor.run': () => doctorOk });
    const store = createAppStore({ client: fake.client });
    await Promise.all([store.getState().loadScenarios(), store.getState().loadDoctor()]);
    expect(store.getState().scenarios).toMatchObject({ status: 'ready', data: [{ name: 'slow-query' }] });
    expect(store.getState().doctor).toMatchObject({ status: 'ready', data: { ok: true } });
  });

  it('keeps the error with its fix when listing fails', async () => {
    const fake = fakeClient({
      'scenarios.list': () => {
        throw new ApiError('internal', 'scenarios/slow-query/scenario.yaml:3: title is required', 'Add a title.');
      },
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().loadScenarios();
    const state = store.getState().scenarios;
    expect(state.status).toBe('error');
    if (state.status === 'error') expect(state.error.fix).toBe('Add a title.');
  });

  it('keeps the previous list visible while reloading', async () => {
    let release: () => void = () => undefined;
    let first = true;
    const fake = fakeClient({
      'scenarios.list': async () => {
        if (!first) await new Promise<void>((r) => (release = r));
        first = false;
        return [scenario()];
      },
    });
    const store = createAppStore({ client: fake.client });
    await store.getState().loadScenarios();
    const reload = store.getState().loadScenarios();
    expect(store.getState().scenarios).toMatchObject({ status: 'loading', data: [{ name: 'slow-query' }] });
    release();
    await reload;
    expect(store.getState().scenarios.status).toBe('ready');
  });

  it('merges filter changes', () => {
    const store = createAppStore({ client: fakeClient().client });
    store.getState().setFilter({ query: 'pg' });
    store.getState().setFilter({ tag: 'postgres' });
    expect(store.getState().filter).toEqual({ difficulty: 'all', tag: 'postgres', query: 'pg' });
  });

  it('navigating reports the new hash once', () => {
    const hashes: string[] = [];
    const store = createAppStore({ client: fakeClient().client, onNavigate: (h) => hashes.push(h) });
    store.getState().navigate({ name: 'briefing', scenario: 'slow-query' });
    store.getState().navigate({ name: 'briefing', scenario: 'slow-query' });
    store.getState().routeChanged({ name: 'history' });
    expect(hashes).toEqual(['#/scenario/slow-query']);
    expect(store.getState().route).toEqual({ name: 'history' });
  });
});
