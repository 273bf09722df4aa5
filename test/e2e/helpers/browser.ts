/**
 * Launches the system Chromium through playwright-core for end-to-end tests and benchmarks: headless,
 * no sandbox (containers), no GPU, no background networking, and a fresh profile every time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.FIREDRILL_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  userDataDir: string;
  /** Every console error and page error seen so far (tests assert the UI logs none). */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { viewport?: { width: number; height: number }; colorScheme?: 'dark' | 'light'; acceptDownloads?: boolean } = {},
): Promise<LaunchedBrowser> {
  // Playwright rejects --user-data-dir in args: a persistent context with a fresh directory is the same thing.
  const userDataDir = await mkdtemp(join(tmpdir(), 'firedrill-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'dark',
    acceptDownloads: options.acceptDownloads ?? true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    p.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context,
    page,
    userDataDir,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
