import { expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { ALL_PHASES_OK, phaseLines, type TestReport } from '../../helpers/self-test-report.js';

describeDocker('firedrill test proves the fixture scenario on real Docker', () => {
  it('passes every phase: baseline, inject, broken, solution, resolved, teardown, no leftovers', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-test-'));
    const result = await runCli(['test', 'test/fixtures/scenarios/fixture', '--json'], { FIREDRILL_HOME: home });
    const report = JSON.parse(result.stdout) as TestReport;
    expect(phaseLines(report)).toEqual(ALL_PHASES_OK);
    expect(result.code).toBe(0);
    const { events, damaged } = readEvents(join(report.session, 'events.jsonl'));
    expect(damaged).toEqual([]);
    const types = events.map((e) => e.type);
    expect(types).toContain('fault.step');
    expect(types).toContain('resolution.reached');
    expect(types.at(-1)).toBe('run.ended');
  });

  it('fails with a non-zero exit when the solution does not fix anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-test-'));
    const { mkdirSync, cpSync, readFileSync, writeFileSync } = await import('node:fs');
    const pack = join(home, 'broken-solution');
    mkdirSync(pack);
    cpSync('test/fixtures/scenarios/fixture', pack, { recursive: true });
    const yaml = readFileSync(join(pack, 'scenario.yaml'), 'utf8')
      .replace('name: fixture', 'name: broken-solution')
      .replace("state=off'", "state=on'");
    writeFileSync(join(pack, 'scenario.yaml'), yaml);
    const result = await runCli(['test', pack, '--json', '--timeout', '5'], { FIREDRILL_HOME: home });
    const report = JSON.parse(result.stdout) as { ok: boolean; phases: { name: string; ok: boolean }[] };
    expect(result.code).toBe(1);
    expect(report.phases.find((p) => p.name === 'resolved')?.ok).toBe(false);
    expect(report.phases.find((p) => p.name === 'leftovers')?.ok).toBe(true);
  });
});
