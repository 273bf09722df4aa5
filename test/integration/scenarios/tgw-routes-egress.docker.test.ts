/**
 * Nothing leaves the sandbox, even on routed networks: a decoy host this test creates on the machine (a
 * network namespace behind a veth, a documentation address) is reachable from the host and from a plain
 * container, and unreachable from every service of tgw-routes, before and after the learner opens the widest
 * routes the AWS API allows. Traffic goes only to the sandbox and to the decoy, one bounded attempt each.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAppContext } from '../../../main/app/context.js';
import type { Run } from '../../../main/engine/run/run.js';
import type { Sandbox } from '../../../sandbox/runtime.js';
import { ROOT } from '../../helpers/cli.js';
import { describeDocker, dockerRequired } from '../../helpers/docker-gate.js';

const exec = promisify(execFile);
const PACK = join(ROOT, 'scenarios/tgw-routes');
const INSTANCES = { web: '10.10.0.1', api: '10.20.0.1', db: '10.20.0.1', monitoring: '10.30.0.1' } as const;
const EVERY_SERVICE = ['web', 'api', 'db', 'monitoring', 'tgw', 'ec2-agent', 'bastion'];

/** Creating a network namespace needs root on the machine (CI runs as root). */
const canMakeDecoy = process.getuid?.() === 0;

interface Decoy {
  ns: string;
  hostIf: string;
  address: string;
  /** IPv4 packets the decoy has received (its own namespace's counter: nothing else talks to it). */
  received(): Promise<number>;
  remove(): Promise<void>;
}

async function ip(...args: string[]): Promise<string> {
  return (await exec('ip', args)).stdout;
}

/** A /30 of 198.51.100.0/24 (TEST-NET-2) that nothing on this machine uses yet. */
async function freeSubnet(): Promise<number> {
  const used = await ip('-4', '-o', 'addr', 'show');
  const routes = await ip('-4', 'route', 'show', 'table', 'all');
  for (let base = 4 * (process.pid % 60); base < 256; base += 4) {
    const taken = [1, 2].some((host) =>
      new RegExp(`\\b198\\.51\\.100\\.${base + host}\\b`).test(used + routes),
    );
    if (!taken) return base;
  }
  throw new Error('no free /30 in 198.51.100.0/24 for the decoy');
}

async function makeDecoy(): Promise<Decoy> {
  const tag = String(process.pid % 100_000);
  const ns = `fd-decoy-${tag}`;
  const hostIf = `fdd${tag}h`;
  const nsIf = `fdd${tag}n`;
  const base = await freeSubnet();
  const address = `198.51.100.${base + 2}`;
  await ip('netns', 'add', ns);
  await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
  await ip('link', 'set', nsIf, 'netns', ns);
  await ip('addr', 'add', `198.51.100.${base + 1}/30`, 'dev', hostIf);
  await ip('link', 'set', hostIf, 'up');
  await ip('-n', ns, 'addr', 'add', `${address}/30`, 'dev', nsIf);
  await ip('-n', ns, 'link', 'set', nsIf, 'up');
  await ip('-n', ns, 'link', 'set', 'lo', 'up');
  await ip('-n', ns, 'route', 'add', 'default', 'via', `198.51.100.${base + 1}`);
  return {
    ns,
    hostIf,
    address,
    async received() {
      const snmp = (await exec('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp'])).stdout
        .split('\n')
        .filter((l) => l.startsWith('Ip:'));
      const names = snmp[0]!.split(/\s+/);
      return Number(snmp[1]!.split(/\s+/)[names.indexOf('InReceives')]);
    },
    async remove() {
      await ip('netns', 'del', ns).catch(() => undefined);
      await ip('link', 'del', hostIf).catch(() => undefined);
    },
  };
}

/** One TCP connect, one UDP datagram and (where ping exists) one echo request to the decoy, bounded. */
async function knock(sandbox: Sandbox, service: string, address: string): Promise<void> {
  const script = [
    `timeout 2 bash -c 'exec 3<>/dev/tcp/${address}/80' 2>/dev/null`,
    `timeout 2 bash -c 'echo knock > /dev/udp/${address}/53' 2>/dev/null`,
    `command -v ping >/dev/null && timeout 3 ping -c 1 -W 2 ${address} >/dev/null 2>&1`,
    'true',
  ].join('; ');
  await sandbox.exec(service, ['bash', '-c', script], { timeoutMs: 15_000, user: 'root' });
}

describeDocker('nothing leaves the tgw-routes sandbox (routed networks, a decoy host on the machine)', () => {
  let live: Run;
  let sandbox: Sandbox;
  let decoy: Decoy;

  beforeAll(async () => {
    if (!canMakeDecoy) return;
    decoy = await makeDecoy();
    const { manager } = createAppContext({
      env: { ...process.env, FIREDRILL_HOME: mkdtempSync(join(tmpdir(), 'fd-tgw-egress-')) },
    });
    live = manager.create(await manager.resolvePack(PACK), { variant: 'default' });
    await live.prepare();
    await live.baseline();
    sandbox = live.sandbox!;
  }, 600_000);

  afterAll(async () => {
    await live?.teardown();
    await decoy?.remove();
  }, 120_000);

  it.skipIf(!canMakeDecoy && !dockerRequired)(
    'has what the proof needs: root, to make the decoy namespace',
    () => {
      expect(canMakeDecoy, 'creating the decoy network namespace needs root (CI runs as root)').toBe(true);
    },
  );

  it.skipIf(!canMakeDecoy)(
    'the decoy is reachable from the host and from a plain container (the control)',
    async () => {
      const before = await decoy.received();
      await exec('bash', [
        '-c',
        `timeout 2 bash -c 'exec 3<>/dev/tcp/${decoy.address}/80' 2>/dev/null; true`,
      ]);
      await exec(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'bridge',
          '--label',
          'firedrill.test=tgw-routes-egress-control',
          'debian:bookworm',
          'bash',
          '-c',
          `timeout 2 bash -c 'exec 3<>/dev/tcp/${decoy.address}/80' 2>/dev/null; true`,
        ],
        { timeout: 60_000 },
      );
      expect(await decoy.received()).toBeGreaterThanOrEqual(before + 2);
    },
    120_000,
  );

  it.skipIf(!canMakeDecoy)(
    'routed networks: the host holds no address on them and never masquerades',
    async () => {
      const networks = (
        await exec('docker', [
          'network',
          'ls',
          '--filter',
          `label=firedrill.run=${live.id}`,
          '--format',
          '{{.Name}}',
        ])
      ).stdout
        .trim()
        .split('\n');
      const routed = networks.filter((n) => /-vpc-(a|b|shared)$/.test(n));
      expect(routed).toHaveLength(3);
      for (const name of routed) {
        const [info] = JSON.parse((await exec('docker', ['network', 'inspect', name])).stdout) as {
          Id: string;
          Internal: boolean;
          Options: Record<string, string>;
        }[];
        expect(info!.Internal).toBe(false);
        expect(info!.Options['com.docker.network.bridge.inhibit_ipv4']).toBe('true');
        expect(info!.Options['com.docker.network.bridge.enable_ip_masquerade']).toBe('false');
        expect(await ip('-4', 'addr', 'show', 'dev', `br-${info!.Id.slice(0, 12)}`)).toBe('');
      }
    },
    120_000,
  );

  it.skipIf(!canMakeDecoy)(
    'every instance routes an outside address to its VPC router, which is the TGW, and the TGW drops it',
    async () => {
      const tgwAddresses = (await sandbox.exec('tgw', ['ip', '-4', '-o', 'addr', 'show'])).stdout;
      for (const [instance, router] of Object.entries(INSTANCES)) {
        const route = await sandbox.exec(instance, ['ip', 'route', 'get', decoy.address]);
        expect(route.stdout, `${instance}: ${route.stdout}${route.stderr}`).toMatch(
          new RegExp(`^${decoy.address.replace(/\./g, '\\.')} via ${router.replace(/\./g, '\\.')} dev `),
        );
        expect(tgwAddresses).toContain(` ${router}/16 `);
      }
      // In the TGW, a packet from web (in on vpc-a's interface) to the decoy meets a blackhole: the kernel answers EINVAL.
      const vpcA = /^\d+:\s+(\S+)\s+inet 10\.10\.0\.2\//m.exec(tgwAddresses)?.[1];
      expect(vpcA).toBeDefined();
      const forwarded = await sandbox.exec('tgw', [
        'ip',
        'route',
        'get',
        decoy.address,
        'from',
        '10.10.1.10',
        'iif',
        vpcA!,
      ]);
      expect(forwarded.exitCode).not.toBe(0);
      expect(forwarded.stderr).toMatch(/Invalid argument/);
      for (const table of ['101', '102']) {
        expect((await sandbox.exec('tgw', ['ip', 'route', 'show', 'table', table])).stdout).toMatch(
          /^blackhole default proto 182/m,
        );
      }
    },
    120_000,
  );

  it.skipIf(!canMakeDecoy)(
    'no packet from any service reaches the decoy, even after the learner opens the widest routes',
    async () => {
      const before = await decoy.received();
      await Promise.all(EVERY_SERVICE.map((service) => knock(sandbox, service, decoy.address)));
      expect(await decoy.received()).toBe(before);

      // The widest routes the API allows: every VPC sends everything to the TGW, and spokes sends everything to vpc-shared.
      const widen = [
        'aws ec2 create-route --route-table-id rtb-0a51c7e3f9b2d4a6c --destination-cidr-block 0.0.0.0/0 --transit-gateway-id tgw-0f3c9a1e7b25d4c68',
        'aws ec2 create-transit-gateway-route --transit-gateway-route-table-id tgw-rtb-0c1e5a9d3b7f2e4a1 --destination-cidr-block 0.0.0.0/0 --transit-gateway-attachment-id tgw-attach-05d9a3e7c2b1f4a63',
      ];
      for (const command of widen) {
        const result = await sandbox.exec('bastion', ['bash', '-lc', command], {
          timeoutMs: 60_000,
          env: { AWS_PAGER: '' },
        });
        expect(result.exitCode, result.stderr).toBe(0);
      }
      const synced = async () =>
        (await sandbox.exec('tgw', ['python3', '-m', 'labnet.dataplane', 'verify'])).exitCode === 0;
      for (let i = 0; i < 20 && !(await synced()); i++) await new Promise((r) => setTimeout(r, 500));
      expect(await synced()).toBe(true);
      const widened = await decoy.received();
      await Promise.all(EVERY_SERVICE.map((service) => knock(sandbox, service, decoy.address)));
      expect(await decoy.received()).toBe(widened);
    },
    300_000,
  );
});
