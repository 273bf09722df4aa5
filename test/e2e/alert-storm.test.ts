/**
 * alert-storm played in Chromium through the alerts panel, on real Docker (PostgreSQL, Prometheus,
 * Alertmanager, the pager): the storm shows as a dozen alerts and pages, the cause first by start time;
 * the learner rolls back and adds an inhibition rule in the terminal, submits, watches the replay page once
 * with the symptoms inhibited, and the report's timeline shows the pages. Screenshots in test-results/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../helpers/docker-gate';
import { launchBrowser, type LaunchedBrowser } from './helpers/browser';
import { REPO_ROOT, startServe, type ServeHandle } from './helpers/serve';

const RESULTS = join(REPO_ROOT, 'test-results');
const MINUTE = 60_000;

describeDocker('alert-storm end to end (web mode, real sandbox)', () => {
  let serve: ServeHandle;
  let browser: LaunchedBrowser;
  let runId = '';

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    serve = await startServe({});
    browser = await launchBrowser();
    await browser.page.setViewportSize({ width: 1600, height: 1000 });
  });

  afterAll(async () => {
    if (runId) {
      // A resolved run keeps its sandbox until the postmortem is in; an unfinished one is abandoned.
      for (const [method, body] of [
        ['postmortem.submit', { runId, markdown: '# Alert storm\n\n## Root cause\n\nFour replicas × 50 connections exceeded max_connections.\n' }],
        ['runs.abandon', { runId }],
      ] as const) {
        await fetch(`${serve.baseUrl}/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }).catch(() => undefined);
      }
    }
    await browser?.close();
    await serve?.stop();
  });

  const shot = (name: string) => browser.page.screenshot({ path: join(RESULTS, `alert-storm-${name}.png`) });
  const panel = () => browser.page.getByTestId('alerts-panel');
  const typeInTerminal = async (line: string) => {
    await browser.page.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    await browser.page.keyboard.type(`${line}\n`, { delay: 2 });
  };
  const terminalText = async () => (await browser.page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows').textContent()) ?? '';

  it('starts the default variant and pages: a storm of alerts and pages, the cause first by start', async () => {
    const { page } = browser;
    await page.goto(serve.openUrl);
    const card = page.getByTestId('scenario-card-alert-storm');
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: /alert storm/i }).click();
    await page.getByLabel('Variant').selectOption('default');
    await page.getByTestId('start-button').click();
    await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 12 * MINUTE });
    runId = decodeURIComponent(/#\/run\/([^/]+)/.exec(page.url())?.[1] ?? '');
    expect(runId).not.toBe('');

    // The broken checks held (≥ 8 firing, ≥ 5 pages) before the page, so the panel shows the storm.
    await expect.poll(async () => page.getByTestId('alert').count(), { timeout: 2 * MINUTE }).toBeGreaterThanOrEqual(8);
    await expect.poll(async () => Number((await page.getByTestId('page-count').textContent()) ?? '0'), { timeout: MINUTE }).toBeGreaterThanOrEqual(5);
    // By start: the database alert leads the list.
    const first = panel().getByTestId('alerts-by-start').getByTestId('alert').first();
    expect(await first.getAttribute('data-alertname')).toBe('PostgreSQLTooManyConnections');
    await shot('1-storm');

    await panel().getByRole('button', { name: 'By group' }).click();
    await expect.poll(async () => panel().getByTestId('alert-group').count()).toBeGreaterThanOrEqual(8);
    await shot('2-storm-by-group');
    await panel().getByRole('button', { name: 'By start' }).click();
  });

  it('the Prometheus and HTTP panels render: graphs, a query, the customers JSON', async () => {
    const { page } = browser;
    const prometheus = page.getByTestId('prometheus-panel');
    await prometheus.scrollIntoViewIfNeeded();
    await expect.poll(async () => prometheus.locator('svg path').count(), { timeout: MINUTE }).toBeGreaterThan(0);
    await prometheus.getByTestId('promql-input').fill('sum by (usename) (pg_stat_activity_count)');
    await prometheus.getByRole('button', { name: 'Run' }).click();
    await prometheus.getByTestId('promql-result').waitFor({ timeout: 30_000 });
    const customers = page.getByTestId('http-panel-customers');
    await expect.poll(async () => (await customers.textContent()) ?? '', { timeout: 30_000 }).toMatch(/error_rate/);
    await prometheus.screenshot({ path: join(RESULTS, 'alert-storm-3-prometheus-panel.png') });
  });

  it('the fix in the terminal: roll back, add an inhibition rule, push, reload', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: 'Terminal 1' }).waitFor({ timeout: MINUTE });
    await expect.poll(terminalText, { timeout: MINUTE }).toMatch(/[$#]\s*$/m);
    await typeInTerminal('deploy orders v1.0.0');
    await expect.poll(terminalText, { timeout: 5 * MINUTE }).toMatch(/deploy: done/);
    await typeInTerminal(
      "cd /srv/monitoring && printf '%s\\n' '  - source_matchers: [alertname=\"PostgreSQLTooManyConnections\"]' " +
        "'    target_matchers: [severity=\"page\", alertname!=\"PostgreSQLTooManyConnections\"]' '    equal: [env]' >> alertmanager/alertmanager.yml",
    );
    await typeInTerminal('amtool check-config alertmanager/alertmanager.yml && git commit -qam "inhibit symptom pages while the database is full" && git push -q && echo PUSHED');
    await expect.poll(terminalText, { timeout: MINUTE }).toMatch(/PUSHED/);
    await typeInTerminal('reload alertmanager');
    await expect.poll(terminalText, { timeout: 2 * MINUTE }).toMatch(/alertmanager: \w+ -> \w+/);
    // The shop recovers: the storm resolves, and the fix may be submitted.
    await expect.poll(async () => page.getByTestId('submit-button').isEnabled(), { timeout: 6 * MINUTE, intervals: [5000] }).toBe(true);
    await shot('4-recovered');
  });

  it('submit: the replay pages once, the symptoms show as inhibited, the run resolves', async () => {
    const { page } = browser;
    const pagesBefore = Number((await page.getByTestId('page-count').textContent()) ?? '0');
    await page.getByTestId('submit-button').click();
    await page.getByTestId('replay-banner').waitFor({ timeout: MINUTE });
    // Mid-replay: symptoms arrive inhibited by the cause.
    await expect
      .poll(async () => panel().locator('[data-testid="alert"][data-status="inhibited"]').count(), { timeout: 3 * MINUTE, intervals: [3000] })
      .toBeGreaterThanOrEqual(3);
    const inhibited = panel().locator('[data-testid="alert"][data-status="inhibited"]').first();
    expect(await inhibited.getByTestId('inhibited-by').textContent()).toMatch(/PostgreSQLTooManyConnections/);
    await shot('5-replay-inhibited');
    await page.getByTestId('postmortem-editor').waitFor({ timeout: 5 * MINUTE });
    const pagesAfter = Number((await fetchSnapshot()).pager?.pages ?? 0);
    expect(pagesAfter - pagesBefore).toBeLessThanOrEqual(2);
  });

  it("the report's timeline shows the pages", async () => {
    const { page } = browser;
    await page.goto(`${serve.openUrl.split('#')[0]}#/report/${encodeURIComponent(runId)}`);
    await page.getByTestId('report-chart').locator('svg').waitFor({ timeout: MINUTE });
    expect(await page.getByTestId('report-chart').locator('circle.pt-page').count()).toBeGreaterThanOrEqual(5);
    await page.getByTestId('report-chart').screenshot({ path: join(RESULTS, 'alert-storm-6-report-timeline.png') });
    expect(browser.errors).toEqual([]);
  });

  async function fetchSnapshot(): Promise<{ pager: { pages: number } | null; phase: string }> {
    const response = await fetch(`${serve.baseUrl}/api/runs.get`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ runId }),
    });
    return (await response.json()) as { pager: { pages: number } | null; phase: string };
  }
});
