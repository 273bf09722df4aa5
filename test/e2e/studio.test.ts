/**
 * The Studio as a trainer and a colleague live it, in web mode with real Docker (the "done when"):
 * create a pack from the UI → introduce a typo and see the diagnostic at the right line → fix it → "Test this
 * pack" to green → export the archive → import it as another user's install (seeing what it runs) → the catalog
 * shows it with its version → play it from the catalog to live.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../helpers/docker-gate';
import { launchBrowser, type LaunchedBrowser } from './helpers/browser';
import { REPO_ROOT, startServe, type ServeHandle } from './helpers/serve';

const RESULTS = join(REPO_ROOT, 'test-results');
const PACK = 'e2e-studio-pack';

describeDocker('the Studio end to end (web mode, real Docker)', () => {
  let author: ServeHandle;
  let colleague: ServeHandle;
  let browser: LaunchedBrowser;
  let archivePath = '';
  let runId = '';

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    author = await startServe();
    colleague = await startServe();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    if (runId) {
      await fetch(`${colleague.baseUrl}/api/runs.abandon`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${colleague.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ runId }),
      }).catch(() => undefined);
    }
    await browser?.close();
    await author?.stop();
    await colleague?.stop();
  });

  const shot = (name: string) => browser.page.screenshot({ path: join(RESULTS, `studio-${name}.png`), fullPage: true });

  it('creates a pack from the UI, shows a typo at its line, and goes back to valid when it is fixed', async () => {
    const { page } = browser;
    await page.goto(author.openUrl);
    await page.getByRole('button', { name: 'Studio' }).click();
    await page.getByLabel('New pack name').fill(PACK);
    await page.getByLabel('Template').selectOption('minimal');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('studio-diagnostics-empty').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.url()).toContain(`#/studio/${PACK}`);
    await page.locator('.cm-content').waitFor();

    // The line the typo goes on, as the file on disk has it.
    const text = await readFile(join(author.home, 'scenarios', PACK, 'scenario.yaml'), 'utf8');
    // A line near the top, so CodeMirror has it on screen (it renders only the visible lines).
    const line = text.split('\n').findIndex((l) => l.trim() === 'difficulty: beginner') + 1;
    expect(line).toBeGreaterThan(1);
    await page.locator('.cm-line', { hasText: /^\s*difficulty: beginner$/ }).click();
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    const problems = page.getByTestId('studio-diagnostics');
    await expect.poll(async () => (await problems.textContent().catch(() => '')) ?? '', { timeout: 15_000 }).toMatch(
      new RegExp(`scenario\\.yaml:${line}:\\d+.*beginnerx.*\\(at metadata\\.difficulty\\)`),
    );
    await page.locator('.cm-lintRange-error').first().waitFor();
    await shot('1-typo');

    await page.keyboard.press('Backspace');
    await page.getByTestId('studio-diagnostics-empty').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('studio-validity').textContent()).toBe('valid');

    // The preview shows the briefing as the learner will read it.
    await page.getByTestId('studio-preview').locator('summary').click();
    await expect.poll(async () => (await page.getByTestId('studio-preview').textContent()) ?? '').toMatch(/CheckoutErrors[\s\S]*lab op restart-web/);
  });

  it('"Test this pack" streams its phases to green', { timeout: 600_000 }, async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Test this pack' }).click();
    await page.locator('[data-testid="studio-test"][data-state="running"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="studio-phase-prepare"][data-ok="true"]').waitFor({ timeout: 480_000 });
    await page.locator('[data-testid="studio-test"]:not([data-state="running"])').waitFor({ timeout: 480_000 });
    await shot('2-tested');
    const rows = await page.locator('[data-testid^="studio-phase-"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-testid')}:${e.getAttribute('data-ok')}`));
    expect(rows).toEqual(['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'].map((p) => `studio-phase-${p}:true`));
    expect(await page.getByTestId('studio-test').getAttribute('data-state')).toBe('passed');
  });

  it('exports the pack as a .firedrill archive', async () => {
    const { page } = browser;
    await page.getByLabel('Export version').fill('1.2.0');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toBe(`${PACK}-1.2.0.firedrill`);
    archivePath = join(RESULTS, download.suggestedFilename());
    await download.saveAs(archivePath);
    expect((await readFile(archivePath)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('another user imports it (after seeing what it runs), finds it in the catalog with its version, and plays it', { timeout: 600_000 }, async () => {
    const { page } = browser;
    await page.goto(colleague.openUrl);
    await page.getByRole('button', { name: 'Studio' }).click();
    await page.getByLabel('Pack archive to import').setInputFiles(archivePath);
    const consent = page.getByTestId('import-consent');
    await consent.waitFor({ timeout: 30_000 });
    expect(await consent.textContent()).toMatch(new RegExp(`${PACK} 1\\.2\\.0[\\s\\S]*service web: image app, no extra capabilities[\\s\\S]*network lab: no route out`));
    await shot('3-consent');
    await page.getByRole('button', { name: 'Install' }).click();
    await expect.poll(async () => (await page.getByTestId('studio-notice').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toMatch(/Installed e2e-studio-pack 1\.2\.0/);

    await page.getByRole('button', { name: 'Scenarios' }).click();
    const card = page.getByTestId(`scenario-card-${PACK}`);
    await card.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId(`scenario-source-${PACK}`).textContent()).toBe(`installed v1.2.0 from ${PACK}-1.2.0.firedrill`);
    await shot('4-catalog');
    await card.getByRole('button').first().click();
    await page.getByTestId('start-button').click();
    await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 300_000 });
    runId = decodeURIComponent(/#\/run\/([^/]+)/.exec(page.url())?.[1] ?? '');
    expect(runId).not.toBe('');
    await shot('5-playing');
    // Docker creating a bridge network makes Chromium abort requests in flight (net::ERR_NETWORK_CHANGED); the
    // UI polls again. Any other console error is a bug.
    expect(browser.errors.filter((e) => !e.includes('net::ERR_NETWORK_CHANGED'))).toEqual([]);
  });
});
