/**
 * Game-day mode as a team lives it (issue 17), in Chromium against `firedrill serve --host 0.0.0.0` and real
 * Docker. The "LAN" is a Docker network this test creates (internal: no route anywhere): its gateway is an
 * address of this machine that is not loopback, as a Wi-Fi address would be. The facilitator's console
 * hands out join links on that address; two members of the red team join from two browsers and share
 * the terminal; the facilitator pauses and extends the clock and every team sees it. Screenshots land in
 * test-results/.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDockerClient } from '../../sandbox/docker/client.js';
import { describeDocker } from '../helpers/docker-gate';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './helpers/browser';
import { apiCall, personPage } from './helpers/game';
import { REPO_ROOT, startServe, type ServeHandle } from './helpers/serve';

const RESULTS = join(REPO_ROOT, 'test-results');
const LAN_LABEL = 'firedrill.test';

describeDocker('game day for a team (LAN join, shared terminal, clock)', () => {
  let serve: ServeHandle;
  let browser: Browser;
  let facilitator: Page;
  let lanOrigin = '';
  let lanNetwork = '';
  let lanPeer = '';
  let gameId = '';
  const runs: Record<'red' | 'blue', { runId: string; token: string; joinHref: string }> = {} as never;
  const members: Record<string, Page> = {};
  const errors: string[] = [];
  const docker = createDockerClient();

  const api = (method: string, body: unknown, token?: string, origin?: string) => apiCall(serve, method, body, token, origin);

  const newPage = (name: string) => personPage(browser, name, errors);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `game-day-team-${name}.png`) });

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    // The LAN stand-in: created before the server so its address is among the server's interfaces.
    const network = await docker.createNetwork({
      Name: `fd-e2e-lan-${process.pid}`,
      Internal: true,
      Labels: { [LAN_LABEL]: 'game-day-team' },
    });
    lanNetwork = network.id;
    // A bridge without a container on it has no carrier, and a down interface is no address of this machine.
    const peer = await docker.createContainer({
      Image: 'debian:bookworm',
      Cmd: ['sleep', 'infinity'],
      Labels: { [LAN_LABEL]: 'game-day-team' },
      HostConfig: { NetworkMode: `fd-e2e-lan-${process.pid}` },
    });
    lanPeer = peer.id;
    await peer.start();
    const gateway = ((await network.inspect()) as { IPAM: { Config: { Gateway?: string }[] } }).IPAM.Config[0]?.Gateway;
    if (!gateway) throw new Error('the test network has no gateway address');
    serve = await startServe({
      args: ['--host', '0.0.0.0'],
      prepareHome: async (home) => {
        await cp(join(REPO_ROOT, 'test/fixtures/scenarios/fixture'), join(home, 'scenarios', 'fixture'), { recursive: true });
        await writeFile(
          join(home, 'team.game.yaml'),
          [
            'apiVersion: firedrill/v1',
            'kind: Game',
            'metadata: { name: e2e-team, title: Team drill }',
            'scenario: fixture',
            'timeBox: 30m',
            'deadMansSwitch: { ttl: 10m }',
            'comms: { firstWithin: 10m, every: 15m }',
            'teams:',
            '  - { id: red, name: Red team, members: [alice, bob], roles: { incidentCommander: alice, communications: bob } }',
            '  - { id: blue, name: Blue team, members: [carol] }',
            '',
          ].join('\n'),
        );
      },
    });
    lanOrigin = `http://${gateway}:${serve.baseUrl.split(':').pop()}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    facilitator = await newPage('facilitator');
  });

  afterAll(async () => {
    if (gameId) await api('game.kill', {}).catch(() => undefined);
    await browser?.close();
    await serve?.stop();
    if (lanPeer) await docker.getContainer(lanPeer).remove({ force: true }).catch(() => undefined);
    if (lanNetwork) await docker.getNetwork(lanNetwork).remove().catch(() => undefined);
  });

  it('serve on every interface warns, and names the addresses other machines use', () => {
    const out = serve.output();
    expect(out).toMatch(/warning: serving on 0\.0\.0\.0 exposes the lab beyond this machine/);
    expect(out).toContain(lanOrigin);
    // This machine's own browser still opens the loopback address.
    expect(serve.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('the facilitator starts the game and hands out join links on the LAN address', async () => {
    await facilitator.goto(serve.openUrl);
    await facilitator.getByRole('button', { name: 'Game day' }).click();
    await facilitator.getByTestId('game-path').fill(join(serve.home, 'team.game.yaml'));
    // The plan opens in the editor, validated as typed: a stray field is a problem at its line, undo fixes it.
    await facilitator.getByTestId('game-open').click();
    const status = facilitator.getByTestId('game-plan-status');
    await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 10_000 }).toContain('Valid.');
    await facilitator.locator('[data-testid="game-plan"] .cm-content').click();
    await facilitator.keyboard.press('Control+Home');
    await facilitator.keyboard.type('bogus: 1\n');
    await expect.poll(async () => (await facilitator.getByTestId('game-plan-problems').textContent()) ?? '', { timeout: 10_000 }).toMatch(/line 1:1.*bogus/);
    expect(await facilitator.getByTestId('game-start').isDisabled()).toBe(true);
    await shot(facilitator, '0-editor-problem');
    // Typing is undone in groups: undo until the text is the saved one again.
    for (let i = 0; i < 6 && !/^Valid\./.test((await status.textContent()) ?? ''); i++) {
      await facilitator.keyboard.press('Control+z');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 10_000 }).toMatch(/^Valid\.\s*Save$/);
    await facilitator.getByTestId('game-start').click();
    for (const team of ['red', 'blue']) {
      const card = facilitator.locator(['live', 'failed', 'ended'].map((phase) => `[data-testid="team-board-${team}"][data-phase="${phase}"]`).join(', '));
      await card.waitFor({ timeout: 300_000 });
      expect(await card.getAttribute('data-phase'), (await card.textContent()) ?? '').toBe('live');
    }
    // Nobody typed yet: no score "so far", the board says so.
    expect(await facilitator.getByTestId('team-score-red').textContent()).toBe('not started');
    await facilitator.getByTestId('join-origin').selectOption(lanOrigin);
    const board = (await (await api('game.board', {})).json()) as { id: string; teams: { id: 'red' | 'blue'; runId: string; joinPath: string }[] };
    gameId = board.id;
    for (const team of board.teams) {
      const href = (await facilitator.getByTestId(`join-link-${team.id}`).getAttribute('href'))!;
      expect(href).toBe(`${lanOrigin}${team.joinPath}`);
      runs[team.id] = { runId: team.runId, token: decodeURIComponent(/token=([^#&]+)/.exec(href)![1]!), joinHref: href };
    }
    await shot(facilitator, '1-console');
  });

  it('two members of one team join from the LAN address and get a working terminal', async () => {
    for (const name of ['alice', 'bob']) {
      const page = await newPage(name);
      members[name] = page;
      await page.goto(runs.red.joinHref);
      await page.locator('[data-testid="live-view"][data-phase="live"]').waitFor({ timeout: 60_000 });
      await page.getByRole('tab', { name: 'Terminal 1' }).waitFor({ timeout: 60_000 });
    }
    // The terminal's WebSocket works from the LAN origin: a prompt arrives.
    const rows = members.alice!.locator('[role="tabpanel"]:not([hidden]) .xterm-rows');
    await expect.poll(async () => (await rows.textContent()) ?? '', { timeout: 60_000 }).toMatch(/[$#]\s*$/m);
    await shot(members.alice!, '2-alice');
  });

  it('the team shares the terminal: one types, the other watches, the keyboard changes hands, commands are attributed', async () => {
    const alice = members.alice!;
    const bob = members.bob!;
    for (const [name, page] of [['alice', alice], ['bob', bob]] as const) {
      await page.getByTestId(`member-pick-${name}`).click();
      await expect.poll(async () => page.getByTestId('keyboard-bar').getAttribute('data-you'), { timeout: 30_000 }).toBe(name);
    }
    const rowsOf = (page: Page) => page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows');
    // Typing into a free keyboard takes it; the watcher sees the output and who holds the keyboard.
    await alice.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    await alice.keyboard.type('echo from-alice-$((6*7))\n', { delay: 5 });
    await expect.poll(async () => (await rowsOf(bob).textContent()) ?? '', { timeout: 30_000 }).toContain('from-alice-42');
    await expect.poll(async () => bob.getByTestId('keyboard-bar').getAttribute('data-holder'), { timeout: 10_000 }).toBe('alice');
    expect(await bob.getByTestId('keyboard-holder').textContent()).toBe('⌨ alice has the keyboard');
    // Bob's keystrokes go nowhere while alice holds it, and he is told why.
    await bob.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    await bob.keyboard.type('echo from-bob-watching\n', { delay: 5 });
    await bob.getByTestId('keyboard-notice').waitFor({ timeout: 10_000 });
    expect(await bob.getByTestId('keyboard-notice').textContent()).toMatch(/alice has the keyboard/);
    await shot(bob, '3-bob-watching');
    // He takes over, explicitly; alice sees it.
    await bob.getByTestId('keyboard-take-over').click();
    await expect.poll(async () => alice.getByTestId('keyboard-bar').getAttribute('data-holder'), { timeout: 10_000 }).toBe('bob');
    // His "you are watching" notice goes once he holds the keyboard.
    await expect.poll(async () => bob.getByTestId('keyboard-notice').count(), { timeout: 10_000 }).toBe(0);
    await bob.locator('[role="tabpanel"]:not([hidden]) .xterm').click();
    await bob.keyboard.type('echo from-bob-$((7*8))\n', { delay: 5 });
    await expect.poll(async () => (await rowsOf(alice).textContent()) ?? '', { timeout: 30_000 }).toContain('from-bob-56');
    expect((await rowsOf(alice).textContent()) ?? '').not.toContain('from-bob-watching');
    // The facilitator's board names who ran what, and the team now has a score so far.
    const commands = facilitator.getByTestId('team-commands-red');
    await expect.poll(async () => (await commands.textContent()) ?? '', { timeout: 30_000 }).toMatch(/alice: echo from-alice-\$\(\(6\*7\)\)[\s\S]*bob: echo from-bob-\$\(\(7\*8\)\)/);
    await expect.poll(async () => (await facilitator.getByTestId('team-score-red').textContent()) ?? '', { timeout: 10_000 }).toMatch(/^\d/);
    await shot(facilitator, '4-board-attributed');
  });

  it("from the LAN address too, a team's token reaches only its own run", async () => {
    const status = async (method: string, body: unknown) => (await api(method, body, runs.red.token, lanOrigin)).status;
    expect(await status('runs.get', { runId: runs.red.runId })).toBe(200);
    expect(await status('runs.get', { runId: runs.blue.runId })).toBe(403);
    expect(await status('terminals.open', { runId: runs.blue.runId })).toBe(403);
    expect(await status('game.board', {})).toBe(403);
    // A Host this machine does not have is refused whatever the token (DNS rebinding).
    const foreign = await new Promise<number>((resolve, reject) => {
      const req = request(`${serve.baseUrl}/api/app.info`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json', Host: 'attacker.example' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(foreign).toBe(403);
  });

  it("the team's communications lead posts a status update in the incident channel; only that team and the facilitator see it", async () => {
    const bob = members.bob!;
    const channel = bob.getByTestId('incident-channel');
    await channel.waitFor({ timeout: 30_000 });
    expect(await bob.getByTestId('incident-channel-requirement').textContent()).toMatch(/10/);
    await bob.getByTestId('incident-channel-author').selectOption('bob');
    await bob.getByTestId('incident-channel-message').fill('Investigating API 503s: maintenance mode is suspected, next update in 15 minutes');
    await bob.getByTestId('incident-channel-post').click();
    // Alice, on the same team, sees it; the update counts (it says something).
    const first = members.alice!.getByTestId('incident-channel-update-0');
    await first.waitFor({ timeout: 30_000 });
    expect(await first.textContent()).toMatch(/bob.*Investigating API 503s/);
    expect(await first.getAttribute('data-counted')).toBe('true');
    // The board counts it; blue's run has no update, and red's token cannot post into blue's channel.
    await expect.poll(async () => (await facilitator.getByTestId('team-comms-red').textContent()) ?? '', { timeout: 30_000 }).toMatch(/1/);
    const cross = await api('comms.post', { runId: runs.blue.runId, message: 'posting into another team channel here' }, runs.red.token, lanOrigin);
    expect(cross.status).toBe(403);
    const blue = (await (await api('runs.get', { runId: runs.blue.runId })).json()) as { timeline: { kind: string }[] };
    expect(blue.timeline.filter((item) => item.kind === 'status')).toEqual([]);
    await shot(bob, '5-incident-channel');
  });

  it('the facilitator pauses, resumes and extends the clock; every team sees it', async () => {
    await facilitator.getByTestId('clock-pause').click();
    await expect.poll(async () => facilitator.getByTestId('game-clock').getAttribute('data-paused'), { timeout: 10_000 }).toBe('true');
    for (const page of [members.alice!, members.bob!]) {
      await expect.poll(async () => (await page.getByTestId('broadcast-banner').textContent()) ?? '', { timeout: 30_000 }).toContain('paused the game clock');
    }
    // The team's own clock stands still while paused (time to mitigate leaves the pause out too).
    await expect.poll(async () => (await members.alice!.getByTestId('clock').textContent()) ?? '', { timeout: 30_000 }).toMatch(/paused/);
    const frozen = await members.alice!.getByTestId('clock').textContent();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await members.alice!.getByTestId('clock').textContent()).toBe(frozen);
    await shot(members.alice!, '3-team-paused');
    await shot(facilitator, '3-paused');
    await facilitator.getByTestId('clock-resume').click();
    await expect.poll(async () => facilitator.getByTestId('game-clock').getAttribute('data-paused'), { timeout: 10_000 }).toBe('false');
    await facilitator.getByTestId('clock-extend-15').click();
    await expect.poll(async () => (await facilitator.getByTestId('game-clock').textContent()) ?? '', { timeout: 10_000 }).toMatch(/of 45m \(extended by 15m\)/);
    await expect.poll(async () => (await members.bob!.getByTestId('broadcast-banner').textContent()) ?? '', { timeout: 30_000 }).toContain('extended the time box by 15m');
    const board = (await (await api('game.board', {})).json()) as { clock: { extendedMs: number; paused: boolean; pausedMs: number } };
    expect(board.clock).toMatchObject({ extendedMs: 15 * 60_000, paused: false });
    expect(board.clock.pausedMs).toBeGreaterThan(0);
  });

  it('the kill switch leaves nothing of the game, and nothing in the UI logged an error', async () => {
    await facilitator.getByTestId('kill-switch').click();
    const report = facilitator.getByTestId('kill-report');
    await report.waitFor({ timeout: 120_000 });
    expect(await report.textContent()).toMatch(/nothing left behind/);
    const filters = JSON.stringify({ label: [`firedrill.game=${gameId}`] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    await shot(facilitator, '9-killed');
  });

  it('the debrief puts both teams side by side against par, and exports every report in one HTML file plus the bundles', async () => {
    const debrief = facilitator.getByTestId('debrief');
    await debrief.waitFor({ timeout: 30_000 });
    await facilitator.getByTestId('debrief-chart').locator('svg').waitFor({ timeout: 10_000 });
    // Red typed (attributed commands), blue never did: blue is "not started", not a score.
    expect(await facilitator.getByTestId('debrief-score-red').getAttribute('data-status')).not.toBe('not started');
    expect(await facilitator.getByTestId('debrief-score-blue').getAttribute('data-status')).toBe('not started');
    const red = (await facilitator.getByTestId(`debrief-${runs.red.runId}`).textContent()) ?? '';
    expect(red).toMatch(/par 5 min/);
    expect(red).toMatch(/pause/i);
    expect(red).toMatch(/Investigating API 503s/);
    const download = facilitator.waitForEvent('download');
    await facilitator.getByTestId('debrief-export').click();
    const file = await download;
    const html = await readFile((await file.path())!, 'utf8');
    expect(html).toContain('Red team');
    expect(html).toContain('Blue team');
    // Learner-typed text is data, never markup.
    expect(html).toContain('echo from-alice-$((6*7))');
    await facilitator.getByTestId('debrief-exported').waitFor({ timeout: 30_000 });
    for (const team of ['red', 'blue'] as const) {
      const href = await facilitator.getByTestId(`debrief-bundle-${runs[team].runId}`).getAttribute('href');
      const bundle = await fetch(new URL(href!, serve.baseUrl), { headers: { Authorization: `Bearer ${serve.token}` } });
      expect(bundle.status).toBe(200);
      expect(Buffer.from(await bundle.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    }
    await shot(facilitator, '10-debrief');
    expect(errors).toEqual([]);
  });
});
