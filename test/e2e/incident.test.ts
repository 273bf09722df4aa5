/**
 * The acceptance test, as a learner lives it in web mode with a real Docker sandbox:
 * catalog → briefing → start the fixture scenario (real progress) → live view (alerts, health, timeline,
 * "Check my fix" before the fix) → fix it by typing in the real terminal → resolved → postmortem with live
 * feedback → submit → score report with chart and replay → Export HTML opens offline → history.
 * A screenshot of every screen lands in test-results/.
 */
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../helpers/docker-gate';
import { launchBrowser, type LaunchedBrowser } from './helpers/browser';
import { REPO_ROOT, startServe, type ServeHandle } from './helpers/serve';

const RESULTS = join(REPO_ROOT, 'test-results');
const FIXTURE = join(REPO_ROOT, 'test/fixtures/scenarios/fixture');

describeDocker('incident end to end (web mode, real sandbox)', () => {
  let serve: ServeHandle;
  let browser: LaunchedBrowser;
  let runId = '';

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    serve = await startServe({
      prepareHome: async (home) => {
        await cp(FIXTURE, join(home, 'scenarios', 'fixture'), { recursive: true });
      },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    if (runId && browser) {
      // Leave nothing running: abandon through the API if the test stopped half-way.
      await fetch(`${serve.baseUrl}/api/runs.abandon`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ runId }),
      }).catch(() => undefined);
    }
    await browser?.close();
    await serve?.stop();
  });

  const shot = (name: string) => browser.page.screenshot({ path: join(RESULTS, `incident-${name}.png`) });

  const terminalFrames: string[] = [];

  it('catalog → briefing → start with real progress → live', async () => {
    const { page } = browser;
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/ws/terminal')) return;
      ws.on('framesent', (f) => terminalFrames.push(`> ${String(f.payload).slice(0, 120)}`));
      ws.on('framereceived', (f) => {
        const text = String(f.payload);
        if (!text.includes('"stdout"')) terminalFrames.push(`< ${text.slice(0, 160)}`);
      });
    });
    await page.goto(serve.openUrl);
    const card = page.getByTestId('scenario-card-fixture');
    await card.waitFor({ timeout: 30_000 });
    await shot('1-catalog');
    await card.getByRole('button', { name: 'Maintenance mode left on' }).click();
    await page.getByTestId('start-button').click();
    await page.getByTestId('progress').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    await shot('2-starting');
    await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 300_000 });
    runId = decodeURIComponent(/#\/run\/([^/]+)/.exec(page.url())?.[1] ?? '');
    expect(runId).not.toBe('');
  });

  it('live view: terminal, alerts, health, timeline, hints, check my fix shows what holds', async () => {
    const { page } = browser;
    await page.getByTestId('alerts-panel').waitFor();
    await page.getByTestId('health-panel').waitFor();
    await page.getByTestId('timeline').waitFor();
    await page.getByRole('tab', { name: 'Terminal 1' }).waitFor({ timeout: 60_000 });
    // The shell is attached when the prompt shows up in xterm's rows.
    const rows = page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows');
    await expect.poll(async () => (await rows.textContent()) ?? '', { timeout: 60_000 }).toMatch(/[$#]\s*$/m);

    await page.getByTestId('check-fix-button').click();
    const results = page.getByTestId('check-fix-results');
    await expect.poll(async () => (await results.textContent()) ?? '', { timeout: 60_000 }).toMatch(/hold/);
    expect(await results.textContent()).toMatch(/0\/\d+ hold/);
    await expect.poll(async () => (await page.getByTestId('health-panel').textContent()) ?? '', { timeout: 60_000 }).toMatch(/failing/);
    await shot('3-live');

    await page.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    await page.keyboard.type('curl -s http://api:8080/health; echo\n', { delay: 5 });
    await expect.poll(async () => (await rows.textContent()) ?? '', { timeout: 30_000 }).toMatch(/maint/i);
    await shot('4-investigating');
  });

  it("the shell's size follows the terminal on screen (long command lines wrap where xterm wraps)", async () => {
    const { page } = browser;
    const rows = page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows');
    await page.keyboard.type('stty size\n', { delay: 5 });
    const visibleRows = await page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows > div').count();
    await expect
      .poll(async () => (await rows.textContent()) ?? '', { timeout: 10_000, message: `terminal frames (no stdout):\n${terminalFrames.filter((f) => !f.includes('"stdin"')).join('\n')}` })
      // Rows' text runs together ("stty size47 123"): no word boundary before the number.
      .toMatch(new RegExp(`stty size\\s*${visibleRows} \\d+`));
  });

  it('a new terminal tab is a real shell: `echo hello` prints hello', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Open a new terminal' }).click();
    await expect.poll(() => page.getByRole('tab').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await page.getByRole('tab').last().click();
    const rows = page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows');
    await expect.poll(async () => (await rows.textContent()) ?? '', { timeout: 30_000 }).toMatch(/[#$]\s*$/);
    await page.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    await page.keyboard.type('echo hello\n', { delay: 5 });
    await expect.poll(async () => (await rows.textContent()) ?? '', { timeout: 15_000 }).toMatch(/echo hello\s*hello/);
    await shot('4b-second-terminal');
    // Back to the first terminal, with the keyboard in it for the next step.
    await page.getByRole('tab').first().click();
    await page.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
  });

  it('fixing it in the terminal resolves the incident and opens the postmortem editor', async () => {
    const { page } = browser;
    await page.keyboard.type("curl -fsS -X POST 'http://api:8080/admin/maintenance?state=off'; echo\n", { delay: 5 });
    // The live view shows the banner, then the editor opens with its own banner.
    await page.getByTestId('resolved-banner').waitFor({ timeout: 120_000 });
    await page.getByTestId('postmortem-editor').waitFor({ timeout: 30_000 });
    expect(page.url()).toContain('/postmortem');
  });

  it('postmortem: draft, live feedback per criterion, submit', async () => {
    const { page } = browser;
    const editor = page.getByLabel('Postmortem markdown');
    await expect.poll(async () => (await editor.inputValue()).length, { timeout: 30_000 }).toBeGreaterThan(20);
    const feedback = page.getByTestId('postmortem-feedback');
    await expect.poll(async () => await feedback.locator('[data-testid^="criterion-"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const before = (await feedback.locator('.count').textContent()) ?? '';
    await editor.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(
      '\n\n## Root cause\n\nThe API was left in maintenance mode: the maintenance flag stayed on after a deploy, so /health answered 503.\n\n' +
        '## Action items\n\n- [ ] Alert when the maintenance flag stays on for more than 10 minutes — owner: platform team\n',
    );
    await expect.poll(async () => (await feedback.locator('.count').textContent()) ?? '', { timeout: 15_000 }).not.toBe(before);
    await expect.poll(async () => (await feedback.locator('.count').textContent()) ?? '', { timeout: 15_000 }).not.toMatch(/grading/);
    await shot('5-postmortem');
    await page.getByTestId('submit-postmortem').click();
    await page.getByTestId('score-troubleshooting').waitFor({ timeout: 60_000 });
  });

  it('score report: both scores with criteria, chart, replay, exports', async () => {
    const { page } = browser;
    await page.getByTestId('score-postmortem').waitFor();
    expect(await page.getByTestId('score-troubleshooting').locator('[data-testid^="criterion-"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('score-postmortem').locator('[data-testid^="criterion-"]').count()).toBeGreaterThan(0);
    await page.getByTestId('report-chart').locator('svg').waitFor();

    // A facilitator overrides the postmortem's root-cause points with a note: both scores show side by side.
    const postmortem = page.getByTestId('score-postmortem');
    const automatic = (await postmortem.locator('.score-big').textContent()) ?? '';
    await postmortem.getByRole('button', { name: 'Override Root cause' }).click();
    const form = page.getByTestId('review-form-root-cause');
    await form.getByLabel('Reviewed points for Root cause').fill('30');
    await form.getByLabel('Reviewer').fill('Ana (facilitator)');
    await form.getByLabel('Review note').fill('The cause is right, in the learner’s own words.');
    await form.getByRole('button', { name: 'Save review' }).click();
    await page.getByTestId('score-postmortem-reviewed').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('score-postmortem-reviewed').textContent()).toContain(`automatic ${automatic.split('/')[0]!.trim()}`);
    expect(await page.getByTestId('reviewed-root-cause').textContent()).toMatch(/→ 30\//);
    await postmortem.getByText('Reviewed by Ana (facilitator)').waitFor();
    await page.getByTestId('cast-player').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /^Play terminal/ }).click();
    await page.waitForTimeout(1500);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('6-report');
    await page.screenshot({ path: join(RESULTS, 'incident-6-report-full.png'), fullPage: true });

    const bundleHref = await page.getByTestId('export-bundle').getAttribute('href');
    expect(bundleHref).toContain(`/files/${encodeURIComponent(runId)}/bundle.tar.gz`);
    const bundle = await fetch(new URL(bundleHref!, serve.baseUrl));
    expect(bundle.status).toBe(200);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
    const saved = join(RESULTS, 'incident-report.html');
    await download.saveAs(saved);
    const html = await readFile(saved, 'utf8');
    expect(html).toContain('Maintenance mode left on');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Reviewed by Ana (facilitator)');
    expect(html).toContain('<th>Automatic</th><th>Reviewed</th>');

    // The exported file opens offline from file:// and loads nothing from anywhere.
    const offline = await browser.context.newPage();
    const requests: string[] = [];
    offline.on('request', (request) => requests.push(request.url()));
    await browser.context.setOffline(true);
    try {
      await offline.goto(`file://${saved}`);
      await offline.getByRole('heading', { name: 'Maintenance mode left on', exact: true }).waitFor();
      expect(await offline.locator('svg.fd-chart').count()).toBe(1);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      await offline.screenshot({ path: join(RESULTS, 'incident-7-exported-report.png'), fullPage: true });
    } finally {
      await browser.context.setOffline(false);
      await offline.close();
    }
  });

  it('history lists the attempt and reopens its report', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'History' }).click();
    const row = page.getByTestId(`history-${runId}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('reviewed');
    await shot('8-history');
    await row.getByRole('button', { name: 'Open report' }).click();
    await page.getByTestId('score-troubleshooting').waitFor();
    expect(browser.errors).toEqual([]);
  });
});
