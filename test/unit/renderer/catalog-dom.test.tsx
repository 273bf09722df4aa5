// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/contract';
import { CatalogScreen } from '../../../renderer/src/screens/Catalog';
import { AppProvider } from '../../../renderer/src/store/context';
import { createAppStore } from '../../../renderer/src/store/store';
import { fakeClient, flush, scenario } from './fixtures';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

async function render(fake: ReturnType<typeof fakeClient>) {
  const store = createAppStore({ client: fake.client });
  const container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <AppProvider store={store} client={fake.client}>
        <CatalogScreen />
      </AppProvider>,
    );
    await flush();
  });
  return { container, store };
}

describe('catalog screen', () => {
  it('shows each scenario card with its facts, and why one cannot run', async () => {
    const fake = fakeClient({
      'scenarios.list': () => [
        scenario(),
        scenario({ name: 'tgw', title: 'Broken TGW', runnable: false, problems: ['needs kind'], imagesBuilt: false }),
      ],
      'doctor.run': () => ({
        ok: false,
        checks: [
          { id: 'docker', title: 'Docker engine', status: 'fail', detail: 'no socket', fix: 'Start Docker Desktop.' },
          { id: 'disk', title: 'Disk', status: 'pass', detail: 'ok', fix: '' },
        ],
      }),
    });
    const { container } = await render(fake);
    const card = container.querySelector('[data-testid="scenario-card-slow-query"]')!;
    expect(card.textContent).toContain('The slow query');
    expect(card.textContent).toContain('intermediate');
    expect(card.textContent).toContain('~25 min');
    expect(card.textContent).toContain('#postgres');
    expect(card.textContent).toContain('images built');
    const tgw = container.querySelector('[data-testid="scenario-card-tgw"]')!;
    expect(tgw.textContent).toContain('Cannot run here');
    expect(tgw.textContent).toContain('needs kind');
    expect(tgw.textContent).toContain('images not built');
    const docker = container.querySelector('[data-testid="doctor-check-docker"]')!;
    expect(docker.getAttribute('data-status')).toBe('fail');
    expect(docker.textContent).toContain('Start Docker Desktop.');
    expect(container.querySelector('[data-testid="doctor-check-disk"]')!.textContent).not.toContain('Fix');
  });

  it('says "all good" compactly when every prerequisite passes', async () => {
    const fake = fakeClient({
      'scenarios.list': () => [scenario()],
      'doctor.run': () => ({ ok: true, checks: [{ id: 'docker', title: 'Docker engine', status: 'pass', detail: '', fix: '' }] }),
    });
    const { container } = await render(fake);
    expect(container.querySelector('[data-testid="doctor"]')!.textContent).toContain('all good');
  });

  it('shows a listing error with its fix instead of a blank screen', async () => {
    const fake = fakeClient({
      'scenarios.list': () => {
        throw new ApiError('internal', 'scenarios/x/scenario.yaml line 3: title is required', 'Add a title.');
      },
      'doctor.run': () => ({ ok: true, checks: [] }),
    });
    const { container } = await render(fake);
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('title is required');
    expect(alert.textContent).toContain('Add a title.');
    expect(alert.querySelector('button')?.textContent).toBe('Retry');
  });

  it('filters by search as the user types', async () => {
    const fake = fakeClient({
      'scenarios.list': () => [scenario(), scenario({ name: 'storm', title: 'Alert storm', tags: ['alerting'] })],
      'doctor.run': () => ({ ok: true, checks: [] }),
    });
    const { container, store } = await render(fake);
    await act(async () => store.getState().setFilter({ query: 'storm' }));
    expect(container.querySelector('[data-testid="scenario-card-slow-query"]')).toBeNull();
    expect(container.querySelector('[data-testid="scenario-card-storm"]')).not.toBeNull();
    expect((container.querySelector('input[type="search"]') as HTMLInputElement).value).toBe('storm');
  });
});
