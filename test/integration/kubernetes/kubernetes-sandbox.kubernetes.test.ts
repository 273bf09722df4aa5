/**
 * A Kubernetes sandbox's operations on real pods of the test control plane: exec (exit codes, stdin, users),
 * writeFile, logs, a port-forward the Node side reaches over HTTP, a deploy (replace) and stop/start, then
 * teardown leaving nothing in the API server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKubeApi, loadKubeConfig } from '../../../sandbox/kubernetes/api.js';
import { KubernetesRuntime } from '../../../sandbox/kubernetes/kubernetes-runtime.js';
import type { Sandbox, ServiceSpec } from '../../../sandbox/runtime.js';
import { ROOT } from '../../helpers/cli.js';
import { describeKubernetes, TEST_KUBECONFIG, TEST_KUBECTL } from '../../helpers/kubernetes-gate.js';

/**
 * A tiny HTTP server in Perl (perl-base is in every Debian image): answers `hello <WORD>` on 8080, with a
 * Content-Length (a port-forward does not pass on the pod side's close, so a close-delimited body never ends).
 */
const SERVER = `
use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die "listen: $!";
print STDOUT "listening on 8080\\n"; STDOUT->flush();
while (my $c = $s->accept) { <$c>; my $b = "hello $ENV{WORD}\\n"; print $c "HTTP/1.0 200 OK\\r\\nContent-Length: " . length($b) . "\\r\\n\\r\\n$b"; close $c; }
`;

function service(name: string, overrides: Partial<ServiceSpec>): ServiceSpec {
  return { name, image: 'debian:bookworm', env: {}, networks: [], capabilities: [], sysctls: {}, files: [], publish: [], dependsOn: [], tty: false, ...overrides };
}

describeKubernetes('a Kubernetes sandbox on real pods', () => {
  const runId = `sandbox-${Date.now().toString(36)}`;
  let runtime: KubernetesRuntime;
  let sandbox: Sandbox;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-k8s-sandbox-'));
    runtime = new KubernetesRuntime({
      dataDir: home,
      env: { FIREDRILL_KUBECONFIG: TEST_KUBECONFIG, FIREDRILL_KUBECTL: TEST_KUBECTL, FIREDRILL_KUBE_IMAGE_LOAD: `bash ${join(ROOT, 'test/k8s/cluster.sh')} load` },
    });
    sandbox = await runtime.up(
      {
        runId,
        scenario: 'sandbox-ops',
        images: [],
        networks: [],
        services: [
          service('web', { entrypoint: ['perl', '-e', SERVER], env: { WORD: 'world' }, publish: [8080], healthcheck: { command: { shell: 'true' }, intervalMs: 1000, timeoutMs: 1000, retries: 30, startPeriodMs: 0 } }),
          service('bastion', { command: ['sleep', 'infinity'], tty: true }),
        ],
        rolloutTimeoutMs: 120_000,
      },
      () => undefined,
    );
  });

  afterAll(async () => {
    await sandbox?.teardown();
  });

  it('execs with exit codes, stdin and another user; writes files', async () => {
    expect(await sandbox.exec('bastion', ['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await sandbox.exec('bastion', ['cat'], { stdin: 'from stdin' })).stdout).toBe('from stdin');
    expect((await sandbox.exec('bastion', ['id', '-un'], { user: 'nobody' })).stdout.trim()).toBe('nobody');
    expect((await sandbox.exec('bastion', ['pwd'], { workdir: '/tmp' })).stdout.trim()).toBe('/tmp');
    await sandbox.writeFile('bastion', '/etc/lab/motd', 'written\n', 0o640);
    expect((await sandbox.exec('bastion', ['stat', '-c', '%a %s', '/etc/lab/motd'])).stdout.trim()).toBe('640 8');
    expect((await sandbox.exec('bastion', ['sleep', '30'], { timeoutMs: 1500 })).exitCode).toBe(124);
  });

  it("opens the learner's terminal as kubectl exec -it with Firedrill's kubeconfig, on a real TTY", async () => {
    const { spawn } = await import('node-pty');
    const shell = sandbox.shellCommand('bastion', ['sh', '-c', 'echo "tty=$(tty) term=$TERM"']);
    const term = spawn(shell.file, shell.args, { cols: 80, rows: 24, env: { ...process.env, KUBECONFIG: '/nonexistent', ...shell.env } as Record<string, string> });
    let output = '';
    term.onData((data) => (output += data));
    const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    expect(code).toBe(0);
    expect(output).toMatch(/tty=\/dev\/pts\/\d+ term=xterm-256color/);
  });

  it('reaches a published port through a port-forward, reads logs, and deploys a new environment', async () => {
    const { host, port } = await sandbox.endpoint('web', 8080);
    expect(await (await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(20_000) })).text()).toBe('hello world\n');
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
    expect(await sandbox.cluster!.logs(ref)).toContain('listening on 8080');
    await sandbox.replace('web', { env: { WORD: 'again' } });
    // The forward picks the new pod for each connection.
    expect(await (await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(20_000) })).text()).toBe('hello again\n');
    await sandbox.stop('web');
    expect((await sandbox.cluster!.get(ref))!.spec).toMatchObject({ replicas: 0 });
    await sandbox.start('web');
    expect((await sandbox.exec('web', ['sh', '-c', 'tr "\\0" "\\n" < /proc/1/environ | grep WORD'])).stdout.trim()).toBe('WORD=again');
  });

  it('tears down to nothing in the API server', async () => {
    await sandbox.teardown();
    const api = createKubeApi(loadKubeConfig(TEST_KUBECONFIG));
    expect(await api.list('v1', 'Namespace', { labelSelector: `firedrill.run=${runId}` })).toEqual([]);
    expect((await runtime.cleanup({ runId })).removed).toEqual([]);
  });
});
