import { describe, expect, it } from 'vitest';
import { allTags, emptyFilter, filterScenarios } from '../../../renderer/src/store/filter';
import { formatHash, parseHash, type Route } from '../../../renderer/src/store/router';
import { scenario } from './fixtures';

describe('hash router', () => {
  const routes: Route[] = [
    { name: 'catalog' },
    { name: 'briefing', scenario: 'slow-query' },
    { name: 'live', runId: 'run 1/x' },
    { name: 'postmortem', runId: 'r2' },
    { name: 'report', runId: 'r3' },
    { name: 'history' },
    { name: 'game' },
  ];
  it.each(routes)('round-trips %o through the hash', (route) => {
    expect(parseHash(formatHash(route))).toEqual(route);
  });
  it('sends unknown or empty hashes to the catalog', () => {
    expect(parseHash('')).toEqual({ name: 'catalog' });
    expect(parseHash('#/nowhere/at/all')).toEqual({ name: 'catalog' });
    expect(parseHash('#/run/')).toEqual({ name: 'catalog' });
    expect(parseHash('#/scenario/%E0%A4%A')).toEqual({ name: 'briefing', scenario: '%E0%A4%A' });
  });
});

describe('catalog filter', () => {
  const list = [
    scenario(),
    scenario({ name: 'alert-storm', title: 'Alert storm', difficulty: 'beginner', tags: ['alerting'], summary: 'Pager melts' }),
    scenario({ name: 'tgw', title: 'Broken TGW route', difficulty: 'advanced', tags: ['aws', 'network'], runtimes: ['kind'] }),
  ];
  it('keeps everything with the empty filter', () => {
    expect(filterScenarios(list, emptyFilter)).toHaveLength(3);
  });
  it('filters by difficulty, tag and every search word', () => {
    expect(filterScenarios(list, { ...emptyFilter, difficulty: 'beginner' }).map((s) => s.name)).toEqual(['alert-storm']);
    expect(filterScenarios(list, { ...emptyFilter, tag: 'aws' }).map((s) => s.name)).toEqual(['tgw']);
    expect(filterScenarios(list, { ...emptyFilter, query: 'KIND route' }).map((s) => s.name)).toEqual(['tgw']);
    expect(filterScenarios(list, { ...emptyFilter, query: 'pager kind' })).toEqual([]);
  });
  it('lists each tag once, sorted', () => {
    expect(allTags(list)).toEqual(['alerting', 'aws', 'latency', 'network', 'postgres']);
  });
});
