/**
 * Two teams on one pack that pins its subnets (tgw-routes) would collide on one Docker engine: the game
 * refuses before anything starts, and says why and what to do instead.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { GameRunner } from '../../../main/game/runner.js';
import { overlaps, subnetClash } from '../../../main/game/subnets.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';

const STATE_MACHINE = new URL('../../fixtures/scenarios/state-machine/', import.meta.url).pathname;

describe('subnet clashes between teams', () => {
  const tgw = (team: string, runtime = 'docker') => ({
    team,
    scenario: 'tgw-routes',
    runtime,
    subnets: [
      { network: 'vpc-a', cidr: '10.10.0.0/16' },
      { network: 'vpc-b', cidr: '10.20.0.0/16' },
    ],
  });

  it('finds overlapping CIDRs, not only equal ones', () => {
    expect(overlaps('10.20.0.0/16', '10.20.8.0/24')).toBe(true);
    expect(overlaps('10.20.8.0/24', '10.20.9.0/24')).toBe(false);
    expect(overlaps('10.20.8.7/24', '10.20.8.200/32')).toBe(true);
    expect(overlaps('nonsense', '10.0.0.0/8')).toBe(false);
  });

  it('refuses two Docker teams on a fixed-subnet pack, naming both teams, the network and the ways out', () => {
    const why = subnetClash([tgw('red'), tgw('blue')]);
    expect(why).toMatch(/teams red and blue cannot play side by side/);
    expect(why).toMatch(/both play tgw-routes, whose network vpc-a has the fixed subnet 10\.10\.0\.0\/16/);
    expect(why).toMatch(/Kubernetes runtime/);
    expect(why).toMatch(/one team at a time/);
  });

  it('lets teams without fixed subnets, one fixed-subnet team, or Kubernetes teams play together', () => {
    const plain = { team: 'green', scenario: 'slow-query', runtime: 'docker', subnets: [] };
    expect(subnetClash([tgw('red'), plain, { ...plain, team: 'gold' }])).toBeNull();
    expect(subnetClash([tgw('red', 'kubernetes'), tgw('blue', 'kubernetes')])).toBeNull();
    expect(subnetClash([tgw('red'), tgw('blue', 'kubernetes')])).toBeNull();
  });

  it('different packs whose subnets overlap clash too', () => {
    const other = { team: 'blue', scenario: 'lab-b', runtime: 'docker', subnets: [{ network: 'core', cidr: '10.20.8.0/24' }] };
    expect(subnetClash([tgw('red'), other])).toMatch(/tgw-routes's network vpc-b \(10\.20\.0\.0\/16\) overlaps lab-b's core \(10\.20\.8\.0\/24\)/);
  });

  it('the runner refuses such a game before any sandbox starts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fd-subnet-packs-'));
    const dir = join(root, 'state-machine');
    cpSync(STATE_MACHINE, dir, { recursive: true });
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    - name: lab\n', '    - name: lab\n      subnet: 10.231.7.0/24\n'));
    const runtime = new FakeRuntime();
    const home = mkdtempSync(join(tmpdir(), 'fd-subnet-home-'));
    const manager = new RunManager({
      runtimes: new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => runtime }]),
      home,
      scenariosDirs: [root],
    });
    const game = join(home, 'two.game.yaml');
    writeFileSync(
      game,
      'apiVersion: firedrill/v1\nkind: Game\nmetadata: { name: two, title: Two }\nscenario: state-machine\nteams:\n  - { id: red, name: Red, members: [a] }\n  - { id: blue, name: Blue, members: [b] }\n',
    );
    const runner = new GameRunner({ manager });
    await expect(runner.start(game)).rejects.toThrow(/two\.game\.yaml: teams red and blue cannot play side by side .* fixed subnet 10\.231\.7\.0\/24/);
    expect(runtime.sandboxes).toEqual([]);
    expect(runner.current).toBeNull();
  });
});
