/**
 * A learner cannot bend an exec check (real Docker). The web service really runs v2; the learner,
 * as `oncall` on the bastion, plants everything that would make "runs v1" pass for a check run as
 * them: a ~/.curlrc that appends a fake version, a fake `curl` early in a PATH the pack gave the
 * bastion, and a shell function in the file BASH_ENV points to. Each check still sees v2.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { runExecCheck } from '../../../main/engine/checks/exec-check.js';
import { runTcpCheck } from '../../../main/engine/checks/tcp-check.js';
import { execCheckSchema, tcpCheckSchema } from '../../../main/engine/scenario/schema.js';
import { DockerRuntime } from '../../../sandbox/docker/docker-runtime.js';
import type { ImageSpec, Sandbox, ServiceSpec } from '../../../sandbox/runtime.js';

const runId = `it-check-env-${process.pid}-${Date.now().toString(36)}`;
// The fixture pack's image: Debian with python3 and curl.
const image: ImageSpec = {
  name: 'fixture',
  contextDir: resolve('test/fixtures/scenarios/fixture/images/fixture'),
  dockerfile: 'Dockerfile',
  buildArgs: {},
  tag: 'firedrill-test/check-env:1',
};
let runtime: DockerRuntime;
let sandbox: Sandbox | undefined;

function service(name: string, overrides: Partial<ServiceSpec>): ServiceSpec {
  return { name, image: image.tag, env: {}, networks: [{ name: 'net', aliases: [] }], capabilities: [], sysctls: {}, files: [], publish: [], dependsOn: [], tty: false, ...overrides };
}

const context = () => ({ sandbox: sandbox!, fetch, now: Date.now, windows: new Map() });

async function asLearner(script: string): Promise<void> {
  const result = await sandbox!.exec('bastion', ['bash', '-c', script], { user: 'oncall' });
  expect(result.exitCode, result.stderr).toBe(0);
}

describeDocker('exec checks the learner cannot bend (real Docker)', () => {
  beforeAll(async () => {
    runtime = new DockerRuntime({ healthTimeoutMs: 60_000 });
    await runtime.buildImages([image], () => {});
    sandbox = await runtime.up(
      {
        runId,
        scenario: 'it-check-env',
        images: [image],
        networks: [{ name: 'net', egress: false }],
        services: [
          service('web', {
            command: ['sh', '-c', 'mkdir -p /srv/w && echo \'{"version": "v2.0.0"}\' > /srv/w/healthz && exec python3 -m http.server 8080 -d /srv/w'],
            healthcheck: { command: { argv: ['curl', '-fsS', 'http://127.0.0.1:8080/healthz'] }, intervalMs: 500, timeoutMs: 2000, retries: 40, startPeriodMs: 0 },
          }),
          // A pack that put the learner's own bin first on the PATH and set BASH_ENV (both happen in real images).
          service('bastion', {
            command: ['sleep', 'infinity'],
            env: { PATH: '/home/oncall/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', BASH_ENV: '/home/oncall/.bashrc' },
            dependsOn: ['web'],
          }),
        ],
      },
      () => {},
    );
    await sandbox.exec('bastion', ['useradd', '--create-home', '--shell', '/bin/bash', 'oncall'], { user: '0' });
    await asLearner(
      [
        `printf '%s\\n' 'write-out = "{\\"version\\": \\"v1.0.0\\"}"' > ~/.curlrc`,
        'mkdir -p ~/bin',
        `printf '#!/bin/sh\\necho "{\\\\"version\\\\": \\\\"v1.0.0\\\\"}"\\n' > ~/bin/curl && chmod +x ~/bin/curl`,
        // A `timeout` that always succeeds: a tcp check run through it would see every port open.
        `printf '#!/bin/sh\\nexit 0\\n' > ~/bin/timeout && chmod +x ~/bin/timeout`,
        `echo 'curl() { echo "{\\"version\\": \\"v1.0.0\\"}"; }' > ~/.bashrc`,
        `echo "alias curl='echo v1.0.0'" >> ~/.bashrc`,
      ].join(' && '),
    );
  }, 600_000);

  afterAll(async () => {
    await sandbox?.teardown();
    await runtime?.cleanup({ runId });
  }, 120_000);

  const runsV1 = (command: string | string[]) =>
    execCheckSchema.parse({ id: 'orders-runs-v1', title: 'runs v1', kind: 'exec', service: 'bastion', command, stdoutMatches: '"version":\\s*"v1\\.' });

  it('the tampering is real: as the learner, curl answers v1', async () => {
    const seen = await sandbox!.exec('bastion', ['sh', '-c', 'curl -s -m 5 http://web:8080/healthz'], { user: 'oncall' });
    expect(seen.stdout).toMatch(/"version": "v1\./);
    const viaBash = await sandbox!.exec('bastion', ['bash', '-c', '/usr/bin/curl -s -m 5 http://web:8080/healthz; echo; curl'], { user: 'oncall' });
    expect(viaBash.stdout).toMatch(/v1\.0\.0/);
  });

  it('a check reading the system through curl sees v2 despite ~/.curlrc, PATH and BASH_ENV', async () => {
    const plain = await runExecCheck(runsV1('curl -s -m 5 http://web:8080/healthz'), context());
    expect(plain).toMatchObject({ pass: false, observed: '{"version": "v2.0.0"}' });
    const bash = await runExecCheck(runsV1(['bash', '-c', 'curl -s -m 5 http://web:8080/healthz']), context());
    expect(bash).toMatchObject({ pass: false, observed: '{"version": "v2.0.0"}' });
  });

  it('a tcp check from the bastion uses the real bash and timeout: a closed port stays closed', async () => {
    const closed = tcpCheckSchema.parse({ id: 'port-9', title: 'port 9', kind: 'tcp', from: 'bastion', host: 'web', port: 9, expect: 'closed' });
    expect(await runTcpCheck(closed, context())).toMatchObject({ pass: true, observed: 'web:9 closed' });
    const open = tcpCheckSchema.parse({ id: 'port-8080', title: 'port 8080', kind: 'tcp', from: 'bastion', host: 'web', port: 8080, expect: 'open' });
    expect(await runTcpCheck(open, context())).toMatchObject({ pass: true, observed: 'web:8080 open' });
  });

  it('runs as root in / with the fixed environment', async () => {
    const check = execCheckSchema.parse({ id: 'env', title: 'env', kind: 'exec', service: 'bastion', command: 'echo "$(id -u) $PWD $HOME $PATH ${BASH_ENV-unset}"', stdoutMatches: '.' });
    const result = await runExecCheck(check, context());
    expect(result.observed).toBe('0 / /nonexistent /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin unset');
  });
});
