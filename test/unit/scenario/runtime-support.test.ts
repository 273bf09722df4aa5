import { describe, expect, it } from 'vitest';
import { createRuntimeRegistry } from '../../../main/app/runtimes.js';
import { validateScenarioText } from '../../../main/engine/scenario/validate.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { DOCKER_OPERATIONS } from '../../../sandbox/docker/docker-runtime.js';
import { lines, mutate, VALID_DIR, VALID_FILE } from './helpers.js';

/** A registry as a build with a Kubernetes runtime that cannot stop a service (no such verb for a pod) would have. */
function withKubernetes(): RuntimeRegistry {
  const registry = createRuntimeRegistry();
  registry.register({
    kind: 'kubernetes',
    operations: SANDBOX_OPERATIONS.filter((op) => op !== 'stop'),
    create: () => {
      throw new Error('not needed: validation never creates a runtime');
    },
  });
  return registry;
}

/** A build with the Docker runtime only. */
function dockerOnly(): RuntimeRegistry {
  return new RuntimeRegistry([{ kind: 'docker', operations: DOCKER_OPERATIONS, create: () => { throw new Error('not needed'); } }]);
}

const validate = (text: string, registry: RuntimeRegistry) =>
  validateScenarioText(text, VALID_FILE, VALID_DIR, { supports: (kind, operation) => registry.supports(kind, operation) });

describe('validation against what the runtimes can do', () => {
  it('accepts every action on Docker, which supports every operation', () => {
    const result = validate(mutate(), createRuntimeRegistry());
    expect(result.ok).toBe(true);
  });

  it('rejects an action one of the pack runtimes cannot perform, at the action', () => {
    const result = validate(mutate(['runtimes: [docker]', 'runtimes: [docker, kind]']), withKubernetes());
    expect(result.ok).toBe(false);
    expect(lines(result)).toEqual([
      expect.stringMatching(/^144:\d+: the kubernetes runtime cannot stop, which the stop action needs: drop kubernetes from runtimes or use another action \(at variants\[0\]\.faults\[0\]\.action\.stop\)$/),
    ]);
  });

  it('rejects tmpfs or volumes on a runtime that cannot provide them, at the field', () => {
    const registry = createRuntimeRegistry();
    registry.register({
      kind: 'kubernetes',
      operations: SANDBOX_OPERATIONS.filter((op) => op !== 'tmpfs' && op !== 'volume'),
      create: () => {
        throw new Error('not needed: validation never creates a runtime');
      },
    });
    const text = mutate(
      ['runtimes: [docker]', 'runtimes: [docker, kubernetes]'],
      ['      files:\n        - source: files/api.conf', '      tmpfs: [{ target: /spool, size: 1m }]\n      volumes: [{ volume: v, target: /v }]\n      files:\n        - source: files/api.conf'],
      ['  networks:\n    - name: lab\n', '  volumes: [{ name: v }]\n  networks:\n    - name: lab\n'],
    );
    expect(lines(validate(text, registry))).toEqual([
      expect.stringMatching(/^\d+:7: the kubernetes runtime cannot give a service a tmpfs: drop kubernetes from runtimes or use a volume \(at environment\.services\.api\.tmpfs\)$/),
      expect.stringMatching(/^\d+:7: the kubernetes runtime cannot mount shared volumes: drop kubernetes from runtimes \(at environment\.services\.api\.volumes\)$/),
    ]);
    expect(validate(text, dockerOnly()).ok).toBe(true);
    // This build's Kubernetes runtime has neither (a pod's volumes come from its manifests).
    expect(lines(validate(text, createRuntimeRegistry())).filter((l) => /tmpfs|shared volumes/.test(l))).toHaveLength(2);
  });

  it('says nothing of a runtime this build does not have (a pack may name one that comes later)', () => {
    const result = validate(mutate(['runtimes: [docker]', 'runtimes: [docker, kubernetes]']), dockerOnly());
    expect(result.ok).toBe(true);
    expect(result.scenario!.runtimes).toEqual(['docker', 'kubernetes']);
  });

  it('reads `kind` as kubernetes, once', () => {
    const result = validate(mutate(['runtimes: [docker]', 'runtimes: [kind, kubernetes, docker]']), dockerOnly());
    expect(result.scenario!.runtimes).toEqual(['kubernetes', 'docker']);
  });
});
