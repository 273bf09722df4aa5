import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../main/api/views/report.js';
import { bundleStream, importBundle, listHistory, saveReport, sessionEvents, sessionPath } from '../../../main/sessions/store.js';
import { EventLog } from '../../../main/engine/events/event-log.js';

function session(home: string, runId: string, outcome: 'resolved' | 'abandoned' | null) {
  const dir = sessionPath(home, runId);
  const log = new EventLog(join(dir, 'events.jsonl'));
  log.append({
    type: 'run.created',
    runId,
    scenario: 'fixture',
    scenarioDir: '/nowhere',
    scenarioTitle: 'Maintenance mode left on',
    variant: null,
    seed: 1,
    runtime: 'docker',
    parMinutes: 5,
  });
  log.append({ type: 'phase.changed', from: 'injecting', to: 'live' });
  log.append({ type: 'command', terminal: 1, source: 'shell', command: 'curl -s api:8080/health', exitCode: 0, startedAt: 'a', endedAt: 'b', durationMs: 5 });
  if (outcome) log.append({ type: 'run.ended', outcome });
  log.close();
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: 4242, host: 'laptop' }));
  writeFileSync(join(dir, 'terminal-1.cast'), '{"version":2,"width":80,"height":24}\n[0.1,"o","hello"]\n');
  return dir;
}

describe('sessions on disk: history, reports and bundles', () => {
  it('lists past attempts newest first with their outcome and saved scores', () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-home-'));
    const first = session(home, 'fixture-20260101-000000-aaaa', 'abandoned');
    session(home, 'fixture-20260102-000000-bbbb', 'resolved');
    const report = buildReport(first, sessionEvents(first), {
      troubleshooting: { score: 42, max: 100, criteria: [] },
      postmortem: null,
    });
    saveReport(first, report);
    const history = listHistory(home);
    expect(history.map((h) => [h.runId, h.outcome, h.troubleshootingScore])).toEqual([
      ['fixture-20260102-000000-bbbb', 'resolved', null],
      ['fixture-20260101-000000-aaaa', 'abandoned', 42],
    ]);
    expect(report.recordings).toEqual([1]);
    expect(report.timeline.some((item) => item.kind === 'command' && item.text.includes('curl'))).toBe(true);
  });

  it('shows a run whose process died mid-run as interrupted, one still going by its phase', () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-home-'));
    session(home, 'fixture-20260104-000000-dddd', null);
    session(home, 'fixture-20260105-000000-eeee', 'resolved');
    const asked: unknown[] = [];
    const dead = listHistory(home, (runId, owner) => (asked.push([runId, owner]), false));
    expect(dead.map((h) => h.outcome)).toEqual(['resolved', 'interrupted']);
    expect(asked).toContainEqual(['fixture-20260104-000000-dddd', { pid: 4242, host: 'laptop' }]);
    expect(listHistory(home, () => true).map((h) => h.outcome)).toEqual(['resolved', 'live']);
  });

  it('exports a session as a bundle that another machine imports whole', async () => {
    const from = mkdtempSync(join(tmpdir(), 'fd-from-'));
    const dir = session(from, 'fixture-20260103-000000-cccc', 'resolved');
    const archive = await buffer(bundleStream(dir));
    const to = mkdtempSync(join(tmpdir(), 'fd-to-'));
    expect(await importBundle(to, archive)).toBe('fixture-20260103-000000-cccc');
    const imported = sessionPath(to, 'fixture-20260103-000000-cccc');
    expect(readFileSync(join(imported, 'events.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'events.jsonl'), 'utf8'));
    expect(readFileSync(join(imported, 'terminal-1.cast'), 'utf8')).toContain('hello');
    expect(listHistory(to)).toHaveLength(1);
    await expect(importBundle(to, archive)).rejects.toThrow(/already in the history/);
  });

  it('refuses an archive without an event log, and run ids that are paths', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-bad-'));
    await expect(importBundle(home, Buffer.from('not a tarball'))).rejects.toThrow();
    expect(() => sessionPath(home, '../../etc')).toThrow(/not a run id/);
  });
});
