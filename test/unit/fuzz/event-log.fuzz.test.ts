import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readEvents } from '../../../main/engine/events/event-log.js';
import { parseEventLine } from '../../../main/engine/events/schema.js';
import { BundleError, checkBundle, unpackBundle } from '../../../main/sessions/store.js';
import { LIMITS } from '../../../shared/api/contract.js';
import { check, FUZZ_TIMEOUT, gnarlyText } from './runs.js';

const created = {
  seq: 1,
  id: 'e1',
  time: '2026-03-01T10:00:00.000Z',
  mono: 0,
  type: 'run.created',
  runId: 'fixture-1',
  scenario: 'fixture',
  scenarioDir: '/x',
  scenarioTitle: 'x',
  variant: null,
  seed: 1,
  runtime: 'docker',
  parMinutes: 5,
};

/** Event-like objects: the real envelope with fields dropped or replaced by anything. */
const eventish = fc
  .record({
    base: fc.constantFrom<Record<string, unknown>>(
      created,
      { seq: 2, id: 'e2', time: created.time, mono: 1, type: 'command', terminal: 1, source: 'shell', command: 'ls', exitCode: 0, startedAt: '', endedAt: '', durationMs: 1 },
      { seq: 3, id: 'e3', time: created.time, mono: 2, type: 'hint.shown', hintId: 'h', index: 0, text: 'x' },
    ),
    drop: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }),
    set: fc.dictionary(fc.constantFrom('seq', 'id', 'time', 'mono', 'type', 'runId', 'scenario', 'command', 'exitCode', 'source', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  })
  .map(({ base, drop, set }) => {
    const out: Record<string, unknown> = { ...base, ...set };
    for (const key of drop) delete out[key];
    return out;
  });

async function tarball(entries: [string, string][]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const [name, body] of entries) pack.entry({ name }, body);
  pack.finalize();
  return gzipSync(await buffer(Readable.from(pack)));
}

describe('the event log reader and the bundle importer take any input', { timeout: FUZZ_TIMEOUT }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-fuzz-log-'));

  it('reads any file as events plus damaged lines, never more than it has lines', () => {
    check(
      fc.property(fc.array(fc.oneof(gnarlyText(80), eventish.map((e) => JSON.stringify(e))), { maxLength: 20 }), (lines) => {
        const file = join(dir, 'events.jsonl');
        const text = lines.join('\n');
        writeFileSync(file, text);
        const result = readEvents(file);
        expect(result.events.length + result.damaged.length).toBeLessThanOrEqual(text.split('\n').length);
      }),
      80,
    );
  });

  it('checks any event-like line or refuses it with a ZodError naming the field', () => {
    check(
      fc.property(fc.oneof(eventish, fc.jsonValue({ maxDepth: 3 })), (value) => {
        try {
          const event = parseEventLine(value);
          expect(typeof event.type).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(z.ZodError);
        }
      }),
      500,
    );
  });

  it('checks any set of bundle files or refuses them with a BundleError', () => {
    const file = fc.tuple(
      fc.constantFrom('events.jsonl', 'report.json', 'postmortem.md', 'reviews.jsonl', 'terminal-1.cast'),
      fc.oneof(
        gnarlyText(200),
        fc.array(eventish.map((e) => JSON.stringify(e)), { maxLength: 6 }).map((l) => [JSON.stringify(created), ...l].join('\n')),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      ),
    );
    check(
      fc.property(fc.array(file, { maxLength: 5 }), (entries) => {
        const files = new Map(entries.map(([name, body]) => [name, Buffer.from(body)]));
        try {
          const bundle = checkBundle(files);
          expect(bundle.created.type).toBe('run.created');
        } catch (error) {
          expect(error).toBeInstanceOf(BundleError);
          expect((error as Error).message.length).toBeLessThan(5000);
        }
      }),
      300,
    );
  });

  it('unpacks any bytes, and any archive of any entries, or refuses them with a BundleError', async () => {
    const limits = { ...LIMITS, bundleUnpackedBytes: 64 * 1024, bundleEntries: 8, castBytes: 4096 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((b) => Promise.resolve(Buffer.from(b))),
          fc.uint8Array({ maxLength: 512 }).map((b) => Promise.resolve(gzipSync(b))),
          fc.array(fc.tuple(fc.oneof(fc.constantFrom('events.jsonl', 'terminal-1.cast', '../x', '/abs', 'a/b'), fc.string({ maxLength: 20 })), gnarlyText(100)), { maxLength: 10 }).map(tarball),
        ),
        async (archive) => {
          try {
            const { files } = await unpackBundle(await archive, limits);
            for (const name of files.keys()) expect(name).toMatch(/^(events\.jsonl|report\.json|postmortem\.md|reviews\.jsonl|terminal-\d+\.cast)$/);
          } catch (error) {
            expect(error).toBeInstanceOf(BundleError);
          }
        },
      ),
      { numRuns: Number(process.env.FIREDRILL_FUZZ_RUNS) || 150 },
    );
  });
});
