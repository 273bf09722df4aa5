/**
 * Renderer benchmarks, against a running `firedrill serve` (baseUrl = the URL it prints, token included):
 *  - renderer.bundleGzip: the built UI (dist/renderer/assets, JS + CSS), gzip-compressed. Target < 1 MB.
 *  - renderer.firstCatalogRender: navigation start → first scenario card in the DOM, cold cache,
 *    headless Chromium, 5 loads. Target < 1 s.
 *  - renderer.liveFrameTime: requestAnimationFrame deltas on the live view while the terminal streams
 *    ~5 s of output (a real run of the smallest runnable scenario, abandoned afterwards). Target: no
 *    frame > 50 ms. Needs Docker; skipped with a note on stderr when no run can start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { packageRoot } from '../main/platform/package-root.js';
import { summarize, type Figure } from './stats.js';


const CHROMIUM = process.env.FIREDRILL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const LOADS = 5;
const STREAM_MS = 5000;

const FIRST_CARD_SCRIPT = `
  const observer = new MutationObserver(() => {
    if (window.__firstCard === undefined && document.querySelector('[data-testid^="scenario-card-"]')) {
      window.__firstCard = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });`;
const PROMPT_SHOWN = `/[$#]\\s*$/m.test(document.querySelector('[role="tabpanel"]:not([hidden]) .xterm-rows')?.textContent ?? '')`;
const START_FRAMES = `(() => {
  window.__frames = [];
  window.__sampling = true;
  let last = performance.now();
  const tick = (now) => {
    window.__frames.push(now - last);
    last = now;
    if (window.__sampling) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;
const LIST_TIME = `(() => { const e = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/scenarios.list')); return e ? e.responseEnd - e.startTime : -1; })()`;
const STOP_FRAMES = `(() => { window.__sampling = false; return window.__frames.slice(1); })()`;

const note = (text: string) => process.stderr.write(`bench renderer: ${text}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The repository root, from dist/test-bench/renderer.js or test-bench/renderer.ts alike. */
export function bundleGzipBytes(distDir = join(packageRoot(), 'dist/renderer')): { gzip: number; raw: number; files: number } {
  const assets = join(distDir, 'assets');
  let gzip = 0;
  let raw = 0;
  let files = 0;
  for (const name of readdirSync(assets)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const bytes = readFileSync(join(assets, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    files += 1;
  }
  const html = readFileSync(join(distDir, 'index.html'));
  return { gzip: gzip + gzipSync(html).length, raw: raw + html.length, files };
}

async function api<T>(base: URL, token: string, method: string, body: unknown = {}): Promise<T> {
  const response = await fetch(new URL(`/api/${method}`, base), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(`${method}: ${json.error?.message ?? response.status}`);
  return json;
}

async function firstCatalogRender(context: BrowserContext, openUrl: string): Promise<{ samples: number[]; apiTimes: number[] }> {
  const samples: number[] = [];
  const apiTimes: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    // Stamp the moment the first card is attached, relative to navigation start. (Page scripts are
    // strings: this file compiles without DOM types.)
    await page.addInitScript({ content: FIRST_CARD_SCRIPT });
    await page.goto(openUrl);
    await page.waitForFunction('window.__firstCard !== undefined', null, { timeout: 30_000 });
    samples.push(Number(await page.evaluate('window.__firstCard')));
    apiTimes.push(Number(await page.evaluate(LIST_TIME)));
    await page.close();
  }
  return { samples, apiTimes };
}

interface ScenarioSummary {
  name: string;
  runnable: boolean;
  estimatedMinutes: number;
}

async function liveFrameTimes(page: Page, base: URL, token: string): Promise<{ deltas: number[]; scenario: string }> {
  const scenarios = await api<ScenarioSummary[]>(base, token, 'scenarios.list');
  const candidates = scenarios.filter((s) => s.runnable).sort((a, b) => a.estimatedMinutes - b.estimatedMinutes);
  const scenario = candidates.find((s) => s.name === 'fixture') ?? candidates[0];
  if (!scenario) throw new Error('no runnable scenario');
  const { runId } = await api<{ runId: string }>(base, token, 'runs.start', { scenario: scenario.name });
  try {
    await page.goto(`${base.origin}/?token=${encodeURIComponent(token)}#/run/${encodeURIComponent(runId)}`);
    await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 600_000 });
    await page.waitForFunction(PROMPT_SHOWN, null, { timeout: 60_000 });
    await page.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    // Let the view settle, then stream output for STREAM_MS while sampling frames.
    await page.waitForTimeout(500);
    await page.evaluate(START_FRAMES);
    const seconds = Math.ceil(STREAM_MS / 1000);
    await page.keyboard.type(
      `end=$((SECONDS+${seconds})); i=0; while [ $SECONDS -lt $end ]; do i=$((i+1)); echo "line $i $(date +%T.%N) the quick brown fox jumps over the lazy dog"; done\n`,
    );
    await page.waitForTimeout(STREAM_MS + 500);
    const deltas = (await page.evaluate(STOP_FRAMES)) as number[];
    return { deltas, scenario: scenario.name };
  } finally {
    await api(base, token, 'runs.abandon', { runId }).catch((error: unknown) => note(`abandon ${runId}: ${String(error)}`));
  }
}

export async function benchRenderer(opts: { baseUrl: string }): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const bundle = bundleGzipBytes();
  figures['renderer.bundleGzip'] = {
    median: round(bundle.gzip / 1024),
    unit: 'KiB',
    note: `${bundle.files} JS/CSS assets + index.html, ${round(bundle.raw / 1024)} KiB before gzip; target < 1024 KiB`,
  };

  const base = new URL(opts.baseUrl);
  const token = base.searchParams.get('token') ?? '';
  const openUrl = `${base.origin}/?token=${encodeURIComponent(token)}`;
  const userDataDir = mkdtempSync(join(tmpdir(), 'firedrill-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
    // The probes below are strings (this file has no DOM types); the page's CSP forbids string eval.
    bypassCSP: true,
  });
  try {
    const { samples: renders, apiTimes } = await firstCatalogRender(context, openUrl);
    figures['renderer.firstCatalogRender'] = summarize(
      renders,
      'ms',
      `navigation start to first scenario card, cold cache (of which scenarios.list takes ${summarize(apiTimes, 'ms').median} ms median); target < 1000 ms`,
    );
    try {
      const page = await context.newPage();
      const { deltas, scenario } = await liveFrameTimes(page, base, token);
      figures['renderer.liveFrameTime'] = summarize(
        deltas,
        'ms',
        `rAF deltas on the live view (${scenario}) while the terminal streams output for ${STREAM_MS / 1000} s; ${deltas.filter((d) => d > 50).length} frame(s) > 50 ms; target: none`,
      );
    } catch (error) {
      note(`live frame time skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return figures;
}
