/**
 * An imported bundle is evidence, not truth: every file is checked against its schema, both scores are
 * recomputed from its events.jsonl with the local pack of that name (never a path the bundle names), the
 * session is marked imported, a different pack version or a report that claimed other scores is said,
 * and extraction is capped in size and entries.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../main/api/views/report.js';
import { EventLog } from '../../../main/engine/events/event-log.js';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import {
  BUNDLE_REPORT_FILE,
  bundleStream,
  importBundle,
  importRecord,
  listHistory,
  saveReport,
  sessionEvents,
  sessionPath,
  unpackBundle,
} from '../../../main/sessions/store.js';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { LIMITS, type ApiHandlers } from '../../../shared/api/contract.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';
import { engineHandlers } from '../../helpers/handlers.js';

const SCENARIOS = new URL('../../fixtures/scenarios/', import.meta.url).pathname;
const RUN = 'fixture-20260301-100000-abcd';

function app(home: string): { manager: RunManager; handlers: ApiHandlers } {
  const runtimes = new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => new FakeRuntime() }]);
  const manager = new RunManager({ runtimes, home, scenariosDirs: [SCENARIOS] });
  const handlers = engineHandlers(manager, home);
  return { manager, handlers };
}

/** A learner's abandoned fixture session whose report.json they edited to full marks. */
async function tamperedSession(options: { packHash?: string; scenarioDir?: string } = {}): Promise<{ dir: string; archive: Buffer }> {
  const from = mkdtempSync(join(tmpdir(), 'fd-import-from-'));
  const dir = sessionPath(from, RUN);
  const log = new EventLog(join(dir, 'events.jsonl'));
  log.append({
    type: 'run.created',
    runId: RUN,
    scenario: 'fixture',
    scenarioDir: options.scenarioDir ?? '/nowhere',
    scenarioTitle: 'Maintenance mode left on',
    variant: null,
    seed: 1,
    runtime: 'docker',
    parMinutes: 15,
    ...(options.packHash ? { packHash: options.packHash } : {}),
  });
  log.append({ type: 'phase.changed', from: 'injecting', to: 'live' });
  log.append({ type: 'command', terminal: 1, source: 'shell', command: 'ls', exitCode: 0, startedAt: '', endedAt: '', durationMs: 1 });
  log.append({ type: 'run.ended', outcome: 'abandoned' });
  log.close();
  writeFileSync(join(dir, 'postmortem.md'), '# Maintenance\n\n## Summary\n\nIt was slow.\n');
  const honest = buildReport(dir, sessionEvents(dir), { troubleshooting: { score: 12, max: 100, criteria: [] }, postmortem: null });
  saveReport(dir, {
    ...honest,
    outcome: 'resolved',
    troubleshooting: { score: 100, max: 100, criteria: [] },
    postmortem: { score: 100, max: 100, criteria: [] },
  });
  return { dir, archive: await buffer(bundleStream(dir)) };
}

/** A .tar.gz made entry by entry (names and types a real bundle never has). */
async function tarball(entries: { name: string; body?: string | Buffer; type?: 'file' | 'symlink' | 'directory'; linkname?: string }[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? '/etc/passwd' });
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name }, e.body ?? '');
  }
  pack.finalize();
  return gzipSync(await buffer(Readable.from(pack)));
}

describe('importing a bundle', { timeout: 30_000 }, () => {
  it('shows the scores recomputed from events.jsonl, not the tampered report.json, and says they differ', async () => {
    const { archive } = await tamperedSession();
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    const { handlers } = app(home);
    const { runId } = await handlers['history.import']({ filename: 'b.tar.gz', base64: archive.toString('base64') });
    expect(runId).toBe(RUN);
    const report = await handlers['reports.get']({ runId });
    expect(report.troubleshooting!.score).toBeLessThan(100);
    expect(report.postmortem!.score).toBeLessThan(100);
    expect(report.outcome).toBe('abandoned');
    const [entry] = await handlers['history.list']({});
    expect(entry).toMatchObject({ runId: RUN, imported: true, troubleshootingScore: report.troubleshooting!.score, postmortemScore: report.postmortem!.score });
    expect(entry!.importNotes).toContain(
      `the bundle's report claimed a troubleshooting score of 100; recomputed from its event log: ${report.troubleshooting!.score}`,
    );
    expect(entry!.importNotes!.some((n) => n.startsWith("the bundle's report claimed a postmortem score of 100"))).toBe(true);
    // The bundle's own report is kept aside for comparison, never shown as the score.
    const dir = sessionPath(home, RUN);
    expect(JSON.parse(readFileSync(join(dir, BUNDLE_REPORT_FILE), 'utf8')).troubleshooting.score).toBe(100);
  });

  it('scores with the local pack by name: the path in the bundle is ignored', async () => {
    const evil = mkdtempSync(join(tmpdir(), 'fd-evil-pack-'));
    const { archive } = await tamperedSession({ scenarioDir: evil });
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    const { manager, handlers } = app(home);
    await handlers['history.import']({ filename: 'b.tar.gz', base64: archive.toString('base64') });
    const local = await manager.packByName('fixture');
    const record = importRecord(sessionPath(home, RUN))!;
    expect(record.pack).toEqual({ name: 'fixture', localHash: local.hash, recordedHash: null });
    expect(record.notes).toContain('the bundle does not record which version of "fixture" was played; scored with the local pack');
    // Re-scoring later (reports, postmortem grading) also goes by name.
    expect((await handlers['postmortem.grade']({ runId: RUN, markdown: '# x\n' })).max).toBeGreaterThan(0);
  });

  it('says when the pack played differs from the local pack of that name', async () => {
    const { archive } = await tamperedSession({ packHash: 'a'.repeat(64) });
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    const { manager, handlers } = app(home);
    await handlers['history.import']({ filename: 'b.tar.gz', base64: archive.toString('base64') });
    const local = await manager.packByName('fixture');
    expect(listHistory(home)[0]!.importNotes).toContain(
      `scored with the local pack "fixture", which differs from the one played (pack ${local.hash.slice(0, 12)} here, aaaaaaaaaaaa in the bundle)`,
    );
  });

  it('records the pack hash in run.created, so a matching pack says nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-import-run-'));
    const { manager } = app(home);
    const loaded = await manager.packByName('fixture');
    const run = manager.create(loaded, { seed: 1 });
    const created = run.readEvents().find((e) => e.type === 'run.created')!;
    expect(created).toMatchObject({ packHash: loaded.hash });
    await run.cancel().catch(() => undefined);
  });

  it('never writes an entry outside the session, nor a name the bundle chose; lists what it ignored', async () => {
    const { dir } = await tamperedSession();
    const archive = await tarball([
      { name: 'events.jsonl', body: readFileSync(join(dir, 'events.jsonl')) },
      { name: '../../escaped.txt', body: 'out' },
      { name: '/tmp/absolute.txt', body: 'out' },
      { name: 'imported.json', body: '{"notes":[]}' },
      { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'sub', type: 'directory' },
      { name: 'sub/events.jsonl', body: 'x' },
    ]);
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    expect(await importBundle(home, archive)).toBe(RUN);
    expect(existsSync(join(home, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(home, 'sessions', 'escaped.txt'))).toBe(false);
    expect(existsSync(join(sessionPath(home, RUN), 'link'))).toBe(false);
    const record = importRecord(sessionPath(home, RUN))!;
    expect(record.notes).toEqual(['ignored in the bundle: ../../escaped.txt, /tmp/absolute.txt, imported.json, link, sub/events.jsonl']);
  });

  it('refuses an oversize bundle, an oversize file, a gzip bomb and too many entries', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    const big = Buffer.alloc(LIMITS.bundleBytes + 1);
    await expect(importBundle(home, big)).rejects.toThrow(/the bundle is 32 MB; the limit is 32 MB|the limit is 32 MB/);
    const limits = { ...LIMITS, castBytes: 1024, bundleUnpackedBytes: 64 * 1024, bundleEntries: 5 };
    await expect(unpackBundle(await tarball([{ name: 'terminal-1.cast', body: 'x'.repeat(2048) }]), limits)).rejects.toThrow(
      /terminal-1\.cast: 2 KB is more than the limit of 1 KB/,
    );
    // 1 MB of zeros compresses to about 1 KB: a file's own limit stops it, and so does the unpacked total.
    const bomb = await tarball([{ name: 'events.jsonl', body: Buffer.alloc(1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(4096);
    await expect(unpackBundle(bomb, limits)).rejects.toThrow(/events\.jsonl: 1 MB is more than the limit of 64 KB/);
    const spread = await tarball([1, 2, 3].map((n) => ({ name: `terminal-${n}.cast`, body: Buffer.alloc(30 * 1024) })));
    await expect(unpackBundle(spread, { ...limits, castBytes: 32 * 1024 })).rejects.toThrow(/unpacks to more than 64 KB/);
    const many = await tarball(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, body: '' })));
    await expect(unpackBundle(many, limits)).rejects.toThrow(/more than 5 entries/);
    await expect(importBundle(home, Buffer.from('not a tarball'))).rejects.toThrow(/not a session bundle/);
  });

  it('checks every file against its schema and names file, line and field', async () => {
    const { dir } = await tamperedSession();
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    const lines = events.trim().split('\n');
    const badCommand = [lines[0], lines[1], lines[2]!.replace('"exitCode":0', '"exitCode":"zero"'), lines[3]].join('\n');
    await expect(importBundle(home, await tarball([{ name: 'events.jsonl', body: badCommand }]))).rejects.toThrow(/events\.jsonl:3: exitCode: /);
    const pathName = lines[0]!.replace('"scenario":"fixture"', '"scenario":"../../etc"');
    await expect(importBundle(home, await tarball([{ name: 'events.jsonl', body: pathName }]))).rejects.toThrow(/events\.jsonl:1: scenario: not a scenario name/);
    await expect(
      importBundle(home, await tarball([{ name: 'events.jsonl', body: events }, { name: 'report.json', body: '{"runId":"x"}' }])),
    ).rejects.toThrow(/report\.json: scenario: /);
    await expect(
      importBundle(home, await tarball([{ name: 'events.jsonl', body: events }, { name: 'reviews.jsonl', body: '{"seq":1}\n' }])),
    ).rejects.toThrow(/reviews\.jsonl:1: /);
    await expect(
      importBundle(home, await tarball([{ name: 'events.jsonl', body: events }, { name: 'terminal-1.cast', body: '{"version":1}\n' }])),
    ).rejects.toThrow(/terminal-1\.cast: unsupported asciicast version 1/);
    await expect(importBundle(home, await tarball([{ name: 'report.json', body: '{}' }]))).rejects.toThrow(/no events\.jsonl/);
  });

  it('refuses a postmortem larger than 256 KB at the API edge', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fd-import-to-'));
    const { handlers } = app(home);
    const { parseRequest } = await import('../../../shared/api/contract.js');
    expect(() => parseRequest('postmortem.grade', { runId: RUN, markdown: 'é'.repeat(LIMITS.postmortemBytes / 2 + 1) })).toThrow(
      /markdown: the postmortem is larger than 256 KB; shorten it/,
    );
    expect(handlers).toBeDefined();
  });
});
