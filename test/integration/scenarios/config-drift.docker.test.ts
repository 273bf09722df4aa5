import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents } from '../../../main/engine/events/event-log.js';
import type { RunEvent } from '../../../main/engine/events/types.js';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';

interface TestReport {
  ok: boolean;
  session: string;
  phases: { name: string; ok: boolean; detail: string }[];
}

/**
 * The pack's own proof on real nginx, sshd, git and Ansible: the resumed reconciler really reverts edge-2's
 * hot-fix (and the other hand edits), edge-2 really answers reports with 504 after its 2 s timeout, and after
 * the fix is committed a real reconcile changes nothing and `ansible-playbook --check` finds no drift.
 */
describeDocker('config-drift on real Docker, nginx and Ansible', () => {
  it('passes firedrill test: the resume reverts the hot-fix, 504s on edge-2, the committed fix converges', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-configdrift-'));
    const result = await runCli(['test', 'scenarios/config-drift', '--json', '--timeout', '600'], { FIREDRILL_HOME: home }, 1_500_000);
    let report: TestReport;
    try {
      report = JSON.parse(result.stdout) as TestReport;
    } catch {
      throw new Error(`firedrill test printed no report (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    expect(report.phases.map((p) => `${p.name}:${p.ok ? 'ok' : p.detail}`)).toEqual(
      ['prepare', 'baseline', 'inject', 'broken', 'solution', 'resolved', 'teardown', 'leftovers'].map((p) => `${p}:ok`),
    );
    expect(result.code).toBe(0);

    const { events } = readEvents(join(report.session, 'events.jsonl'));
    const step = (id: string) =>
      events.find((e): e is Extract<RunEvent, { type: 'fault.step' }> => e.type === 'fault.step' && e.stepId === id && e.status === 'applied');
    const observed = (group: string, checkId: string) =>
      events
        .filter((e): e is Extract<RunEvent, { type: 'check.changed' }> => e.type === 'check.changed' && e.group === group && e.checkId === checkId && e.pass)
        .map((e) => e.observed ?? '');

    // The reconciler's revert: the resumed run changed all three edges, edge-2 included.
    expect(step('hand-edits')?.detail).toContain('INC-2291 hot-fix');
    expect(step('resume-reconciler')?.detail).toMatch(/<== run #\d+ succeeded .*changed=\d+ \(edge-1: \d+, edge-2: \d+, edge-3: \d+\)/);
    // The 504s: edge-2 gives up on a report after its 2 s read timeout, and more than 10 % of /reports fail at lb.
    expect(observed('broken', 'edge-2-reports-504').some((o) => /^504 after 2\.\d+s$/.test(o))).toBe(true);
    expect(observed('broken', 'reports-5xx-high').map(Number).some((ratio) => ratio > 0.1)).toBe(true);
    // After the solution: a reconcile with zero changes at main, and --check finds no drift anywhere.
    expect(observed('resolution:fixed', 'reconciler-applied-main').some((o) => /last run #\d+ \((manual by oncall@bastion|schedule)\) .*rc=0 changed=0 failed=0/.test(o))).toBe(true);
    expect(observed('resolution:fixed', 'no-drift')).toContainEqual(expect.stringMatching(/changed=0 on edge-1, edge-2, edge-3/));
    expect(observed('resolution:fixed', 'fix-in-fleet-config')).toContainEqual(expect.stringMatching(/proxy_read_timeout 30s, as main renders it/));
    expect(events.some((e) => e.type === 'resolution.reached' && e.resolutionId === 'fixed')).toBe(true);
  }, 1_600_000);
});
