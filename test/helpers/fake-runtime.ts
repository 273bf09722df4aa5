/**
 * A SandboxRuntime without Docker for engine unit tests: one pretend "switch" per run that fault steps,
 * solutions and checks read and write through exec, recording every call.
 */
import type { ExecResult, Sandbox, SandboxOperation, SandboxRuntime, SandboxSpec } from '../../sandbox/runtime.js';

export class FakeSandbox implements Sandbox {
  state = 'ok';
  /** Named values for packs that need more than the switch (`set-var NAME VALUE`, `get-var NAME`). */
  vars = new Map<string, string>();
  calls: string[] = [];
  tornDown = false;
  constructor(readonly runId: string, readonly spec: SandboxSpec) {}

  async exec(service: string, command: string[]): Promise<ExecResult> {
    const line = command.join(' ');
    this.calls.push(`exec ${service}: ${line}`);
    const set = /set-state (\w+)/.exec(line);
    if (set) {
      this.state = set[1]!;
      return { exitCode: 0, stdout: `state=${this.state}\n`, stderr: '' };
    }
    if (line.includes('get-state')) return { exitCode: 0, stdout: `${this.state}\n`, stderr: '' };
    const setVar = /set-var (\w+) (\w+)/.exec(line);
    if (setVar) {
      this.vars.set(setVar[1]!, setVar[2]!);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    const getVar = /get-var (\w+)/.exec(line);
    if (getVar) return { exitCode: 0, stdout: `${this.vars.get(getVar[1]!) ?? ''}\n`, stderr: '' };
    if (line.includes('fail')) return { exitCode: 3, stdout: '', stderr: 'boom\n' };
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  async stop(service: string) { this.calls.push(`stop ${service}`); }
  async start(service: string) { this.calls.push(`start ${service}`); }
  async restart(service: string) { this.calls.push(`restart ${service}`); }
  async kill(service: string) { this.calls.push(`kill ${service}`); }
  async pause(service: string) { this.calls.push(`pause ${service}`); }
  async unpause(service: string) { this.calls.push(`unpause ${service}`); }
  async disconnect(service: string, network: string) { this.calls.push(`disconnect ${service} ${network}`); }
  async connect(service: string, network: string) { this.calls.push(`connect ${service} ${network}`); }
  async writeFile(service: string, path: string) { this.calls.push(`write ${service} ${path}`); }
  async replace(service: string, overrides: { image?: string }) {
    this.calls.push(`replace ${service} ${overrides.image ?? ''}`);
  }
  async endpoint() { return { host: '127.0.0.1', port: 1 }; }
  shellCommand() { return { file: 'bash', args: [], env: {} }; }
  async teardown() { this.tornDown = true; }
}

export class FakeRuntime implements SandboxRuntime {
  readonly kind = 'docker' as const;
  supports(_operation: SandboxOperation) { return true; }
  sandboxes: FakeSandbox[] = [];
  built: string[] = [];
  cleaned: string[] = [];
  async imagesPresent(tags: string[]) { return Object.fromEntries(tags.map((t) => [t, this.built.includes(t)])); }
  async buildImages(images: { tag: string }[]) { this.built.push(...images.map((i) => i.tag)); }
  async up(spec: SandboxSpec) {
    const sandbox = new FakeSandbox(spec.runId, spec);
    this.sandboxes.push(sandbox);
    return sandbox;
  }
  async cleanup(options: { runId?: string } = {}) {
    this.cleaned.push(options.runId ?? '*');
    return { removed: [] };
  }
}
