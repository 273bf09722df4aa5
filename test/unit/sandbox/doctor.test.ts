import { describe, expect, it } from 'vitest';
import { runDoctor, type DoctorDeps, type DoctorDockerClient } from '../../../sandbox/prereqs/doctor.js';
import { parseDockerHost } from '../../../sandbox/docker/socket.js';

const GB = 1024 ** 3;

function fakeDocker(overrides: Partial<DoctorDockerClient> = {}, images: string[] = ['debian:bookworm']): DoctorDockerClient {
  return {
    ping: async () => 'OK',
    version: async () => ({ Version: '20.10.24', ApiVersion: '1.41' }),
    info: async () => ({ MemTotal: 16 * GB }),
    getImage: (tag) => ({ inspect: async () => (images.includes(tag) ? {} : Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))) }),
    ...overrides,
  };
}

function deps(overrides: Partial<DoctorDeps> = {}, bins: Record<string, string> = { docker: 'Docker version 20.10.24', kind: 'kind v0.24.0', kubectl: 'Client Version: v1.31.0' }): Partial<DoctorDeps> {
  return {
    resolveEndpoint: () => parseDockerHost('unix:///var/run/docker.sock', 'known-path', 'known path /var/run/docker.sock'),
    docker: () => fakeDocker(),
    run: async (file) => {
      if (!(file in bins)) throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
      return { code: 0, stdout: `${bins[file]}\n`, stderr: '' };
    },
    freeDiskBytes: async () => 50 * GB,
    freeMemoryBytes: () => 8 * GB,
    dataDir: '/data/firedrill',
    platform: 'linux',
    kubernetes: async () => [{ id: 'kubernetes', title: 'Kubernetes cluster', status: 'pass', detail: 'kubeconfig: API server v1.37.2', fix: '' }],
    ...overrides,
  };
}

function byId(report: Awaited<ReturnType<typeof runDoctor>>) {
  return Object.fromEntries(report.checks.map((c) => [c.id, c]));
}

describe('runDoctor', () => {
  it('passes everything on a healthy machine and names the socket and its source', async () => {
    const report = await runDoctor(deps());
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.status)).toEqual(Array(8).fill('pass'));
    const checks = byId(report);
    expect(checks.docker!.detail).toContain('unix:///var/run/docker.sock (from known path /var/run/docker.sock)');
    expect(checks.docker!.detail).toContain('Docker 20.10.24');
    expect(checks.docker!.detail).toContain('16.0 GB memory');
    expect(checks.docker!.fix).toBe('');
  });

  it('fails docker with a one-sentence fix when the engine does not answer', async () => {
    const report = await runDoctor(deps({ docker: () => fakeDocker({ ping: async () => Promise.reject(new Error('connect ECONNREFUSED')) }) }));
    const checks = byId(report);
    expect(report.ok).toBe(false);
    expect(checks.docker).toMatchObject({ status: 'fail' });
    expect(checks.docker!.detail).toContain('ECONNREFUSED');
    expect(checks.docker!.fix).toMatch(/sudo systemctl start docker.*DOCKER_HOST/);
    expect(checks['base-image']!.status).toBe('warn');
  });

  it('fails docker when no socket exists, listing where it looked; macOS fix mentions Docker Desktop', async () => {
    const report = await runDoctor(
      deps({ platform: 'darwin', resolveEndpoint: () => ({ ...parseDockerHost('unix:///var/run/docker.sock', 'default', 'default'), searched: ['/var/run/docker.sock', '/Users/a/.docker/run/docker.sock'] }) }),
    );
    const docker = byId(report).docker!;
    expect(docker.status).toBe('fail');
    expect(docker.detail).toContain('/Users/a/.docker/run/docker.sock');
    expect(docker.fix).toContain('Docker Desktop');
  });

  it('fails docker when endpoint resolution throws', async () => {
    const report = await runDoctor(deps({ resolveEndpoint: () => { throw new Error('docker context "x" is active but meta.json is missing'); } }));
    expect(byId(report).docker).toMatchObject({ status: 'fail', detail: expect.stringContaining('context "x"') });
  });

  it('warns when the engine has little memory or is Podman', async () => {
    const small = await runDoctor(deps({ docker: () => fakeDocker({ info: async () => ({ MemTotal: 2 * GB }) }) }));
    expect(byId(small).docker!.status).toBe('warn');
    expect(small.ok).toBe(true);
    const podman = await runDoctor(deps({ docker: () => fakeDocker({ version: async () => ({ Version: '4.9', Components: [{ Name: 'Podman Engine' }] }) }) }));
    expect(byId(podman).docker!.detail).toContain('Podman');
  });

  it('warns (not fails) for a missing base image, kind and kubectl; fails for a missing docker CLI', async () => {
    const report = await runDoctor(deps({ docker: () => fakeDocker({}, []) }, {}));
    const checks = byId(report);
    expect(checks['base-image']).toMatchObject({ status: 'warn', fix: 'Run `firedrill images seed`.' });
    expect(checks.kind!.status).toBe('warn');
    expect(checks.kubectl!.status).toBe('warn');
    expect(checks['docker-cli']!.status).toBe('fail');
    expect(report.ok).toBe(false);
  });

  it('grades disk space: warn under 10 GB, fail under 2 GB', async () => {
    expect(byId(await runDoctor(deps({ freeDiskBytes: async () => 5 * GB }))).disk!.status).toBe('warn');
    const low = await runDoctor(deps({ freeDiskBytes: async () => 1 * GB }));
    expect(byId(low).disk!.status).toBe('fail');
    expect(byId(low).disk!.detail).toContain('/data/firedrill');
    expect(low.ok).toBe(false);
  });

  it('warns under 4 GB of free memory', async () => {
    const report = await runDoctor(deps({ freeMemoryBytes: () => 3 * GB }));
    expect(byId(report).memory).toMatchObject({ status: 'warn', detail: '3.0 GB free' });
  });
});
