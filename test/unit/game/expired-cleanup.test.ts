/**
 * `firedrill clean --expired` and the start-up sweep: only objects past their deadline label go, whoever
 * owns them; `gameId` selects one game's objects (the kill switch's sweep, the watchdog). The Docker
 * cleanup over a fake engine that filters by label as Docker does.
 */
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { cleanupRuns } from '../../../sandbox/docker/cleanup.js';
import { LABELS } from '../../../sandbox/runtime.js';

function fakeDocker(objects: { name: string; labels: Record<string, string> }[]) {
  const removed: string[] = [];
  const matches = (filters: string, labels: Record<string, string>) =>
    (JSON.parse(filters) as { label: string[] }).label.every((l) => {
      const [key, value] = l.split('=');
      return labels[key!] === value;
    });
  const docker = {
    listContainers: async ({ filters }: { filters: string }) =>
      objects.filter((o) => matches(filters, o.labels)).map((o) => ({ Id: o.name, Names: [`/${o.name}`], Labels: o.labels })),
    listNetworks: async () => [],
    listVolumes: async () => ({ Volumes: [] }),
    getContainer: (id: string) => ({ remove: async () => void removed.push(id) }),
  } as unknown as Docker;
  return { docker, removed };
}

const run = (id: string, extra: Record<string, string>) => ({
  name: `fd-${id}-api`,
  labels: { [LABELS.managed]: 'true', [LABELS.run]: id, [LABELS.ownerPid]: String(process.pid), [LABELS.ownerHost]: 'here', ...extra },
});

describe('cleanup by deadline and by game', () => {
  const objects = [
    run('old-game-red', { [LABELS.game]: 'old', [LABELS.deadline]: '1000' }),
    run('new-game-red', { [LABELS.game]: 'new', [LABELS.deadline]: '9000' }),
    run('plain-run', {}),
  ];

  it('--expired removes only what is past its deadline, even when its owner lives', async () => {
    const { docker, removed } = fakeDocker(objects);
    const report = await cleanupRuns(docker, { expired: true, now: 5000, owner: { pid: process.pid, host: 'here' }, alive: () => true });
    expect(removed).toEqual(['fd-old-game-red-api']);
    expect(report.removed).toEqual([{ kind: 'container', name: 'fd-old-game-red-api' }]);
  });

  it("the orphan sweep spares a dead owner's game objects until their deadline (the watchdog's job)", async () => {
    const { docker, removed } = fakeDocker(objects);
    await cleanupRuns(docker, { onlyOrphans: true, now: 5000, owner: { pid: -1, host: 'here' }, alive: () => false });
    // plain-run is an orphan and goes; old-game is past its deadline and goes; new-game waits for its deadline.
    expect(removed.sort()).toEqual(['fd-old-game-red-api', 'fd-plain-run-api']);
  });

  it("gameId selects one game's objects only", async () => {
    const { docker, removed } = fakeDocker(objects);
    await cleanupRuns(docker, { gameId: 'new' });
    expect(removed).toEqual(['fd-new-game-red-api']);
  });

  it("a game whose clock moved (paused, extended) answers to its current deadline, not its label's", async () => {
    const { docker, removed } = fakeDocker(objects);
    // old was extended past now; new was ended early by nobody, but its moved deadline passed.
    await cleanupRuns(docker, { expired: true, now: 5000, deadlines: { old: 7000, new: 4000 }, owner: { pid: process.pid, host: 'here' }, alive: () => true });
    expect(removed).toEqual(['fd-new-game-red-api']);
  });
});
