/**
 * Sessions on disk (`$FIREDRILL_HOME/sessions/<runId>/`): the event log, terminal recordings, the
 * postmortem and the report. History, reports and bundles are read from here, so they survive restarts
 * and can be imported from another machine.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tarFs from 'tar-fs';
import tarStream from 'tar-stream';
import { z } from 'zod';
import { formatIssues, LIMITS, reportSchema, type HistoryEntry, type Report } from '../../shared/api/contract.js';
import { formatBytes } from '../../shared/format/bytes.js';
import { parseCast } from '../../shared/report/cast.js';
import { readEvents } from '../engine/events/event-log.js';
import { parseEventLine } from '../engine/events/schema.js';
import type { EventOf, RunEvent } from '../engine/events/types.js';
import { readReviews, reviewedReport, reviewEventSchema, REVIEWS_FILE } from './reviews.js';

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
        ...importedFields(dir),
      });
    } catch {
      continue;
    }
  }
  return entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** History's view of an imported session: marked, with what a reader must know about its scores. */
function importedFields(dir: string): Pick<HistoryEntry, 'imported' | 'importNotes'> {
  const record = importRecord(dir);
  return record ? { imported: true, importNotes: record.notes } : {};
}

/**
 * The session folder as a .tar.gz stream: what a facilitator imports. It carries the reviewer's log
 * (reviews.jsonl, see reviews.ts) beside the learner's events.jsonl, and import keeps both.
 */
export function bundleStream(dir: string): Readable {
  const local = ['owner.json', IMPORT_FILE, BUNDLE_REPORT_FILE];
  return tarFs.pack(dir, { ignore: (name) => local.some((file) => name.endsWith(file)) }).pipe(createGzip());
}

/** The session's bundle (bundleStream) written to a file: a game's export puts every team's beside its reports. */
export async function writeBundle(dir: string, file: string): Promise<void> {
  await pipeline(bundleStream(dir), createWriteStream(file));
}

/** Written by the importer beside an imported session (never taken from a bundle). */
export const IMPORT_FILE = 'imported.json';
/** The report an imported bundle carried: kept for comparison, never shown as the score. */
export const BUNDLE_REPORT_FILE = 'bundle-report.json';

/** What the importer knows of an imported session: when, what its bundle claimed, what rescoring found. */
export interface ImportRecord {
  importedAt: string;
  /** The scores the bundle's own report.json claimed (null: it had no report). */
  claimed: { troubleshooting: number | null; postmortem: number | null } | null;
  /** The local pack that scored it: its hash here and the one the run recorded (null: not recorded). */
  pack: { name: string; localHash: string; recordedHash: string | null } | null;
  /** What a reader must know: a different pack, a report that claimed other scores, ignored files. */
  notes: string[];
}

/** A bundle that cannot be imported; the message names the file, the line and the field. */
export class BundleError extends Error {
  override name = 'BundleError';
}

export interface BundleLimits {
  bundleBytes: number;
  bundleUnpackedBytes: number;
  bundleEntries: number;
  castBytes: number;
  postmortemBytes: number;
}

const CAST_FILE = /^terminal-(\d{1,4})\.cast$/;
const BUNDLE_FILES = new Set(['events.jsonl', REPORT_FILE, POSTMORTEM_FILE, REVIEWS_FILE]);

/**
 * The files of a bundle, read in memory: only the session's own regular files at the top level (events.jsonl,
 * report.json, postmortem.md, reviews.jsonl, terminal-N.cast); anything else (other names, folders, links,
 * `../` paths) is ignored and listed. Nothing in the archive chooses a path on this machine. Sizes are
 * capped per file, in total once unpacked (a gzip bomb stops there) and in entries.
 */
export async function unpackBundle(archive: Buffer, limits: BundleLimits = LIMITS): Promise<{ files: Map<string, Buffer>; ignored: string[] }> {
  if (archive.length > limits.bundleBytes) {
    throw new BundleError(`the bundle is ${formatBytes(archive.length)}; the limit is ${formatBytes(limits.bundleBytes)}`);
  }
  const files = new Map<string, Buffer>();
  const ignored: string[] = [];
  let entries = 0;
  let unpacked = 0;
  let failure: BundleError | null = null;
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    const fail = (message: string): void => {
      failure = new BundleError(message);
      stream.resume();
      extract.destroy();
    };
    entries += 1;
    if (entries > limits.bundleEntries) return fail(`the bundle has more than ${limits.bundleEntries} entries`);
    const name = header.name.replace(/^(\.\/)+/, '').replace(/\/$/, '');
    const wanted = header.type === 'file' && (BUNDLE_FILES.has(name) || CAST_FILE.test(name));
    const cap = !wanted ? limits.bundleUnpackedBytes : CAST_FILE.test(name) ? limits.castBytes : name === POSTMORTEM_FILE ? limits.postmortemBytes : limits.bundleUnpackedBytes;
    const size = header.size ?? 0;
    unpacked += size;
    if (size > cap) return fail(`${name}: ${formatBytes(size)} is more than the limit of ${formatBytes(cap)}`);
    if (unpacked > limits.bundleUnpackedBytes) return fail(`the bundle unpacks to more than ${formatBytes(limits.bundleUnpackedBytes)}`);
    if (wanted && files.has(name)) return fail(`${name} appears twice in the bundle`);
    if (!wanted) {
      if (name !== '' && name !== '.' && header.type !== 'directory') ignored.push(name);
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let read = 0;
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      read += chunk.length;
      if (read <= size) chunks.push(chunk);
    });
    stream.on('end', () => {
      files.set(name, Buffer.concat(chunks));
      next();
    });
  });
  try {
    await pipeline(Readable.from([archive]), createGunzip(), extract);
  } catch (error) {
    if (failure) throw failure;
    throw new BundleError(`not a session bundle (.tar.gz): ${(error as Error).message}`);
  }
  if (failure) throw failure;
  return { files, ignored };
}

/** A bundle's files, each checked against its schema. */
export interface CheckedBundle {
  events: RunEvent[];
  created: EventOf<'run.created'>;
  /** What the bundle's report.json claimed, if it had one. */
  report: Report | null;
  files: Map<string, Buffer>;
}

const utf8 = (name: string, data: Buffer): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new BundleError(`${name}: not UTF-8 text`);
  }
};

/** Checks every file of an unpacked bundle; the first problem is thrown, naming file, line and field. */
export function checkBundle(files: Map<string, Buffer>): CheckedBundle {
  const log = files.get('events.jsonl');
  if (!log) throw new BundleError('the bundle has no events.jsonl: it is not a Firedrill session');
  const events = jsonLines('events.jsonl', utf8('events.jsonl', log), parseEventLine);
  const created = events[0];
  if (created?.type !== 'run.created') throw new BundleError('events.jsonl:1: the log does not start with run.created');
  let report: Report | null = null;
  const reportData = files.get(REPORT_FILE);
  if (reportData) {
    let value: unknown;
    try {
      value = JSON.parse(utf8(REPORT_FILE, reportData));
    } catch (error) {
      throw error instanceof BundleError ? error : new BundleError(`${REPORT_FILE}: not JSON (${(error as Error).message})`);
    }
    const parsed = reportSchema.safeParse(value);
    if (!parsed.success) throw new BundleError(`${REPORT_FILE}: ${formatIssues(parsed.error)}`);
    if (parsed.data.runId !== created.runId) throw new BundleError(`${REPORT_FILE}: runId: ${parsed.data.runId} is not the log's run ${created.runId}`);
    report = parsed.data;
  }
  const postmortem = files.get(POSTMORTEM_FILE);
  if (postmortem) utf8(POSTMORTEM_FILE, postmortem);
  const reviews = files.get(REVIEWS_FILE);
  if (reviews) jsonLines(REVIEWS_FILE, utf8(REVIEWS_FILE, reviews), (value) => reviewEventSchema.parse(value));
  for (const [name, data] of files) {
    if (!CAST_FILE.test(name)) continue;
    try {
      parseCast(utf8(name, data));
    } catch (error) {
      throw error instanceof BundleError ? error : new BundleError(`${name}: ${(error as Error).message}`);
    }
  }
  return { events, created, report, files };
}

/** JSON lines checked one by one; a torn last line (a crash mid-write) is tolerated, as readEvents does. */
function jsonLines<T>(name: string, text: string, check: (value: unknown) => T): T[] {
  const lines = text.split('\n');
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (lines.slice(i + 1).every((rest) => rest.trim() === '')) break;
      throw new BundleError(`${name}:${i + 1}: not JSON`);
    }
    try {
      out.push(check(value));
    } catch (error) {
      const detail = error instanceof z.ZodError ? formatIssues(error) : (error as Error).message;
      throw new BundleError(`${name}:${i + 1}: ${detail}`);
    }
  }
  return out;
}

/**
 * Imports a bundle into the sessions folder as evidence, not truth: every file is checked, the session is
 * marked imported (imported.json, written here), and the bundle's report.json is kept aside as
 * bundle-report.json: the scores shown are the ones recomputed from its events.jsonl (see the API's
 * history.import). The run id comes from the event log.
 */
export async function importBundle(home: string, archive: Buffer, now: () => Date = () => new Date()): Promise<string> {
  const { files, ignored } = await unpackBundle(archive);
  const bundle = checkBundle(files);
  const runId = bundle.created.runId;
  const target = sessionPath(home, runId);
  if (existsSync(target)) throw new BundleError(`session ${runId} is already in the history`);
  const staging = join(home, 'sessions', `.import-${process.pid}-${now().getTime()}`);
  mkdirSync(staging, { recursive: true });
  try {
    for (const [name, data] of files) writeFileSync(join(staging, name === REPORT_FILE ? BUNDLE_REPORT_FILE : name), data);
    const record: ImportRecord = {
      importedAt: now().toISOString(),
      claimed: bundle.report
        ? { troubleshooting: bundle.report.troubleshooting?.score ?? null, postmortem: bundle.report.postmortem?.score ?? null }
        : null,
      pack: null,
      notes: ignored.length > 0 ? [`ignored in the bundle: ${ignored.slice(0, 10).join(', ')}${ignored.length > 10 ? ', …' : ''}`] : [],
    };
    saveImportRecord(staging, record);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return runId;
}

export function importRecord(dir: string): ImportRecord | null {
  const file = join(dir, IMPORT_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as ImportRecord;
}

export function saveImportRecord(dir: string, record: ImportRecord): void {
  writeFileSync(join(dir, IMPORT_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

export function castStream(dir: string, n: number): Readable | null {
  const file = join(dir, `terminal-${n}.cast`);
  return existsSync(file) ? createReadStream(file) : null;
}
