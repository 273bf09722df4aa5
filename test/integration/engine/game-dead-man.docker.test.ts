/**
 * The dead man's switch on real Docker (issue 17): `firedrill serve` starts a two-team game on the fixture
 * pack through the facilitator's API, the teams go live, then the server is killed with SIGKILL. Nothing of
 * the dead process can clean up: the game's watchdog (a detached process the server started with the game)
 * notices, waits the game's TTL, and removes every object labelled with the game. The sandboxes are still
 * there right after the kill, gone after the TTL, and the watchdog's log shows it waited the TTL.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { describeDocker } from '../../helpers/docker-gate.js';
import { REPO_ROOT, startServe, type ServeHandle } from '../../e2e/helpers/serve.js';

const TTL_SECONDS = 5;

describeDocker("a game's dead man's switch", () => {
  let serve: ServeHandle | undefined;
  let gameId = '';
  const docker = createDockerClient();
  const labelled = async () => {
    const filters = JSON.stringify({ label: [`firedrill.game=${gameId}`] });
    const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
    return containers.length + networks.length;
  };

  afterAll(async () => {
    await serve?.stop();
    if (gameId) {
      // Leave nothing behind even when the test failed half-way.
      const { runCli } = await import('../../helpers/cli.js');
      const filters = JSON.stringify({ label: [`firedrill.game=${gameId}`] });
      for (const c of await docker.listContainers({ all: true, filters })) await runCli(['clean', '--run', c.Labels['firedrill.run']!]);
    }
  });

  it('tears every team sandbox down TTL after the server is SIGKILLed mid-game', async () => {
    serve = await startServe({
      prepareHome: async (home) => {
        await cp(join(REPO_ROOT, 'test/fixtures/scenarios/fixture'), join(home, 'scenarios', 'fixture'), { recursive: true });
        await writeFile(
          join(home, 'drill.game.yaml'),
          [
            'apiVersion: firedrill/v1',
            'kind: Game',
            'metadata: { name: dead-man, title: Dead man test }',
            'scenario: fixture',
            'timeBox: 30m',
            `deadMansSwitch: { ttl: ${TTL_SECONDS}s }`,
            'teams:',
            '  - { id: red, name: Red, members: [alice] }',
            '  - { id: blue, name: Blue, members: [bob] }',
            '',
          ].join('\n'),
        );
      },
    });
    const api = async (method: string, body: unknown = {}) => {
      const response = await fetch(`${serve!.baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve!.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method}: ${JSON.stringify(json)}`);
      return json;
    };
    const started = (await api('game.start', { path: join(serve.home, 'drill.game.yaml') })) as { id: string };
    gameId = started.id;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const board = (await api('game.board')) as { teams: { phase: string; error: string | null }[] };
      if (board.teams.every((t) => t.phase === 'live')) break;
      if (board.teams.some((t) => t.error !== null || ['failed', 'teardown', 'ended'].includes(t.phase))) throw new Error(`a team failed: ${JSON.stringify(board.teams)}\n${serve.output()}`);
      if (Date.now() > deadline) throw new Error(`teams not live: ${JSON.stringify(board.teams)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await labelled()).toBeGreaterThanOrEqual(4);

    const killedAt = Date.now();
    serve.child.kill('SIGKILL');
    await new Promise((resolve) => serve!.child.once('exit', resolve));
    // The server is gone, the sandboxes are not (yet): nothing but the watchdog will remove them.
    expect(await labelled()).toBeGreaterThan(0);

    const gone = Date.now() + TTL_SECONDS * 1000 + 90_000;
    while ((await labelled()) > 0) {
      if (Date.now() > gone) throw new Error(`game objects still there ${Math.round((Date.now() - killedAt) / 1000)}s after the kill`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const goneAfterMs = Date.now() - killedAt;

    // The watchdog logs once its cleanup returned, a moment after the last object went.
    const logFile = join(serve.home, 'games', gameId, 'watchdog.log');
    let log = await readFile(logFile, 'utf8');
    for (let i = 0; i < 100 && !log.includes('(owner-died)'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      log = await readFile(logFile, 'utf8');
    }
    const noticed = /^(\S+) watchdog: owner \d+ is gone; tearing game \S+ down in 5s$/m.exec(log);
    const removed = /^(\S+) watchdog: game \S+: removed (\d+) object\(s\) \(owner-died\)$/m.exec(log);
    expect(noticed, log).not.toBeNull();
    expect(removed, log).not.toBeNull();
    // The watchdog removed them (the orphan sweep of another Firedrill starting meanwhile spares game objects).
    expect(Number(removed![2])).toBeGreaterThanOrEqual(4);
    // It waited the TTL after it saw the owner die, and saw that within a second of the kill.
    expect(Date.parse(removed![1]!) - Date.parse(noticed![1]!)).toBeGreaterThanOrEqual(TTL_SECONDS * 1000);
    expect(Date.parse(noticed![1]!) - killedAt).toBeLessThan(2000);
    expect(goneAfterMs).toBeGreaterThanOrEqual(TTL_SECONDS * 1000 - 1000);
  }, 400_000);
});
