/**
 * What the game-day e2e tests share: an API call with a token (the facilitator's or a team's, from this
 * machine's address or a LAN one), and a fresh browser context per person whose page errors are collected.
 */
import type { Browser, Page } from 'playwright-core';
import type { ServeHandle } from './serve';

export function apiCall(serve: ServeHandle, method: string, body: unknown, token = serve.token, origin = serve.baseUrl): Promise<Response> {
  return fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** One person's browser (own cookies and storage); page errors land in `errors` as `<name>: <message>`. */
export async function personPage(browser: Browser, name: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  return page;
}
