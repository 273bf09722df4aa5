import { describe, expect, it } from 'vitest';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import type { SandboxRuntime } from '../../../sandbox/runtime.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';

describe('the runtime registry', () => {
  it('creates a runtime on first use only, and answers supports() without it', async () => {
    let created = 0;
    const registry = new RuntimeRegistry([
      {
        kind: 'docker',
        operations: ['exec', 'stop'],
        create: () => {
          created += 1;
          return new FakeRuntime();
        },
      },
    ]);
    expect(registry.supports('docker', 'stop')).toBe(true);
    expect(registry.supports('docker', 'pause')).toBe(false);
    expect(registry.supports('kubernetes', 'exec')).toBeUndefined();
    const runtime = registry.get('docker');
    expect(runtime.supports('pause')).toBe(false);
    expect(created).toBe(0);
    await runtime.imagesPresent([]);
    await runtime.imagesPresent([]);
    expect(created).toBe(1);
  });

  it('a runtime that cannot be created fails the operation, not the start-up', async () => {
    const registry = new RuntimeRegistry([{ kind: 'docker', operations: [], create: () => { throw new Error('no Docker socket'); } }]);
    const runtime = registry.get('docker');
    await expect(runtime.cleanup({ onlyOrphans: true })).rejects.toThrow(/no Docker socket/);
  });

  it("picks the scenario's first available runtime, or the one asked for if the scenario names it", () => {
    const docker = new FakeRuntime();
    const kube = Object.assign(new FakeRuntime(), { kind: 'kubernetes' }) as unknown as SandboxRuntime;
    const registry = new RuntimeRegistry([
      { kind: 'docker', operations: [], create: () => docker },
      { kind: 'kubernetes', operations: [], create: () => kube },
    ]);
    expect(registry.forScenario(['kubernetes', 'docker'])?.kind).toBe('kubernetes');
    expect(registry.forScenario(['kubernetes', 'docker'], 'docker')?.kind).toBe('docker');
    expect(() => registry.forScenario(['docker'], 'kubernetes')).toThrow(/does not run on kubernetes/);
    expect(new RuntimeRegistry([]).forScenario(['docker'])).toBeNull();
    expect(() => new RuntimeRegistry([]).get('docker')).toThrow(/not available in this version/);
  });

  it('merges every runtime\'s cleanup report', async () => {
    const a = Object.assign(new FakeRuntime(), { cleanup: async () => ({ removed: [{ kind: 'container', name: 'fd-a' }] }) });
    const b = Object.assign(new FakeRuntime(), { kind: 'kubernetes', cleanup: async () => ({ removed: [{ kind: 'namespace', name: 'fd-b' }] }) });
    const registry = new RuntimeRegistry([
      { kind: 'docker', operations: [], create: () => a },
      { kind: 'kubernetes', operations: [], create: () => b as unknown as SandboxRuntime },
    ]);
    expect((await registry.cleanup({ runId: 'r' })).removed).toEqual([
      { kind: 'container', name: 'fd-a' },
      { kind: 'namespace', name: 'fd-b' },
    ]);
  });
});
