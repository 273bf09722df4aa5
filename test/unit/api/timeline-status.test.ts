import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../main/api/views/report.js';
import { timelineFromEvents } from '../../../main/api/views/timeline.js';
import type { EventPayload, RunEvent } from '../../../main/engine/events/types.js';

const events = (payloads: [number, EventPayload][]): RunEvent[] =>
  payloads.map(([mono, payload], i) => ({ seq: i + 1, id: `e${i + 1}`, time: new Date(Date.UTC(2026, 0, 1) + mono).toISOString(), mono, ...payload }) as RunEvent);

const created = (comms?: { firstWithinMs: number | null; everyMs: number | null }): EventPayload => ({
  type: 'run.created',
  runId: 'run-1',
  scenario: 'fixture',
  scenarioDir: '/s',
  scenarioTitle: 'Fixture',
  variant: null,
  seed: 1,
  runtime: 'docker',
  parMinutes: 10,
  ...(comms ? { comms } : {}),
});

const LOG = events([
  [0, created({ firstWithinMs: 600_000, everyMs: 900_000 })],
  [1000, { type: 'phase.changed', from: 'injecting', to: 'live' }],
  [61_000, { type: 'status.update', author: 'alice', message: 'Checkout is down for everyone, investigating' }],
  [121_000, { type: 'status.update', author: null, message: 'Rolling back the deploy now' }],
  [181_000, { type: 'resolution.reached', resolutionId: 'fix', points: 100, heldMs: 10_000 }],
]);

describe('status updates in the timeline and the report', () => {
  it("are timeline items of kind `status`: the message, its author as detail, live and in the report", () => {
    for (const reveal of [false, true]) {
      expect(timelineFromEvents(LOG, { reveal }).filter((i) => i.kind === 'status')).toEqual([
        { id: 'e3', time: LOG[2]!.time, sincePageMs: 60_000, kind: 'status', text: 'Checkout is down for everyone, investigating', detail: 'alice' },
        { id: 'e4', time: LOG[3]!.time, sincePageMs: 120_000, kind: 'status', text: 'Rolling back the deploy now' },
      ]);
    }
  });

  it('the report carries the comms result beside the scores (never inside them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-comms-report-'));
    const report = buildReport(dir, LOG, { troubleshooting: null, postmortem: null });
    expect(report.comms).toMatchObject({ met: true, counted: 2, firstAfterMs: 60_000, closedAtMs: 180_000 });
    expect(report.troubleshooting).toBeNull();
  });

  it('a report with nothing required and nothing posted has no Comms line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-comms-report-'));
    const report = buildReport(dir, events([[0, created()], [1000, { type: 'phase.changed', from: 'injecting', to: 'live' }]]), { troubleshooting: null, postmortem: null });
    expect(report.comms).toBeNull();
  });
});
