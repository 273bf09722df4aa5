/**
 * The Docker runtime against the real engine: a two-service sandbox built from a tiny
 * `FROM debian:bookworm` image (a perl one-file HTTP server; no apt-get, no registry).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../helpers/docker-gate.js';
import { DockerRuntime } from '../../../sandbox/docker/docker-runtime.js';
import { ExecTimeoutError } from '../../../sandbox/docker/exec.js';
import { runDoctor } from '../../../sandbox/prereqs/doctor.js';
import { LABELS, type ImageSpec, type Progress, type Sandbox, type SandboxSpec, type ServiceSpec } from '../../../sandbox/runtime.js';

const SERVER = String.raw`
use strict; use IO::Socket::INET;
$| = 1;
my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 16, ReuseAddr => 1) or die "listen: $!";
print "listening on 8080\n";
while (my $c = $s->accept) {
  my $line = <$c>;
  while (defined(my $h = <$c>)) { last if $h =~ /^\r?\n$/; }
  my $body = ($ENV{GREETING} // 'hello') . "\n";
  print $c "HTTP/1.0 200 OK\r\nContent-Length: " . length($body) . "\r\n\r\n" . $body;
  close $c;
}
`;

const DOCKERFILE = `FROM debian:bookworm
COPY serve.pl /usr/local/bin/serve.pl
COPY . /ctx/
CMD ["perl", "/usr/local/bin/serve.pl"]
`;

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const runId = `it-${suffix}`;
const octet = 100 + (process.pid % 100);
const FRONT = `10.213.${octet}.0/24`;
const WEB_IP = `10.213.${octet}.10`;
const CLIENT_IP = `10.213.${octet}.20`;

let dir: string;
let runtime: DockerRuntime;
let sandbox: Sandbox | undefined;
const images: ImageSpec[] = [];

function service(overrides: Partial<ServiceSpec> & { name: string; image: string }): ServiceSpec {
  return { env: {}, networks: [], capabilities: [], sysctls: {}, files: [], publish: [], dependsOn: [], tty: false, ...overrides };
}

function spec(): SandboxSpec {
  return {
    runId,
    scenario: 'it-scenario',
    images,
    networks: [
      { name: 'front', subnet: FRONT, egress: true },
      { name: 'back', egress: false },
    ],
    services: [
      // Listed first on purpose: dependsOn decides the order.
      service({
        name: 'client',
        image: images[1]!.tag,
        command: ['bash', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'],
        networks: [{ name: 'front', ipv4: CLIENT_IP, aliases: [] }],
        dependsOn: ['web'],
      }),
      service({
        name: 'web',
        image: images[0]!.tag,
        env: { GREETING: 'hello' },
        networks: [
          { name: 'front', ipv4: WEB_IP, aliases: ['www'] },
          { name: 'back', aliases: ['api'] },
        ],
        healthcheck: { command: { argv: ['bash', '-c', 'echo > /dev/tcp/127.0.0.1/8080'] }, intervalMs: 500, timeoutMs: 2000, retries: 20, startPeriodMs: 0 },
        files: [{ source: join(dir, 'config.txt'), target: '/etc/fd/config.txt', mode: 0o640 }],
        publish: [8080],
      }),
    ],
  };
}

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function labelled(run: string) {
  const filters = JSON.stringify({ label: [`${LABELS.run}=${run}`] });
  const [containers, networks] = await Promise.all([
    runtime.docker.listContainers({ all: true, filters }),
    runtime.docker.listNetworks({ filters }),
  ]);
  return { containers: containers.length, networks: networks.length };
}

describeDocker('DockerRuntime on the real engine', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-docker-it-'));
    await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(dir, 'serve.pl'), SERVER);
    await writeFile(join(dir, 'secret.txt'), 'must not reach the image');
    await writeFile(join(dir, '.dockerignore'), 'secret.txt\nDockerfile\n');
    await writeFile(join(dir, 'config.txt'), 'mode=640\n');
    runtime = new DockerRuntime({ healthTimeoutMs: 60_000 });
    images.push(
      { name: 'web', contextDir: dir, dockerfile: 'Dockerfile', buildArgs: {}, tag: `firedrill-test/web:${suffix}` },
      { name: 'client', contextDir: dir, dockerfile: 'Dockerfile', buildArgs: { UNUSED: '1' }, tag: `firedrill-test/client:${suffix}` },
    );
  });

  afterAll(async () => {
    await sandbox?.teardown();
    await runtime?.cleanup({ runId });
    for (const image of images) await runtime?.docker.getImage(image.tag).remove({ force: true }).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('doctor passes the docker check and names the socket', async () => {
    const report = await runDoctor({ dataDir: tmpdir() });
    const docker = report.checks.find((c) => c.id === 'docker')!;
    expect(docker.status).not.toBe('fail');
    expect(docker.detail).toContain(runtime.endpoint.host);
  });

  it('builds images offline with step progress, labels them, and skips existing tags', async () => {
    const progress: Progress[] = [];
    const started = Date.now();
    await runtime.buildImages(images, (p) => progress.push(p));
    console.log(`build of 2 small images: ${Date.now() - started} ms`);
    expect(progress.some((p) => /^web \(1\/2\): Step 1\/\d+ : FROM debian:bookworm$/.test(p.description))).toBe(true);
    expect(await runtime.imagesPresent([images[0]!.tag, 'firedrill-test/none:0'])).toEqual({ [images[0]!.tag]: true, 'firedrill-test/none:0': false });
    const info = await runtime.docker.getImage(images[0]!.tag).inspect();
    expect(info.Config.Labels?.[LABELS.managed]).toBe('true');

    const again: Progress[] = [];
    await runtime.buildImages(images, (p) => again.push(p));
    expect(again.every((p) => p.description.includes('up to date'))).toBe(true);
  });

  it('fails a broken build with the last build lines', async () => {
    const broken = join(dir, 'broken');
    await import('node:fs/promises').then((fs) => fs.mkdir(broken));
    await writeFile(join(broken, 'Dockerfile'), 'FROM debian:bookworm\nRUN echo about-to-fail && exit 3\n');
    await expect(
      runtime.buildImages([{ name: 'broken', contextDir: broken, dockerfile: 'Dockerfile', buildArgs: {}, tag: `firedrill-test/broken:${suffix}` }], () => {}),
    ).rejects.toThrow(/broken.*failed[\s\S]*about-to-fail/);
  });

  it('brings the sandbox up in dependsOn order with labels, networks and published ports', async () => {
    const progress: Progress[] = [];
    const started = Date.now();
    sandbox = await runtime.up(spec(), (p) => progress.push(p));
    console.log(`up (2 networks, 2 services, healthcheck): ${Date.now() - started} ms`);
    const descriptions = progress.map((p) => p.description);
    expect(descriptions.indexOf('web: healthy')).toBeLessThan(descriptions.indexOf('client: started'));
    // 2 networks + the host-access network + 2 services × (started, healthy).
    expect(progress.at(-1)).toMatchObject({ current: 7, max: 7 });

    const web = await runtime.docker.getContainer(`fd-${runId}-web`).inspect();
    expect(web.Config.Labels).toMatchObject({
      [LABELS.managed]: 'true',
      [LABELS.run]: runId,
      [LABELS.scenario]: 'it-scenario',
      [LABELS.service]: 'web',
      [LABELS.ownerPid]: String(process.pid),
      [LABELS.ownerHost]: hostname(),
    });
    expect(web.Config.Hostname).toBe('web');
    expect(web.HostConfig.Init).toBe(true);
    expect(web.HostConfig.Privileged).toBe(false);
    expect(web.NetworkSettings.Networks[`fd-${runId}-front`]?.IPAddress).toBe(WEB_IP);
    const back = await runtime.docker.getNetwork(`fd-${runId}-back`).inspect();
    expect(back.Internal).toBe(true);
    expect(back.Labels[LABELS.run]).toBe(runId);
    // Published ports need a non-internal network; this one has no masquerading, so no route out.
    const access = await runtime.docker.getNetwork(`fd-${runId}-host-access`).inspect();
    expect(access.Internal).toBe(false);
    expect(access.Options['com.docker.network.bridge.enable_ip_masquerade']).toBe('false');
    expect(access.Labels[LABELS.run]).toBe(runId);

    const { host, port } = await sandbox.endpoint('web', 8080);
    expect(host).toBe('127.0.0.1');
    expect(await httpGet(host, port)).toBe('hello\n');
  });

  it('refuses to start a run id that already has objects (and leaves them alone)', async () => {
    await expect(runtime.up(spec(), () => {})).rejects.toThrow(/already has Docker objects/);
    expect(await labelled(runId)).toEqual({ containers: 2, networks: 3 });
  });

  it('copied files in before start (root-owned, with their mode) and honoured .dockerignore', async () => {
    const stat = await sandbox!.exec('web', ['stat', '-c', '%a %U %G', '/etc/fd/config.txt']);
    expect(stat).toEqual({ exitCode: 0, stdout: '640 root root\n', stderr: '' });
    const ctx = await sandbox!.exec('web', ['ls', '/ctx']);
    expect(ctx.stdout.split('\n')).toContain('serve.pl');
    expect(ctx.stdout).not.toContain('secret.txt');
  });

  it('execs with separate streams, exit codes, stdin, and a timeout that kills', async () => {
    const result = await sandbox!.exec('web', ['bash', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    const input = await sandbox!.exec('web', ['bash', '-c', 'tr a-z A-Z'], { stdin: 'shout\n' });
    expect(input.stdout).toBe('SHOUT\n');
    const env = await sandbox!.exec('web', ['bash', '-c', 'echo "$X $(id -u) $(pwd)"'], { env: { X: 'y' }, user: 'nobody', workdir: '/tmp' });
    expect(env.stdout).toBe('y 65534 /tmp\n');

    await expect(sandbox!.exec('web', ['sleep', '300'], { timeoutMs: 500 })).rejects.toBeInstanceOf(ExecTimeoutError);
    const ps = await sandbox!.exec('web', ['bash', '-c', 'for p in /proc/[0-9]*/cmdline; do tr "\\0" " " < $p; echo; done']);
    expect(ps.stdout).not.toContain('sleep 300');
  });

  it('writes files with parent directories, without touching existing directory modes', async () => {
    await sandbox!.writeFile('web', '/tmp/a/b/c.txt', 'written\n', 0o600);
    const result = await sandbox!.exec('web', ['bash', '-c', 'cat /tmp/a/b/c.txt; stat -c "%a %U" /tmp/a/b/c.txt /tmp']);
    expect(result.stdout).toBe('written\n600 root\n1777 root\n');
  });

  it('services reach each other by name and alias; disconnect cuts and connect restores the address', async () => {
    const get = (target: string) =>
      sandbox!.exec('client', ['bash', '-c', `exec 3<>/dev/tcp/${target}/8080 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && tail -n1 <&3`], { timeoutMs: 10_000 });
    expect((await get('web')).stdout).toBe('hello\n');
    expect((await get('www')).stdout).toBe('hello\n');

    await sandbox!.disconnect('web', 'front');
    expect((await get('web')).exitCode).not.toBe(0);
    await sandbox!.connect('web', 'front');
    const web = await runtime.docker.getContainer(`fd-${runId}-web`).inspect();
    expect(web.NetworkSettings.Networks[`fd-${runId}-front`]?.IPAddress).toBe(WEB_IP);
    expect((await get('www')).stdout).toBe('hello\n');
  });

  it('stops, starts, pauses and restarts a service', async () => {
    await sandbox!.stop('web', 1);
    await sandbox!.stop('web', 1); // already stopped: fine
    await sandbox!.start('web');
    await sandbox!.pause('web');
    await sandbox!.unpause('web');
    await sandbox!.restart('web');
    const { host, port } = await sandbox!.endpoint('web', 8080);
    // The server needs a moment after a restart: a bounded retry loop.
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      body = await httpGet(host, port).catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toBe('hello\n');
  });

  it('replaces a service (a deploy) keeping name, address and labels', async () => {
    const before = await runtime.docker.getContainer(`fd-${runId}-web`).inspect();
    await sandbox!.replace('web', { env: { GREETING: 'v2' } });
    const after = await runtime.docker.getContainer(`fd-${runId}-web`).inspect();
    expect(after.Id).not.toBe(before.Id);
    expect(after.Config.Labels).toEqual(before.Config.Labels);
    expect(after.NetworkSettings.Networks[`fd-${runId}-front`]?.IPAddress).toBe(WEB_IP);
    expect(Object.keys(after.NetworkSettings.Networks).sort()).toEqual([`fd-${runId}-back`, `fd-${runId}-front`, `fd-${runId}-host-access`]);
    const { host, port } = await sandbox!.endpoint('web', 8080);
    expect(await httpGet(host, port)).toBe('v2\n');
    const files = await sandbox!.exec('web', ['cat', '/etc/fd/config.txt']);
    expect(files.stdout).toBe('mode=640\n');
    await expect(sandbox!.replace('web', { image: 'firedrill-test/none:0' })).rejects.toThrow(/not available/);
    expect(await httpGet(host, port)).toBe('v2\n');
  });

  it('gives terminals a docker CLI command pinned to the same engine', () => {
    const shell = sandbox!.shellCommand('web');
    expect(shell.args.slice(0, 5)).toEqual(['exec', '-it', '-e', 'TERM=xterm-256color', `fd-${runId}-web`]);
    expect(shell.env.DOCKER_HOST).toBe(runtime.endpoint.host);
    // Without a TTY here, run the same command minus -it.
    const args = sandbox!.shellCommand('web', ['bash', '-c', 'echo $TERM']).args.filter((a) => a !== '-it');
    const result = spawnSync(shell.file, args, { env: { ...process.env, ...shell.env }, encoding: 'utf8', timeout: 20_000 });
    expect(result.stdout).toBe('xterm-256color\n');
  });

  it('refuses a subnet that overlaps an existing network, naming it, and leaves nothing behind', async () => {
    const other = { ...spec(), runId: `${runId}-clash` };
    other.networks = [{ name: 'front', subnet: `10.213.${octet}.128/25`, egress: true }];
    other.services = [];
    await expect(runtime.up(other, () => {})).rejects.toThrow(new RegExp(`overlaps Docker network "fd-${runId}-front"`));
    expect(await labelled(other.runId)).toEqual({ containers: 0, networks: 0 });
  });

  it('refuses dangerous capabilities', async () => {
    const bad = { ...spec(), runId: `${runId}-bad`, networks: [] };
    bad.services = [service({ name: 'x', image: images[0]!.tag, capabilities: ['SYS_ADMIN'] })];
    await expect(runtime.up(bad, () => {})).rejects.toThrow(/SYS_ADMIN is not allowed/);
    expect(await labelled(bad.runId)).toEqual({ containers: 0, networks: 0 });
  });

  it('fails a service that dies with its last log lines, and cleans the run', async () => {
    const dying = { ...spec(), runId: `${runId}-dying`, networks: [] };
    dying.services = [service({ name: 'crash', image: images[0]!.tag, command: ['bash', '-c', 'echo boom-before-exit; exit 4'] })];
    await expect(runtime.up(dying, () => {})).rejects.toThrow(/"crash" exited with code 4[\s\S]*boom-before-exit/);
    expect(await labelled(dying.runId)).toEqual({ containers: 0, networks: 0 });
  });

  it('honours an abort mid-way and removes what it created', async () => {
    const controller = new AbortController();
    const aborted = { ...spec(), runId: `${runId}-abort`, networks: [{ name: 'n', egress: true }] };
    aborted.services = [service({ name: 's', image: images[0]!.tag, networks: [{ name: 'n', aliases: [] }] })];
    await expect(
      runtime.up(aborted, (p) => {
        if (p.description.startsWith('network')) controller.abort(new Error('user cancelled'));
      }, controller.signal),
    ).rejects.toThrow('user cancelled');
    expect(await labelled(aborted.runId)).toEqual({ containers: 0, networks: 0 });
  });

  it('cleanup({onlyOrphans}) removes runs whose owner died and spares live ones', async () => {
    const dead = spawnSync('true').pid!;
    const orphanRuntime = new DockerRuntime({ owner: { pid: dead, host: hostname() } });
    const orphan = { ...spec(), runId: `${runId}-orphan`, networks: [{ name: 'n', egress: false }] };
    orphan.services = [service({ name: 's', image: images[0]!.tag, networks: [{ name: 'n', aliases: [] }] })];
    await orphanRuntime.up(orphan, () => {});
    expect(await labelled(orphan.runId)).toEqual({ containers: 1, networks: 1 });

    const { removed } = await runtime.cleanup({ onlyOrphans: true });
    expect(removed).toContainEqual({ kind: 'container', name: `fd-${orphan.runId}-s` });
    expect(removed).toContainEqual({ kind: 'network', name: `fd-${orphan.runId}-n` });
    expect(removed.some((o) => o.name.startsWith(`fd-${runId}-web`))).toBe(false);
    expect(await labelled(orphan.runId)).toEqual({ containers: 0, networks: 0 });
    expect(await labelled(runId)).toEqual({ containers: 2, networks: 3 });
  });

  it('tears down everything of the run, idempotently', async () => {
    const progress: Progress[] = [];
    const started = Date.now();
    await sandbox!.teardown((p) => progress.push(p));
    console.log(`teardown: ${Date.now() - started} ms`);
    expect(progress.some((p) => p.description === `removed network fd-${runId}-front`)).toBe(true);
    expect(await labelled(runId)).toEqual({ containers: 0, networks: 0 });
    await sandbox!.teardown();
    sandbox = undefined;
  });
});
