import { expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

interface Report {
  ok: boolean;
  checks: { id: string; status: string; detail: string; fix: string }[];
}

describeDocker('firedrill doctor against a real Docker engine', () => {
  it('passes the Docker check and prints the JSON shape', async () => {
    const result = await runCli(['doctor', '--json']);
    const report = JSON.parse(result.stdout) as Report;
    const docker = report.checks.find((c) => c.id === 'docker')!;
    expect(docker.status).toBe('pass');
    expect(docker.detail).toMatch(/docker\.sock|tcp:\/\//);
    for (const check of report.checks) expect(Object.keys(check).sort()).toEqual(['detail', 'fix', 'id', 'status', 'title']);
    expect(result.code).toBe(report.ok ? 0 : 1);
  });

  it('fails the Docker check with the socket named and a fix, exiting 1, when DOCKER_HOST is wrong', async () => {
    const result = await runCli(['doctor', '--json'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(false);
    const docker = report.checks.find((c) => c.id === 'docker')!;
    expect(docker.status).toBe('fail');
    expect(docker.detail).toContain('/nonexistent.sock');
    expect(docker.fix.length).toBeGreaterThan(10);
  });
});
