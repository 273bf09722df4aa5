/**
 * Sessions on disk (`$FIREDRILL_HOME/sessions/<runId>/`): the event log, terminal recordings, the
 * postmortem and the report. History, reports and bundles are read from here, so they survive restarts
 * and can be imported from another machine.
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tarFs from 'tar-fs';
import type { HistoryEntry, Report } from '../../shared/api/contract.js';
import { readEvents } from '../engine/events/event-log.js';
import type { EventOf, RunEvent } from '../engine/events/types.js';
import { readReviews, reviewedReport } from './reviews.js';

export const REPORT_FILE = 'report.json';
export const POSTMORTEM_FILE = 'postmortem.md';

export function sessionPath(home: string, runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)}`);
  return join(home, 'sessions', runId);
}

export function sessionEvents(dir: string): RunEvent[] {
  const file = join(dir, 'events.jsonl');
  if (!existsSync(file)) throw new Error(`no event log in ${dir}`);
  return readEvents(file).events;
}

export function createdEvent(events: RunEvent[]): EventOf<'run.created'> {
  const created = events.find((e): e is EventOf<'run.created'> => e.type === 'run.created');
  if (!created) throw new Error('the event log has no run.created event');
  return created;
}

/** Who ran a session: the process that wrote `owner.json` when the run was created. */
export interface SessionOwner {
  pid: number;
  host: string;
}

export function sessionOwner(dir: string): SessionOwner | null {
  try {
    const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Partial<SessionOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : null;
  } catch {
    return null;
  }
}

/** Is a session's run still going somewhere? Injected: only the caller knows its runs and the live processes. */
export type RunningProbe = (runId: string, owner: SessionOwner | null) => boolean;

/**
 * How a session ended. A log without `run.ended` belongs to a run still going, or to one whose process
 * died (SIGKILL, a crash, a power cut): with `running` false that is `interrupted`, whatever phase it reached.
 */
export function outcomeOf(events: RunEvent[], running = true): string {
  const ended = events.findLast((e) => e.type === 'run.ended');
  if (ended && ended.type === 'run.ended') return ended.outcome;
  if (!running) return 'interrupted';
  if (events.some((e) => e.type === 'resolution.reached')) return 'resolved';
  const phase = events.findLast((e) => e.type === 'phase.changed');
  return phase && phase.type === 'phase.changed' ? phase.to : 'unknown';
}

export function recordings(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => /^terminal-(\d+)\.cast$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function saveReport(dir: string, report: Report): void {
  writeFileSync(join(dir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
}

export function savedReport(dir: string): Report | null {
  const file = join(dir, REPORT_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : null;
}

/**
 * Every session on disk, newest first. A damaged session is skipped, not fatal. `running` tells a run
 * in progress from one whose process died (default: every unfinished run counts as in progress).
 */
export function listHistory(home: string, running: RunningProbe = () => true): HistoryEntry[] {
  const root = join(home, 'sessions');
  if (!existsSync(root)) return [];
  const entries: HistoryEntry[] = [];
  for (const runId of readdirSync(root)) {
    const dir = join(root, runId);
    try {
      const events = sessionEvents(dir);
      const created = createdEvent(events);
      const saved = savedReport(dir);
      // History shows the reviewed score where a reviewer overrode a criterion.
      const report = saved ? reviewedReport(saved, readReviews(dir)) : null;
      entries.push({
        runId: created.runId,
        scenario: created.scenario,
        title: created.scenarioTitle,
        startedAt: created.time,
        outcome: outcomeOf(events, running(created.runId, sessionOwner(dir))),
        troubleshootingScore: report?.troubleshooting?.reviewedScore ?? report?.troubleshooting?.score ?? null,
        postmortemScore: report?.postmortem?.reviewedScore ?? report?.postmortem?.score ?? null,
        reviewed: report?.troubleshooting?.reviewedScore !== undefined || report?.postmortem?.reviewedScore !== undefined,
      });
    } catch {
      continue;
    }
  }
  return entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/**
 * The session folder as a .tar.gz stream: what a facilitator imports. It carries the reviewer's log
 * (reviews.jsonl, see reviews.ts) beside the learner's events.jsonl, and import keeps both.
 */
export function bundleStream(dir: string): Readable {
  return tarFs.pack(dir, { ignore: (name) => name.endsWith('owner.json') }).pipe(createGzip());
}

/** Imports a bundle into the sessions folder; the run id comes from its event log. */
export async function importBundle(home: string, archive: Buffer): Promise<string> {
  const staging = join(home, 'sessions', `.import-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  try {
    await pipeline(Readable.from(archive), createGunzip(), tarFs.extract(staging, { dmode: 0o755, fmode: 0o644 }));
    const created = createdEvent(sessionEvents(staging));
    const target = sessionPath(home, created.runId);
    if (existsSync(target)) throw new Error(`session ${created.runId} is already in the history`);
    mkdirSync(target, { recursive: true });
    await pipeline(tarFs.pack(staging), tarFs.extract(target));
    return created.runId;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function castStream(dir: string, n: number): Readable | null {
  const file = join(dir, `terminal-${n}.cast`);
  return existsSync(file) ? createReadStream(file) : null;
}
