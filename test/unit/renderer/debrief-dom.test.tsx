// @vitest-environment happy-dom
/**
 * The debrief screen (renderer/src/screens/game/Debrief.tsx): the chart, the scores with the reviewer's overrides,
 * each team's moments, a link to each report, and one button for the export (the HTML downloaded, the bundles
 * linked). What teams typed stays text.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebriefView, GameExportView } from '../../../shared/api/game';
import { Debrief } from '../../../renderer/src/screens/game/Debrief';
import { AppProvider } from '../../../renderer/src/store/context';
import { createAppStore } from '../../../renderer/src/store/store';
import { fakeClient, flush } from './fixtures';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

const DEBRIEF: DebriefView = {
  game: 'drill-1',
  title: 'Drill',
  state: 'ended',
  teams: [
    {
      team: 'red',
      name: 'Red',
      members: ['ana'],
      runId: 'drill-1-red',
      scenario: 'slow-query',
      parMinutes: 15,
      status: 'resolved',
      milestones: { rootCauseMs: 360_000, mitigatedMs: 470_000, resolvedMs: 480_000, pausedToResolveMs: 0, endedMs: 540_000 },
      rootCause: { signal: 'pg-stat-statements', command: 'psql -c "SELECT 1"' },
      parVerdict: 'resolved at 8m, par 15m: 7m under',
      parDeltaMs: -420_000,
      marks: [
        { kind: 'page', atMs: 0, text: 'Paged' },
        { kind: 'status', atMs: 120_000, text: '<img src=x onerror=alert(1)> investigating', author: 'ana' },
        { kind: 'resolution', atMs: 480_000, text: 'fixed' },
        { kind: 'end', atMs: 540_000, text: 'ended (resolved)' },
      ],
      scores: {
        troubleshooting: { automatic: 70, reviewed: 80, max: 100, overridden: [{ id: 'time', title: 'Time', automatic: 10, reviewed: 20, reviewer: 'rita', note: 'fair' }] },
        postmortem: null,
      },
    },
    {
      team: 'blue',
      name: 'Blue',
      members: ['bob'],
      runId: 'drill-1-blue',
      scenario: 'slow-query',
      parMinutes: 15,
      status: 'not started',
      milestones: { rootCauseMs: null, mitigatedMs: null, resolvedMs: null, pausedToResolveMs: 0, endedMs: 600_000 },
      rootCause: null,
      parVerdict: 'not started',
      parDeltaMs: null,
      marks: [{ kind: 'page', atMs: 0, text: 'Paged' }],
      scores: null,
    },
  ],
};

const EXPORTED: GameExportView = {
  dir: '/home/x/.firedrill/games/drill-1/export',
  html: '<!doctype html><title>all</title>',
  filename: 'firedrill-game-drill-1.html',
  htmlPath: '/home/x/.firedrill/games/drill-1/export/firedrill-game-drill-1.html',
  bundles: [
    { team: 'red', runId: 'drill-1-red', path: '/x/firedrill-drill-1-red.tar.gz' },
    { team: 'blue', runId: 'drill-1-blue', path: '/x/firedrill-drill-1-blue.tar.gz' },
  ],
};

async function mount() {
  const fake = fakeClient({ 'game.exportReports': () => EXPORTED });
  const store = createAppStore({ client: fake.client });
  const container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <AppProvider store={store} client={fake.client}>
        <Debrief debrief={DEBRIEF} />
      </AppProvider>,
    );
    await flush();
  });
  return { container, fake };
}

describe('the debrief screen', () => {
  it('shows every team on one chart, its scores with the overrides, and links each report', async () => {
    const { container } = await mount();
    expect(container.querySelector('[data-testid="debrief-chart"] svg.fd-debrief')).not.toBeNull();
    const red = container.querySelector('[data-testid="debrief-score-red"]')!;
    expect(red.textContent).toContain('resolved at 8m, par 15m: 7m under');
    expect(red.textContent).toContain('80/100 reviewed (automatic 70)');
    expect(red.textContent).toContain('Time 10 → 20 by rita: fair');
    const blue = container.querySelector('[data-testid="debrief-score-blue"]')!;
    expect(blue.getAttribute('data-status')).toBe('not started');
    expect(blue.textContent).not.toMatch(/\d+\/100/);
    expect(container.querySelector('[data-testid="debrief-report-drill-1-red"]')!.getAttribute('href')).toBe('#/report/drill-1-red');
    const moments = container.querySelector('[data-testid="debrief-drill-1-red"]')!;
    expect(moments.textContent).toContain('page: Paged');
    expect(moments.textContent).toContain('status update (ana): <img src=x onerror=alert(1)> investigating');
    // Text, never markup: not in the list, not in the chart's tooltips.
    expect(container.querySelector('img')).toBeNull();
  });

  it('exports in one click: the HTML downloads, the folder is named, every bundle is linked', async () => {
    const { container, fake } = await mount();
    const clicked: string[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    };
    try {
      await act(async () => {
        (container.querySelector('[data-testid="debrief-export"]') as HTMLButtonElement).click();
        await flush();
      });
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(fake.calls.map((c) => c.method)).toEqual(['game.exportReports']);
    expect(clicked).toEqual(['firedrill-game-drill-1.html']);
    expect(container.querySelector('[data-testid="debrief-exported"]')!.textContent).toContain(EXPORTED.dir);
    const bundle = container.querySelector('[data-testid="debrief-bundle-drill-1-blue"]')!;
    expect(bundle.getAttribute('href')).toBe('http://127.0.0.1:1/files/drill-1-blue/bundle.tar.gz?token=t');
    expect(bundle.hasAttribute('download')).toBe(true);
  });
});
