import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { extract } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStep } from '../../../sandbox/docker/build.js';
import { isOrphan } from '../../../sandbox/docker/cleanup.js';
import { containerCreateOptions, lastLogLines } from '../../../sandbox/docker/containers.js';
import { assertNamePart, containerName, labelFilters, networkName, runLabels } from '../../../sandbox/docker/labels.js';
import { assertNoSubnetConflicts, findSubnetConflict, networkCreateOptions } from '../../../sandbox/docker/network.js';
import { cidrContains, cidrsOverlap, parseIpv4Cidr } from '../../../shared/net/ipv4.js';
import { startInDependencyOrder, startOrder } from '../../../sandbox/docker/order.js';
import { assertSafeCreateOptions } from '../../../sandbox/docker/safety.js';
import { archiveName, tarContext, tarFiles } from '../../../sandbox/docker/tar.js';
import { LABELS, type ServiceSpec } from '../../../sandbox/runtime.js';

interface Entry {
  name: string;
  mode?: number;
  uid?: number;
  type?: string | null;
  body: string;
}

async function readTar(source: Buffer | Readable): Promise<Entry[]> {
  const entries: Entry[] = [];
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    let body = '';
    stream.on('data', (c: Buffer) => (body += c.toString()));
    stream.on('end', () => {
      entries.push({ name: header.name, mode: header.mode, uid: header.uid, type: header.type, body });
      next();
    });
  });
  const done = new Promise((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  if (Buffer.isBuffer(source)) ex.end(source);
  else source.pipe(ex);
  await done;
  return entries;
}

describe('tar helpers', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('tars files root-owned with their mode, relative to / and without directory entries', async () => {
    const entries = await readTar(await tarFiles([{ path: '/etc/app/conf.yaml', content: 'a: 1\n', mode: 0o640 }, { path: '/tmp/x', content: Buffer.from('x'), mode: 0o755 }]));
    expect(entries).toEqual([
      { name: 'etc/app/conf.yaml', mode: 0o640, uid: 0, type: 'file', body: 'a: 1\n' },
      { name: 'tmp/x', mode: 0o755, uid: 0, type: 'file', body: 'x' },
    ]);
  });

  it('normalises container paths and refuses relative ones', () => {
    expect(archiveName('/etc/../etc//x')).toBe('etc/x');
    expect(archiveName('/../../x')).toBe('x');
    expect(() => archiveName('etc/x')).toThrow(/must be absolute/);
    expect(() => archiveName('/')).toThrow(/must name a file/);
  });

  it('packs a build context honouring .dockerignore but always sending the Dockerfile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fd-ctx-'));
    dirs.push(dir);
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'x', 'i.js'), '');
    await writeFile(join(dir, 'Dockerfile'), 'FROM debian:bookworm\n');
    await writeFile(join(dir, 'app.sh'), 'echo hi');
    await writeFile(join(dir, 'secret.env'), 'TOKEN=1');
    await writeFile(join(dir, '.dockerignore'), '# comment\nnode_modules\n*.env\nDockerfile\n');
    const names = (await readTar(await tarContext(dir, 'Dockerfile'))).filter((e) => e.type === 'file').map((e) => e.name).sort();
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'app.sh']);
  });

  it('reads the last log lines through dockerode\'s demuxer, and TTY output as it is', async () => {
    const frame = (type: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = type;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    // The modem's demuxer is pure; nothing connects to this socket.
    const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const logs = (buffer: Buffer) => ({ logs: async () => buffer }) as unknown as Docker.Container;
    const multiplexed = Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]);
    expect(await lastLogLines(docker, logs(multiplexed), false)).toBe('out1 out2\nerr');
    expect(await lastLogLines(docker, logs(Buffer.from('hi')), true)).toBe('hi');
    expect(await lastLogLines(docker, logs(Buffer.alloc(0)), false)).toBe('(no output)');
  });
});

describe('labels and names', () => {
  it('labels every object with run, scenario and owner; containers with their service', () => {
    const owner = { pid: 42, host: 'laptop' };
    expect(runLabels('r1', 'slow-db', owner, 'db')).toEqual({
      [LABELS.managed]: 'true',
      [LABELS.run]: 'r1',
      [LABELS.scenario]: 'slow-db',
      [LABELS.ownerPid]: '42',
      [LABELS.ownerHost]: 'laptop',
      [LABELS.service]: 'db',
    });
    expect(runLabels('r1', 's', owner)).not.toHaveProperty(LABELS.service);
    expect(labelFilters()).toEqual({ label: ['firedrill.managed=true'] });
    expect(labelFilters('r1')).toEqual({ label: ['firedrill.managed=true', 'firedrill.run=r1'] });
    expect(containerName('r1', 'db')).toBe('fd-r1-db');
    expect(networkName('r1', 'back')).toBe('fd-r1-back');
    expect(() => assertNamePart('run id', 'bad id')).toThrow(/run id "bad id"/);
  });
});

describe('networks', () => {
  it('detects overlapping subnets and names the network in the way', () => {
    expect(findSubnetConflict('10.1.0.0/24', [{ name: 'corp-vpn', subnets: ['10.0.0.0/8'] }])).toEqual({ network: 'corp-vpn', subnet: '10.0.0.0/8' });
    expect(findSubnetConflict('10.1.0.0/24', [{ name: 'x', subnets: ['10.1.1.0/24', 'fd00::/64'] }])).toBeUndefined();
    expect(() => findSubnetConflict('nope', [])).toThrow(/not an IPv4 CIDR/);
    expect(() =>
      assertNoSubnetConflicts([{ dockerName: 'fd-r-a', spec: { name: 'a', subnet: '172.17.5.0/24', egress: true } }], [{ name: 'bridge', subnets: ['172.17.0.0/16'] }]),
    ).toThrow(/network "a" wants subnet 172.17.5.0\/24, which overlaps Docker network "bridge" \(172.17.0.0\/16\)/);
    // Two networks of the same spec may not overlap each other either.
    expect(() =>
      assertNoSubnetConflicts(
        [
          { dockerName: 'fd-r-a', spec: { name: 'a', subnet: '10.9.0.0/16', egress: true } },
          { dockerName: 'fd-r-b', spec: { name: 'b', subnet: '10.9.3.0/24', egress: true } },
        ],
        [],
      ),
    ).toThrow(/"fd-r-a"/);
  });

  it('parses CIDRs and membership', () => {
    expect(parseIpv4Cidr('10.1.2.3/24')!.network.toString()).toBe('10.1.2.0');
    expect(parseIpv4Cidr('fd00::/64')).toBeUndefined();
    expect(parseIpv4Cidr('10.1.2/24')).toBeUndefined();
    expect(cidrContains(parseIpv4Cidr('10.1.2.0/24')!, '10.1.2.200')).toBe(true);
    expect(cidrContains(parseIpv4Cidr('10.1.2.0/24')!, '10.1.3.1')).toBe(false);
    expect(cidrsOverlap(parseIpv4Cidr('10.9.0.0/16')!, parseIpv4Cidr('10.9.3.0/24')!)).toBe(true);
    expect(cidrsOverlap(parseIpv4Cidr('10.9.0.0/24')!, parseIpv4Cidr('10.9.1.0/24')!)).toBe(false);
  });

  it('makes routed networks plain bridges the host holds no address on and never masquerades', () => {
    const options = networkCreateOptions('fd-r-vpc', { name: 'vpc', egress: false, routed: true, subnet: '10.10.0.0/16' }, { a: 'b' });
    expect(options.Internal).toBe(false);
    expect(options.Options).toEqual({
      'com.docker.network.bridge.inhibit_ipv4': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'false',
    });
    expect(options.IPAM).toEqual({ Driver: 'default', Config: [{ Subnet: '10.10.0.0/16' }] });
    expect(() => networkCreateOptions('n', { name: 'n', egress: false, routed: true }, {})).toThrow(/needs a subnet/);
    expect(() => networkCreateOptions('n', { name: 'n', egress: true, routed: true, subnet: '10.1.0.0/16' }, {})).toThrow(/no egress/);
  });

  it('makes internal networks when egress is off', () => {
    const options = networkCreateOptions('fd-r-back', { name: 'back', egress: false, subnet: '10.5.0.0/24' }, { a: 'b' });
    expect(options).toMatchObject({ Name: 'fd-r-back', Driver: 'bridge', Internal: true, Labels: { a: 'b' }, IPAM: { Config: [{ Subnet: '10.5.0.0/24' }] } });
    expect(networkCreateOptions('n', { name: 'n', egress: true }, {})).not.toHaveProperty('IPAM');
  });
});

describe('start order', () => {
  const s = (name: string, dependsOn: string[] = []) => ({ name, dependsOn });
  it('starts dependencies first, keeping spec order otherwise', () => {
    expect(startOrder([s('app', ['db', 'cache']), s('db'), s('cache', ['db'])]).map((x) => x.name)).toEqual(['db', 'cache', 'app']);
  });
  it('starts a service as soon as its own dependencies are up, independent chains side by side', async () => {
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const start = (svc: { name: string }) =>
      new Promise<void>((resolve) => {
        log.push(`start ${svc.name}`);
        gates.set(svc.name, () => {
          log.push(`up ${svc.name}`);
          resolve();
        });
      });
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const done = startInDependencyOrder([s('web', ['lb']), s('lb', ['app']), s('app', ['db']), s('db'), s('cache'), s('stats', ['cache'])], start);
    await tick();
    expect(log).toEqual(['start db', 'start cache']);
    gates.get('cache')!();
    await tick();
    expect(log).toContain('start stats'); // does not wait for db's chain
    expect(log).not.toContain('start app');
    for (const name of ['db', 'app', 'lb', 'stats', 'web']) {
      gates.get(name)!();
      await tick();
    }
    await done;
    expect(log.indexOf('start app')).toBeGreaterThan(log.indexOf('up db'));
    expect(log.indexOf('start web')).toBeGreaterThan(log.indexOf('up lb'));
  });
  it('never starts the dependants of a failed service, and settles every start before rejecting', async () => {
    const started: string[] = [];
    let slowDone = false;
    const start = async (svc: { name: string }) => {
      started.push(svc.name);
      if (svc.name === 'db') throw new Error('db is unhealthy');
      if (svc.name === 'slow') await new Promise((r) => setTimeout(r, 20)).then(() => (slowDone = true));
    };
    await expect(startInDependencyOrder([s('app', ['db']), s('db'), s('slow')], start)).rejects.toThrow('db is unhealthy');
    expect(started).not.toContain('app');
    expect(slowDone).toBe(true);
  });
  it('names cycles and unknown services', () => {
    expect(() => startOrder([s('a', ['b']), s('b', ['a'])])).toThrow('a → b → a');
    expect(() => startOrder([s('a', ['ghost'])])).toThrow('"a" depends on unknown service "ghost"');
  });
});

describe('container create options', () => {
  const base: ServiceSpec = {
    name: 'web',
    image: 'firedrill/x-web:abc',
    env: { A: '1' },
    networks: [],
    capabilities: ['NET_ADMIN'],
    sysctls: { 'net.ipv4.ip_forward': '1' },
    files: [],
    publish: [8080],
    dependsOn: [],
    tty: false,
    healthcheck: { command: { argv: ['curl', '-f', 'http://localhost'] }, intervalMs: 1000, timeoutMs: 500, retries: 3, startPeriodMs: 2000 },
    memoryBytes: 256 * 1024 * 1024,
    cpus: 0.5,
    user: 'app',
  };

  it('maps the spec: init, 127.0.0.1 random ports, healthcheck in ns, limits, first network with ip and aliases', () => {
    const options = containerCreateOptions('fd-r-web', base, { l: 'v' }, [
      { dockerNetwork: 'fd-r-front', aliases: ['web', 'www'], ipv4: '10.0.0.5' },
      { dockerNetwork: 'fd-r-back', aliases: ['web'] },
    ]);
    expect(options).toMatchObject({
      name: 'fd-r-web',
      Hostname: 'web',
      Env: ['A=1'],
      User: 'app',
      Labels: { l: 'v' },
      ExposedPorts: { '8080/tcp': {} },
      Healthcheck: { Test: ['CMD', 'curl', '-f', 'http://localhost'], Interval: 1e9, Timeout: 5e8, Retries: 3, StartPeriod: 2e9 },
      HostConfig: {
        Init: true,
        CapAdd: ['NET_ADMIN'],
        Sysctls: { 'net.ipv4.ip_forward': '1' },
        PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        NetworkMode: 'fd-r-front',
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        NanoCpus: 5e8,
        PidsLimit: 512,
      },
      NetworkingConfig: { EndpointsConfig: { 'fd-r-front': { Aliases: ['web', 'www'], IPAMConfig: { IPv4Address: '10.0.0.5' } } } },
    });
    expect(options.HostConfig).not.toHaveProperty('Privileged');
    expect(options.HostConfig).not.toHaveProperty('Binds');
    expect(containerCreateOptions('n', { ...base, publish: [], healthcheck: undefined }, {}, []).HostConfig?.NetworkMode).toBe('none');
  });

  it('gives every container the default memory, CPU and pids limits unless the pack sets its own', () => {
    const { memoryBytes: _m, cpus: _c, ...unlimited } = base;
    expect(containerCreateOptions('n', unlimited, {}, []).HostConfig).toMatchObject({
      Memory: 512 * 1024 * 1024,
      MemorySwap: 512 * 1024 * 1024,
      NanoCpus: 1e9,
      PidsLimit: 512,
    });
    expect(containerCreateOptions('n', { ...unlimited, pids: 64 }, {}, []).HostConfig?.PidsLimit).toBe(64);
  });

  it('turns a shell-string healthcheck into CMD-SHELL', () => {
    const options = containerCreateOptions('n', { ...base, healthcheck: { ...base.healthcheck!, command: { shell: 'pg_isready' } } }, {}, []);
    expect(options.Healthcheck?.Test).toEqual(['CMD-SHELL', 'pg_isready']);
  });

  it('refuses capabilities that amount to host root', () => {
    expect(() => containerCreateOptions('n', { ...base, capabilities: ['cap_sys_admin'] }, {}, [])).toThrow(/service "web": capability cap_sys_admin is not allowed/);
    expect(() => containerCreateOptions('n', { ...base, capabilities: ['ALL'] }, {}, [])).toThrow(/ALL/);
  });
});

describe('safety net on raw create options', () => {
  const limits = { Memory: 1 << 29, NanoCpus: 1e9, PidsLimit: 512 };
  const ok = { name: 'fd-r-x', Image: 'i', HostConfig: limits };
  it.each([
    [{ Privileged: true }, /privileged/],
    [{ Binds: ['/var/run/docker.sock:/var/run/docker.sock'] }, /bind mounts/],
    [{ Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] }, /host mounts/],
    [{ Mounts: [{ Type: 'volume', Source: '/run/docker.sock', Target: '/s' }] }, /host mounts/],
    [{ NetworkMode: 'host' }, /network mode host/],
    [{ NetworkMode: 'container:abc' }, /network mode container:abc/],
    [{ PidMode: 'host' }, /PidMode host/],
    [{ IpcMode: 'host' }, /IpcMode host/],
    [{ Devices: [{ PathOnHost: '/dev/kmsg', PathInContainer: '/dev/kmsg', CgroupPermissions: 'r' }] }, /devices/],
    [{ SecurityOpt: ['seccomp=unconfined'] }, /seccomp/],
    [{ CapAdd: ['SYS_MODULE'] }, /SYS_MODULE/],
    [{ Memory: 0 }, /no memory limit/],
    [{ NanoCpus: undefined }, /no CPU limit/],
    [{ PidsLimit: -1 }, /no pids limit/],
  ])('refuses %o', (hostConfig, message) => {
    expect(() => assertSafeCreateOptions({ ...ok, HostConfig: { ...limits, ...hostConfig } as never })).toThrow(message);
  });
  it('accepts an ordinary container', () => {
    expect(() => assertSafeCreateOptions({ ...ok, HostConfig: { ...limits, NetworkMode: 'fd-r-front', CapAdd: ['NET_ADMIN'] } })).not.toThrow();
  });
});

describe('build progress and orphans', () => {
  it('parses classic builder steps', () => {
    expect(parseStep('Step 3/7 : RUN apt-get update')).toEqual({ current: 3, max: 7, text: 'RUN apt-get update' });
    expect(parseStep(' ---> Running in 1234')).toBeUndefined();
  });

  it('calls a run an orphan only when its owner on this host is gone', () => {
    const here = { pid: 100, host: 'me' };
    const labels = (pid: number, host: string) => ({ [LABELS.ownerPid]: String(pid), [LABELS.ownerHost]: host });
    const alive = (pid: number) => pid === 200;
    expect(isOrphan(labels(300, 'me'), here, alive)).toBe(true);
    expect(isOrphan(labels(200, 'me'), here, alive)).toBe(false);
    expect(isOrphan(labels(100, 'me'), here, alive)).toBe(false);
    expect(isOrphan(labels(300, 'other-host'), here, alive)).toBe(false);
    expect(isOrphan({}, here, alive)).toBe(true);
  });
});
