/**
 * The crash matrix (issue 11): the process running a run is killed with SIGKILL at every phase
 * (building, starting, baseline, injecting, live, resolving, teardown) of the small fixture pack.
 * Afterwards a restarted `firedrill serve` shows each run as interrupted in its history,
 * `firedrill clean --run <id>` leaves nothing labelled, and every event log still parses.
 * The `building` case plays a copy of the pack with a one-line Dockerfile change, so it really builds
 * (Docker's layer cache keeps that quick); the test removes the image it made.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { CLI, ROOT, runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

const PHASES = ['building', 'starting', 'baseline', 'injecting', 'live', 'resolving', 'teardown'] as const;
type Phase = (typeof PHASES)[number];

interface Killed {
  phase: Phase;
  runId: string;
  dir: string;
  tags: string[];
}

/** Runs the child up to `phase`, checks what is up, kills it with SIGKILL. */
async function killAt(home: string, pack: string, phase: Phase): Promise<Killed> {
  const child = spawn(process.execPath, [join(ROOT, 'test/integration/engine/crash-phase-child.mjs'), pack, phase], {
    cwd: ROOT,
    env: { ...process.env, FIREDRILL_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let out = '';
  const at = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('AT '));
      if (line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code} before ${phase}: ${out}`)));
  });
  const [, , runId, dir] = at.split(' ');
  const tags = (out.split('\n').find((l) => l.startsWith('TAGS ')) ?? 'TAGS ').slice(5).split(',').filter(Boolean);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return { phase, runId: runId!, dir: dir!, tags };
}

async function labelled(runId: string): Promise<number> {
  const docker = createDockerClient();
  const filters = JSON.stringify({ label: [`firedrill.run=${runId}`] });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return containers.length + networks.length + (volumes.Volumes ?? []).length;
}

/** `firedrill serve` on the same home: its history, then SIGTERM. */
async function historyAfterRestart(home: string): Promise<{ runId: string; outcome: string }[]> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd: ROOT, env: { ...process.env, FIREDRILL_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
        if (match) resolve(new URL(match[1]!));
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const response = await fetch(`${url.origin}/api/history.list`, {
      method: 'POST',
      body: '{}',
      headers: { Authorization: `Bearer ${url.searchParams.get('token')}`, 'Content-Type': 'application/json', Origin: url.origin },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { runId: string; outcome: string }[];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

describeDocker('SIGKILL at every run phase, then a restart', () => {
  const home = mkdtempSync(join(tmpdir(), 'fd-crash-matrix-'));
  const killed: Killed[] = [];

  afterAll(async () => {
    for (const k of killed) await runCli(['clean', '--run', k.runId, '--json'], { FIREDRILL_HOME: home });
    const docker = createDockerClient();
    for (const tag of killed.find((k) => k.phase === 'building')?.tags ?? []) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }, 300_000);

  it('shows every killed run as interrupted, cleans each by run id to nothing, and every log parses', async () => {
    // A copy of the fixture whose image tag exists nowhere yet: the `building` phase really happens.
    const copy = join(mkdtempSync(join(tmpdir(), 'fd-crash-pack-')), 'fixture');
    cpSync(join(ROOT, 'test/fixtures/scenarios/fixture'), copy, { recursive: true });
    appendFileSync(join(copy, 'images/fixture/Dockerfile'), `RUN echo ${home} > /etc/firedrill-crash-matrix\n`);

    for (const phase of PHASES) {
      const k = await killAt(home, phase === 'building' ? copy : 'test/fixtures/scenarios/fixture', phase);
      killed.push(k);
      // From `starting` on, the run's objects exist when the process dies.
      if (phase !== 'building') expect(await labelled(k.runId), phase).toBeGreaterThan(0);
    }

    const history = await historyAfterRestart(home);
    expect(killed.map((k) => [k.phase, history.find((h) => h.runId === k.runId)?.outcome])).toEqual(PHASES.map((p) => [p, 'interrupted']));

    for (const k of killed) {
      const clean = await runCli(['clean', '--run', k.runId, '--json'], { FIREDRILL_HOME: home });
      expect(clean.code, clean.stderr).toBe(0);
      expect(await labelled(k.runId), k.phase).toBe(0);
      const { events, damaged } = readEvents(join(k.dir, 'events.jsonl'));
      expect(damaged.length, k.phase).toBeLessThanOrEqual(1);
      expect(events[0]!.type).toBe('run.created');
      expect(events.some((e) => e.type === 'run.ended'), k.phase).toBe(false);
    }
  }, 900_000);
});
