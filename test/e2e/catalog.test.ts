/**
 * Web mode without Docker: `firedrill serve` serves the built UI; the catalog lists the scenarios with
 * prerequisites on top; the token leaves the address bar; a reload keeps working; keyboard reaches a card.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from './helpers/browser';
import { REPO_ROOT, startServe, type ServeHandle } from './helpers/serve';

const RESULTS = `${REPO_ROOT}/test-results`;

describe('catalog in web mode', () => {
  let serve: ServeHandle;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    serve = await startServe();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('shows every scenario, the prerequisites, and drops the token from the address bar', async () => {
    const { page } = browser;
    await page.goto(serve.openUrl);
    const card = page.getByTestId('scenario-card-slow-query');
    await card.waitFor({ timeout: 20_000 });
    await expect(card.getByRole('heading')).toBeDefined();
    expect(await card.textContent()).toMatch(/slow/i);
    await page.getByTestId('doctor').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid^="doctor-check-"]').count()).toBeGreaterThan(0);
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: `${RESULTS}/catalog.png`, fullPage: true });

    // A reload still works: the token is kept in sessionStorage.
    await page.reload();
    await page.getByTestId('scenario-card-slow-query').waitFor({ timeout: 20_000 });

    // Search filters; "/" focuses the search box from anywhere.
    // Click the page's corner, not its centre: with several packs a scenario card sits in the middle.
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('/');
    await page.keyboard.type('no-such-scenario-xyz');
    await page.getByText('No scenario matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('scenario-card-slow-query').waitFor();

    // Keyboard: Tab reaches the card's button, Enter opens the briefing.
    await page.getByTestId('scenario-card-slow-query').getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('start-button').waitFor({ timeout: 20_000 });
    expect(page.url()).toContain('#/scenario/slow-query');
    await page.screenshot({ path: `${RESULTS}/briefing.png`, fullPage: true });
    expect(browser.errors).toEqual([]);
  });

  it('a new tab on the plain URL works through the cookie; without it the server explains how to get in', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${serve.baseUrl}/#/history`);
    await page.getByTestId('history').waitFor({ timeout: 20_000 });
    await page.close();
    const response = await fetch(`${serve.baseUrl}/api/doctor.run`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).toMatch(/firedrill serve/);
  });
});
