/** `firedrill play` under a real pseudo-terminal, its shell a real bastion container. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { startBastion, waitUntil, type BastionContainer } from './bastion-container.js';

const root = new URL('../../../', import.meta.url).pathname;
const fixture = join(root, 'test/integration/terminal/play-fixture.ts');
const jiti = join(root, 'node_modules/jiti/lib/jiti-cli.mjs');

function startPlay(bastion: BastionContainer, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-play-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const child = pty.spawn(process.execPath, [jiti, fixture], {
    cols: 100,
    rows: 30,
    name: 'xterm-256color',
    env: { ...env, FIXTURE_DIR: dir, FIXTURE_SHELL: JSON.stringify(bastion.shell), ...extraEnv },
  });
  let out = '';
  child.onData((d) => (out += d));
  let exit: number | null = null;
  child.onExit((e) => (exit = e.exitCode));
  return { dir, child, output: () => out, exitCode: () => exit };
}

describeDocker('firedrill play in a pseudo-terminal', () => {
  let bastion: BastionContainer;
  beforeAll(async () => {
    bastion = await startBastion('play');
  });
  afterAll(async () => {
    await bastion?.remove();
  });

  it('shows the briefing and progress, answers `lab hint`, and `exit` prints the summary and tears down', async () => {
    const play = startPlay(bastion);
    await waitUntil('the shell prompt', () => /root@[^\r\n]*# $/.test(play.output()), 60_000);
    const before = play.output();
    expect(before).toContain('Slow orders');
    expect(before).toContain('Checkout is \x1b[1mslow\x1b[22m since the deploy.');
    expect(before).toContain('  • look at');
    expect(before).toContain('100% step 3');
    expect(JSON.parse(readFileSync(join(play.dir, 'started.json'), 'utf8'))).toEqual({
      scenarioDir: '/scenarios/slow-orders',
      options: { variant: 'a', seed: 7 },
    });

    play.child.write('lab hint\r');
    await waitUntil('the hint', () => play.output().includes('HINT-FROM-PLAY: check the index'), 20_000);
    play.child.write('exit\r');
    await waitUntil('play to exit', () => play.exitCode() !== null, 30_000);

    expect(play.exitCode()).toBe(0);
    const out = play.output();
    expect(out).toContain('SUMMARY-TEXT: resolved in 3 minutes');
    expect(out).not.toContain('\x1b]633');
    expect(out).not.toContain('#FDLAB');
    expect(existsSync(join(play.dir, 'teardown'))).toBe(true);
    const events = readEvents(join(play.dir, 'events.jsonl')).events;
    expect(events.filter((e) => e.type === 'command').map((e) => (e.type === 'command' ? e.command : ''))).toEqual(['lab hint', 'exit']);
    expect(events.some((e) => e.type === 'lab.request' && e.verb === 'hint')).toBe(true);
    expect(existsSync(join(play.dir, 'terminal-1.cast'))).toBe(true);
  });

  it('Ctrl-C while the sandbox comes up tears down and exits 130', async () => {
    const play = startPlay(bastion, { FIXTURE_NEVER_READY: '1' });
    await waitUntil('the sandbox to be coming up', () => existsSync(join(play.dir, 'waiting')), 60_000);
    play.child.write('\x03');
    await waitUntil('play to exit', () => play.exitCode() !== null, 30_000);
    expect(play.exitCode()).toBe(130);
    expect(play.output()).toContain('Interrupted (SIGINT)');
    expect(existsSync(join(play.dir, 'teardown'))).toBe(true);
  });
});
