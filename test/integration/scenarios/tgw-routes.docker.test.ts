import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAppContext } from '../../../main/app/context.js';
import { readEvents } from '../../../main/engine/events/event-log.js';
import type { Run } from '../../../main/engine/run/run.js';
import { imageSpecs } from '../../../main/engine/run/spec.js';
import type { Sandbox } from '../../../sandbox/runtime.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

const PACK = join(ROOT, 'scenarios/tgw-routes');
const SPOKES = 'tgw-rtb-0c1e5a9d3b7f2e4a1';
const SHARED = 'tgw-rtb-0d2f6b1e4c8a3f5b2';
const run = promisify(execFile);

interface TestReport {
  ok: boolean;
  session: string;
  phases: { name: string; ok: boolean; detail: string }[];
}

/** `firedrill test` for one variant: healthy matrix, the fault observable, the reference fix resolving it. */
async function proveVariant(variant: string, resolution: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'fd-tgw-'));
  const result = await runCli(
    ['test', 'scenarios/tgw-routes', '--json', '--variant', variant],
    { FIREDRILL_HOME: home },
    900_000,
  );
  let report: TestReport;
  try {
    report = JSON.parse(result.stdout) as TestReport;
  } catch {
    throw new Error(`firedrill test printed no report (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
  }
  expect(report.phases.map((p) => `${p.name}:${p.ok ? 'ok' : p.detail}`)).toEqual(
    ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'].map(
      (p) => `${p}:ok`,
    ),
  );
  expect(result.code).toBe(0);
  const { events } = readEvents(join(report.session, 'events.jsonl'));
  expect(events.some((e) => e.type === 'resolution.reached' && e.resolutionId === resolution)).toBe(true);
  // The closed path held closed in the steady state (the matrix is not "everything open").
  expect(
    events.some(
      (e) =>
        e.type === 'check.changed' &&
        e.checkId === 'shared-not-to-db' &&
        e.pass &&
        (e as { observed?: string }).observed?.endsWith('closed'),
    ),
  ).toBe(true);
}

/** A command in a service as its image's user (the bastion: oncall), through a login shell like the learner's. */
async function sh(sandbox: Sandbox, service: string, command: string, timeoutMs = 60_000) {
  return sandbox.exec(service, ['bash', '-lc', command], { timeoutMs, env: { AWS_PAGER: '' } });
}

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

const tcpOpen = async (sandbox: Sandbox, from: string, host: string, port: number): Promise<boolean> =>
  (
    await sandbox.exec(from, ['bash', '-c', `timeout 2 bash -c 'exec 3<>/dev/tcp/${host}/${port}'`], {
      timeoutMs: 5_000,
    })
  ).exitCode === 0;

describeDocker(
  'tgw-routes on real Docker: a Transit Gateway data plane, the real AWS CLI, four faults',
  () => {
    it('passes firedrill test: the stale blackhole in spokes, deleted with the CLI', async () => {
      await proveVariant('default', 'blackhole-removed');
    }, 1_000_000);

    it('passes firedrill test in its propagation-disabled variant', async () => {
      await proveVariant('propagation-disabled', 'propagation-restored');
    }, 1_000_000);

    it('passes firedrill test in its wrong-association variant', async () => {
      await proveVariant('wrong-association', 'reassociated');
    }, 1_000_000);

    it('passes firedrill test in its missing-return-route variant (asymmetric: replies vanish)', async () => {
      await proveVariant('missing-return-route', 'return-route');
    }, 1_000_000);

    it("runs the agent's own unit tests inside its image (wire format against botocore, AWS semantics, rendering)", async () => {
      const { manager } = createAppContext({
        env: { ...process.env, FIREDRILL_HOME: mkdtempSync(join(tmpdir(), 'fd-tgw-')) },
      });
      const loaded = await manager.resolvePack(PACK);
      const agent = imageSpecs(loaded.scenario, loaded.dir).find((image) => image.name === 'agent')!;
      await manager.runtimeFor(loaded)!.buildImages([agent], () => undefined);
      const { stdout, stderr } = await run(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'none',
          '--label',
          'firedrill.test=tgw-routes-unit',
          agent.tag,
          'python3',
          '-m',
          'unittest',
          'discover',
          '-s',
          '/opt/labnet/tests',
          '-t',
          '/opt/labnet/tests',
          '-v',
        ],
        { timeout: 180_000 },
      );
      const output = `${stdout}\n${stderr}`;
      expect(output, output).toMatch(/\nOK\s*$/);
      expect(Number(/Ran (\d+) tests/.exec(output)?.[1])).toBeGreaterThanOrEqual(39);
    }, 600_000);
  },
);

describeDocker('tgw-routes from the bastion: the exact AWS CLI commands a learner types', () => {
  let live: Run;
  let sandbox: Sandbox;

  beforeAll(async () => {
    const { manager } = createAppContext({
      env: { ...process.env, FIREDRILL_HOME: mkdtempSync(join(tmpdir(), 'fd-tgw-cli-')) },
    });
    live = manager.create(await manager.resolvePack(PACK), { variant: 'default' });
    await live.startLive();
    sandbox = live.sandbox!;
  }, 600_000);

  afterAll(async () => {
    await live?.teardown();
  }, 120_000);

  it("finds vpc-a's table, sees the static blackhole, deletes it, and web reaches db again", async () => {
    // The symptom, from web: db times out, api answers.
    expect(await tcpOpen(sandbox, 'web', '10.20.8.30', 5432)).toBe(false);
    expect(await tcpOpen(sandbox, 'web', '10.20.1.20', 8080)).toBe(true);

    const who = await sh(sandbox, 'bastion', 'aws sts get-caller-identity --query Arn --output text');
    expect(who.stdout.trim()).toBe('arn:aws:iam::111122223333:user/oncall');

    const association = await sh(
      sandbox,
      'bastion',
      "aws ec2 describe-transit-gateway-attachments --filters Name=tag:Name,Values=vpc-a --query 'TransitGatewayAttachments[0].Association.TransitGatewayRouteTableId' --output text",
    );
    expect(association.stderr).toBe('');
    expect(association.stdout.trim()).toBe(SPOKES);

    const search = await sh(
      sandbox,
      'bastion',
      `aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id ${SPOKES} --filters Name=type,Values=static`,
    );
    expect(search.exitCode, search.stderr).toBe(0);
    expect(search.stdout).toContain('"State": "blackhole"');
    expect(JSON.parse(search.stdout)).toEqual({
      Routes: [{ DestinationCidrBlock: '10.20.8.0/24', Type: 'static', State: 'blackhole' }],
      AdditionalRoutesAvailable: false,
    });

    const table = await sh(
      sandbox,
      'bastion',
      `aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id ${SPOKES} --filters Name=state,Values=active,blackhole --output table`,
    );
    expect(table.stdout).toMatch(/SearchTransitGatewayRoutes/);
    expect(table.stdout).toMatch(/10\.20\.0\.0\/16\s*\|\s*active\s*\|\s*propagated/);

    const trail = await sh(
      sandbox,
      'bastion',
      "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateTransitGatewayRoute --query 'Events[].Username' --output text",
    );
    expect(trail.stdout.trim().split(/\s+/)).toEqual([
      'cutover-scheduler',
      'cutover-scheduler',
      'tf-apply-network-main',
    ]);

    const remove = await sh(
      sandbox,
      'bastion',
      `aws ec2 delete-transit-gateway-route --transit-gateway-route-table-id ${SPOKES} --destination-cidr-block 10.20.8.0/24`,
    );
    expect(remove.exitCode, remove.stderr).toBe(0);
    expect(JSON.parse(remove.stdout)).toMatchObject({
      Route: { DestinationCidrBlock: '10.20.8.0/24', State: 'deleted' },
    });

    await eventually('web reaching db:5432', () => tcpOpen(sandbox, 'web', '10.20.8.30', 5432));
    const checkout = await sandbox.exec('web', [
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-m',
      '8',
      '-w',
      '%{http_code}',
      'http://10.10.1.10/checkout',
    ]);
    expect(checkout.stdout).toBe('200');
    // The segmentation blackhole is untouched: vpc-shared still cannot reach db.
    expect(await tcpOpen(sandbox, 'monitoring', '10.20.8.30', 5432)).toBe(false);
    // The agent's state and the kernel agree.
    expect((await sandbox.exec('tgw', ['python3', '-m', 'labnet.dataplane', 'verify'])).exitCode).toBe(0);

    const audited = await sh(
      sandbox,
      'bastion',
      "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=oncall --max-results 5 --query 'Events[0].[EventName,Username]' --output text",
    );
    expect(audited.stdout.trim().split(/\s+/)).toEqual(['DeleteTransitGatewayRoute', 'oncall']);
  }, 300_000);

  it("answers AWS's errors: a route that is gone, a table that does not exist, a call the lab does not serve", async () => {
    const again = await sh(
      sandbox,
      'bastion',
      `aws ec2 delete-transit-gateway-route --transit-gateway-route-table-id ${SPOKES} --destination-cidr-block 10.20.8.0/24`,
    );
    expect(again.exitCode).toBe(254);
    expect(again.stderr).toMatch(
      /\(InvalidRoute\.NotFound\) when calling the DeleteTransitGatewayRoute operation/,
    );

    const missing = await sh(
      sandbox,
      'bastion',
      'aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id tgw-rtb-0000000000000000a --filters Name=type,Values=static',
    );
    expect(missing.stderr).toMatch(/\(InvalidRouteTableID\.NotFound\)/);

    const unsupported = await sh(sandbox, 'bastion', 'aws ec2 describe-instances');
    expect(unsupported.exitCode).toBe(254);
    expect(unsupported.stderr).toMatch(
      /\(UnsupportedOperation\) when calling the DescribeInstances operation/,
    );

    const dryRun = await sh(
      sandbox,
      'bastion',
      `aws ec2 delete-transit-gateway-route --dry-run --transit-gateway-route-table-id ${SHARED} --destination-cidr-block 10.20.8.0/24`,
    );
    expect(dryRun.stderr).toMatch(/\(DryRunOperation\)/);

    const badKey = await sh(
      sandbox,
      'bastion',
      'AWS_SECRET_ACCESS_KEY=wrong AWS_ACCESS_KEY_ID=AKIAQ3LAB0NCALLKEY01 aws ec2 describe-vpcs',
    );
    expect(badKey.stderr).toMatch(/\(AuthFailure\)/);
  }, 300_000);
});
