import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createDockerClient } from '../../../sandbox/docker/client.js';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

describeDocker('a run killed with SIGKILL mid-incident', () => {
  it('leaves nothing labelled after `firedrill clean --run <id>`, and its event log still parses', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-crash-'));
    const child = spawn(process.execPath, [join(ROOT, 'test/integration/engine/crash-child.mjs'), 'test/fixtures/scenarios/fixture'], {
      cwd: ROOT,
      env: { ...process.env, FIREDRILL_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code} before going live: ${out}`)));
    });
    expect(line).toMatch(/^LIVE /);
    const [, runId, dir] = line.split(' ');
    const docker = createDockerClient();
    const filters = JSON.stringify({ label: [`firedrill.run=${runId}`] });
    expect((await docker.listContainers({ all: true, filters })).length).toBeGreaterThan(0);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const clean = await runCli(['clean', '--run', runId!, '--json'], { FIREDRILL_HOME: home });
    expect(clean.code).toBe(0);
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);

    const { events, damaged } = readEvents(join(dir!, 'events.jsonl'));
    expect(damaged.length).toBeLessThanOrEqual(1);
    expect(events[0]!.type).toBe('run.created');
    expect(events.some((e) => e.type === 'phase.changed' && e.to === 'live')).toBe(true);
  });
});
