/**
 * The Studio's API over a real RunManager (fake runtime): new packs land in the user's packs folder, files
 * read and save atomically inside the pack only, unsaved text validates at file:line, shipped packs are
 * read-only, export → import installs with a version the catalog shows.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeRegistry } from '../../../sandbox/registry.js';
import { SANDBOX_OPERATIONS } from '../../../sandbox/runtime.js';
import { writeFileAtomic } from '../../../main/api/studio.js';
import { RunManager } from '../../../main/engine/run/run-manager.js';
import { templatesDir } from '../../../main/platform/paths.js';
import { FakeRuntime } from '../../helpers/fake-runtime.js';
import { engineHandlers } from '../../helpers/handlers.js';

const SHIPPED = new URL('../../fixtures/scenarios/', import.meta.url).pathname;

function app() {
  const home = mkdtempSync(join(tmpdir(), 'fd-studio-api-'));
  const packsDir = join(home, 'scenarios');
  mkdirSync(packsDir);
  const runtime = new FakeRuntime();
  const runtimes = new RuntimeRegistry([{ kind: 'docker', operations: SANDBOX_OPERATIONS, create: () => runtime }]);
  const manager = new RunManager({ runtimes, home, scenariosDirs: [SHIPPED, packsDir] });
  const handlers = engineHandlers(manager, home, {
    info: () => ({ version: '0.1.0', host: 'web', serverUrl: '', token: '', dataDir: home }),
    studio: { packsDir, templatesDir: templatesDir({}), version: '0.1.0', author: 'Ada' },
  });
  return { home, packsDir, handlers };
}

describe('the Studio API', { timeout: 60_000 }, () => {
  it('creates a pack in the user packs folder, lists its files with scenario.yaml first, and the catalog calls it yours', async () => {
    const { packsDir, handlers } = app();
    expect((await handlers['studio.templates']({})).map((t) => t.name)).toEqual(expect.arrayContaining(['minimal', 'web-db']));
    await handlers['studio.create']({ pack: 'my-lab', template: 'minimal' });
    expect(existsSync(join(packsDir, 'my-lab', 'scenario.yaml'))).toBe(true);
    const files = await handlers['studio.files']({ pack: 'my-lab' });
    expect(files).toEqual({ pack: 'my-lab', editable: true, files: ['scenario.yaml', 'images/app/app.py', 'images/app/Dockerfile'] });
    const catalog = await handlers['scenarios.list']({});
    expect(catalog.find((s) => s.name === 'my-lab')?.source).toEqual({ kind: 'yours' });
    expect(catalog.find((s) => s.name === 'fixture')?.source).toEqual({ kind: 'shipped' });
  });

  it('validates unsaved text at its file, line and field without writing it', async () => {
    const { packsDir, handlers } = app();
    await handlers['studio.create']({ pack: 'my-lab', template: 'minimal' });
    const { content } = await handlers['studio.read']({ pack: 'my-lab', path: 'scenario.yaml' });
    const typo = content.replace('  hold: 2s', '  hold: 2 seconds');
    const line = typo.split('\n').findIndex((l) => l === '  hold: 2 seconds') + 1;
    const { diagnostics } = await handlers['studio.validate']({ pack: 'my-lab', path: 'scenario.yaml', content: typo });
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'scenario.yaml', line, path: 'checks.hold', severity: 'error', message: expect.stringMatching(/duration/) })]);
    expect(readFileSync(join(packsDir, 'my-lab', 'scenario.yaml'), 'utf8')).toBe(content);
    const valid = await handlers['studio.validate']({ pack: 'my-lab', path: 'scenario.yaml', content });
    expect(valid.diagnostics).toEqual([]);
    // The preview: the briefing, the hints with their unlock times, the solution as steps.
    expect(valid.preview).toMatchObject({ title: 'Checkout times out after a configuration push', solution: ['lab op restart-web'] });
    expect(valid.preview?.briefing).toMatch(/CheckoutErrors/);
    expect(valid.preview?.hints.map((h) => h.after)).toEqual(['1m', '3m']);
  });

  it('saves atomically (no temp file left) and reports the saved pack\'s diagnostics', async () => {
    const { packsDir, handlers } = app();
    await handlers['studio.create']({ pack: 'my-lab', template: 'minimal' });
    const { content } = await handlers['studio.read']({ pack: 'my-lab', path: 'scenario.yaml' });
    const broken = content.replace('service: web\n      port: 8080\n      path: /checkout\n      status: 200', 'service: wbe\n      port: 8080\n      path: /checkout\n      status: 200');
    const saved = await handlers['studio.save']({ pack: 'my-lab', path: 'scenario.yaml', content: broken });
    expect(saved.diagnostics.map((d) => d.message).join('\n')).toMatch(/wbe/);
    expect(readFileSync(join(packsDir, 'my-lab', 'scenario.yaml'), 'utf8')).toBe(broken);
    expect(readdirSync(join(packsDir, 'my-lab')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps shipped packs read-only and every path inside the pack', async () => {
    const { handlers } = app();
    expect((await handlers['studio.files']({ pack: 'fixture' })).editable).toBe(false);
    await expect(handlers['studio.save']({ pack: 'fixture', path: 'scenario.yaml', content: 'x' })).rejects.toThrow(/read-only/);
    await handlers['studio.create']({ pack: 'my-lab', template: 'minimal' });
    await expect(handlers['studio.read']({ pack: 'my-lab', path: 'images/../../../etc/passwd' })).rejects.toThrow(/not a file inside the pack/);
  });

  it('exports a pack and installs it into another home, which lists it as installed with its version', async () => {
    const author = app();
    await author.handlers['studio.create']({ pack: 'my-lab', template: 'minimal' });
    const archive = await author.handlers['studio.export']({ pack: 'my-lab', version: '2.0.0' });
    expect(archive.filename).toBe('my-lab-2.0.0.firedrill');
    const colleague = app();
    const summary = await colleague.handlers['studio.inspect']({ filename: archive.filename, base64: archive.base64 });
    expect(summary).toMatchObject({ name: 'my-lab', version: '2.0.0', installedVersion: null });
    expect(readdirSync(colleague.packsDir)).toEqual([]);
    expect(await colleague.handlers['studio.install']({ filename: archive.filename, base64: archive.base64 })).toEqual({ pack: 'my-lab', version: '2.0.0' });
    const listed = (await colleague.handlers['scenarios.list']({})).find((s) => s.name === 'my-lab');
    expect(listed?.source).toEqual({ kind: 'installed', version: '2.0.0', from: 'my-lab-2.0.0.firedrill' });
    await expect(colleague.handlers['studio.install']({ filename: archive.filename, base64: archive.base64 })).rejects.toThrow(/already installed/);
  });

  it('lists learning paths from the user packs folder with progress, and a broken path file with its problems', async () => {
    const { packsDir, handlers } = app();
    mkdirSync(join(packsDir, 'paths'));
    writeFileAtomic(join(packsDir, 'paths', 'course.yaml'), 'apiVersion: firedrill/v1\nkind: LearningPath\nid: course\ntitle: Course\ndescription: d\nsteps:\n  - scenario: fixture\n  - scenario: replay\n    prerequisites: [fixture]\n');
    writeFileAtomic(join(packsDir, 'paths', 'broken.yaml'), 'apiVersion: firedrill/v1\nkind: LearningPath\nid: broken\ntitle: B\ndescription: d\nsteps:\n  - scenario: nope\n');
    const paths = await handlers['paths.list']({});
    expect(paths.map((p) => [p.id, p.steps.map((s) => s.status), p.problems.length])).toEqual([
      ['broken', [], 1],
      ['course', ['next', 'locked'], 0],
    ]);
    expect(paths[0]!.problems[0]).toMatch(/broken\.yaml:7:15: no scenario "nope"/);
  });

  it('writeFileAtomic replaces a file whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-atomic-'));
    const file = join(dir, 'a.yaml');
    writeFileAtomic(file, 'old\n');
    writeFileAtomic(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });
});
