/**
 * Game-day mode end to end (issue 17), in Chromium against `firedrill serve` and real Docker: the facilitator
 * starts a game with two teams (the fixture pack and slow-query) from the console; each team opens its join
 * link in its own browser. A team's token cannot reach the other team's run or terminals (checked at the
 * API, from the team's own browser); a fault injected into one team shows on that team's board only; a
 * broadcast reaches both teams' live views; the kill switch leaves nothing labelled; the debrief shows both
 * timelines. Screenshots land in test-results/.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDockerClient } from '../../sandbox/docker/client.js';
import { describeDocker } from '../helpers/docker-gate';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './helpers/browser';
import { apiCall, personPage } from './helpers/game';
import { REPO_ROOT, startServe, type ServeHandle } from './helpers/serve';

const RESULTS = join(REPO_ROOT, 'test-results');
// The second team plays slow-query. Its steady state (checkout p95 under 150 ms) cannot hold on a machine
// whose load is far beyond its cores; FIREDRILL_E2E_GAME_SECOND_PACK=fixture runs the same test there.
const SECOND_PACK = process.env.FIREDRILL_E2E_GAME_SECOND_PACK ?? 'slow-query';

describeDocker('game day end to end (web mode, two teams, real sandboxes)', () => {
  let serve: ServeHandle;
  let browser: Browser;
  let facilitator: Page;
  const teams: Record<'red' | 'blue', { page: Page; token: string; runId: string }> = {} as never;
  let gameId = '';
  let injectedStep = '';
  const errors: string[] = [];
  const docker = createDockerClient();

  const api = (method: string, body: unknown, token?: string) => apiCall(serve, method, body, token);

  const newPage = (name: string) => personPage(browser, name, errors);

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    serve = await startServe({
      prepareHome: async (home) => {
        await cp(join(REPO_ROOT, 'test/fixtures/scenarios/fixture'), join(home, 'scenarios', 'fixture'), { recursive: true });
        await writeFile(
          join(home, 'drill.game.yaml'),
          [
            'apiVersion: firedrill/v1',
            'kind: Game',
            'metadata: { name: e2e-drill, title: Two-team drill }',
            'timeBox: 30m',
            'deadMansSwitch: { ttl: 10m }',
            'teams:',
            '  - { id: red, name: Red team, members: [alice, bob], roles: { incidentCommander: alice }, scenario: fixture }',
            `  - { id: blue, name: Blue team, members: [carol], scenario: ${SECOND_PACK}, variant: default, seed: 1 }`,
            '',
          ].join('\n'),
        );
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    facilitator = await newPage('facilitator');
  });

  afterAll(async () => {
    if (gameId) await api('game.kill', {}).catch(() => undefined);
    await browser?.close();
    await serve?.stop();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `game-day-${name}.png`) });

  it('the facilitator starts both teams from the console and watches them go live', async () => {
    await facilitator.goto(serve.openUrl);
    await facilitator.getByRole('button', { name: 'Game day' }).click();
    await facilitator.getByTestId('game-path').fill(join(serve.home, 'drill.game.yaml'));
    await facilitator.getByTestId('game-start').click();
    await facilitator.getByTestId('team-board-red').waitFor({ timeout: 30_000 });
    await shot(facilitator, '1-starting');
    // Both live; a team that failed ends the wait at once, with its error.
    for (const team of ['red', 'blue']) {
      const card = facilitator.locator(
        ['live', 'failed', 'teardown', 'ended'].map((phase) => `[data-testid="team-board-${team}"][data-phase="${phase}"]`).join(', '),
      );
      await card.waitFor({ timeout: 540_000 });
      expect(await card.getAttribute('data-phase'), (await card.textContent()) ?? '').toBe('live');
    }
    const board = (await (await api('game.board', {})).json()) as { id: string; teams: { id: 'red' | 'blue'; runId: string; joinPath: string }[] };
    gameId = board.id;
    for (const team of board.teams) {
      const href = await facilitator.getByTestId(`join-link-${team.id}`).getAttribute('href');
      expect(href).toBe(`${serve.baseUrl}${team.joinPath}`);
      const token = decodeURIComponent(/token=([^#&]+)/.exec(href!)![1]!);
      teams[team.id] = { page: await newPage(team.id), token, runId: team.runId };
    }
    expect(teams.red.token).not.toBe(teams.blue.token);
    expect(teams.red.token).not.toBe(serve.token);
    await shot(facilitator, '2-live');
  });

  it("each team joins with its link and lands in its own live run", async () => {
    for (const name of ['red', 'blue'] as const) {
      const { page, token, runId } = teams[name];
      await page.goto(`${serve.baseUrl}/?token=${encodeURIComponent(token)}#/run/${encodeURIComponent(runId)}`);
      await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 60_000 });
      await page.getByRole('tab', { name: 'Terminal 1' }).waitFor({ timeout: 60_000 });
      await shot(page, `3-${name}-live`);
    }
  });

  it("a team's join link cannot see the other team's run or terminals (checked at the API, from its browser)", async () => {
    const { page, token } = teams.red;
    const blueRun = teams.blue.runId;
    // From the red team's own browser, with the token its page holds.
    const statuses = await page.evaluate(
      async ({ token, blueRun }) => {
        const call = async (method: string, body: unknown) =>
          (await fetch(`/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status;
        return {
          ownRun: await call('runs.get', { runId: (location.hash.split('/')[2] ?? '') }),
          otherRun: await call('runs.get', { runId: blueRun }),
          otherTerminal: await call('terminals.open', { runId: blueRun }),
          otherPostmortem: await call('postmortem.draft', { runId: blueRun }),
          board: await call('game.board', {}),
          kill: await call('game.kill', {}),
          history: await call('history.list', {}),
        };
      },
      { token, blueRun },
    );
    expect(statuses).toEqual({ ownRun: 200, otherRun: 403, otherTerminal: 403, otherPostmortem: 403, board: 403, kill: 403, history: 403 });
    // The blue team's terminal ids cannot be attached to from red's token either.
    const blueTerminal = `${blueRun}:1`;
    const socketAnswer = await page.evaluate(
      async ({ token, blueTerminal }) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws/terminal?token=${encodeURIComponent(token)}`);
          ws.onopen = () => ws.send(JSON.stringify({ type: 'attach', terminal: blueTerminal }));
          ws.onmessage = (m) => {
            resolve(String(m.data));
            ws.close();
          };
          setTimeout(() => resolve('no answer'), 5000);
        }),
      { token, blueTerminal },
    );
    expect(JSON.parse(socketAnswer)).toEqual({ type: 'error', code: 'unknown-terminal', message: 'team red may only reach its own run' });
    // And the UI shows an error, not the other run, when red opens blue's run by URL.
    await page.goto(`${serve.baseUrl}/#/run/${encodeURIComponent(blueRun)}`);
    await page.getByTestId('error').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('live-view').count()).toBe(0);
    await page.goto(`${serve.baseUrl}/#/run/${encodeURIComponent(teams.red.runId)}`);
    await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 60_000 });
  });

  it("an injected fault shows on the right team's board only", async () => {
    type Board = { teams: { id: string; faultsApplied: string[]; injectable: { steps: string[] } }[] };
    const before = (await (await api('game.board', {})).json()) as Board;
    const blue = before.teams.find((t) => t.id === 'blue')!;
    const red = before.teams.find((t) => t.id === 'red')!;
    // A step the team has not had yet (slow-query: its other variant's failed migration), else its own again.
    const step = blue.injectable.steps.find((s) => !blue.faultsApplied.includes(s)) ?? blue.injectable.steps[0]!;
    await facilitator.getByTestId('inject-select-blue').selectOption(`step:${step}`);
    await facilitator.getByTestId('inject-blue').click();
    await expect.poll(async () => facilitator.getByTestId('inject-result').textContent(), { timeout: 60_000 }).toBe(`blue: injected ${step}`);
    await expect.poll(async () => facilitator.getByTestId('team-faults-blue').textContent(), { timeout: 10_000 }).toBe([...blue.faultsApplied, step].join(', '));
    expect(await facilitator.getByTestId('team-faults-red').textContent()).toBe(red.faultsApplied.join(', '));
    const after = (await (await api('game.board', {})).json()) as Board;
    expect(after.teams.find((t) => t.id === 'red')!.faultsApplied).toEqual(red.faultsApplied);
    injectedStep = step;
    await shot(facilitator, '4-injected');
  });

  it('a broadcast reaches both teams', async () => {
    await facilitator.getByTestId('broadcast-input').fill('Status update due to stakeholders in 5 minutes');
    await facilitator.getByTestId('broadcast-send').click();
    for (const name of ['red', 'blue'] as const) {
      const banner = teams[name].page.getByTestId('broadcast-banner');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toContain('Status update due to stakeholders in 5 minutes');
      await shot(teams[name].page, `5-${name}-broadcast`);
    }
  });

  it('the kill switch leaves nothing labelled, and the debrief shows both timelines', async () => {
    await facilitator.getByTestId('kill-switch').click();
    const report = facilitator.getByTestId('kill-report');
    await report.waitFor({ timeout: 120_000 });
    expect(await report.textContent()).toMatch(/nothing left behind/);
    const filters = JSON.stringify({ label: [`firedrill.game=${gameId}`] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    for (const { runId } of Object.values(teams)) {
      expect(await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`firedrill.run=${runId}`] }) })).toEqual([]);
    }
    const debrief = facilitator.getByTestId('debrief');
    await debrief.waitFor({ timeout: 30_000 });
    for (const { runId } of Object.values(teams)) {
      const column = facilitator.getByTestId(`debrief-${runId}`);
      const text = (await column.textContent()) ?? '';
      expect(text).toMatch(/page: Paged/);
      expect(text).toMatch(/facilitator: broadcast: Status update/);
      expect(text).toMatch(/facilitator: kill-switch/);
      expect(text).toMatch(/ended \(abandoned\)/);
    }
    const blueDebrief = (await facilitator.getByTestId(`debrief-${teams.blue.runId}`).textContent()) ?? '';
    expect(blueDebrief).toContain(`facilitator: inject ${injectedStep}`);
    expect(blueDebrief).toContain(`fault: ${injectedStep} applied`);
    // The kill switch ran the fixture's revert before removing red's sandbox.
    expect(await facilitator.getByTestId(`debrief-${teams.red.runId}`).textContent()).toContain('fault: maintenance-on reverted');
    await shot(facilitator, '6-debrief');
    expect(errors).toEqual([]);
  });
});
