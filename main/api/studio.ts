/**
 * The Studio's API: new packs from templates, reading and saving pack files with the validator's diagnostics,
 * "Test this pack" (the same self-test as `firedrill test`, its phases streamed by polling), and export/import of
 * `.firedrill` archives. Packs in the user's packs folder are editable; shipped ones are read-only.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { selfTest } from '../engine/run/self-test.js';
import { scenarioJsonSchema } from '../engine/scenario/json-schema.js';
import type { RunManager } from '../engine/run/run-manager.js';
import type { Diagnostic } from '../engine/scenario/diagnostics.js';
import { SCENARIO_FILE, validateScenarioDir, validateScenarioText } from '../engine/scenario/validate.js';
import { INSTALL_RECORD, inspectArchive, installInspected, packArchive, readInstallRecord, ARCHIVE_EXTENSION } from '../studio/archive.js';
import { listTemplates, scaffoldPack, StudioError } from '../studio/scaffold.js';
import { ApiError, type ApiHandlers, type StudioDiagnostic, type StudioPreview, type StudioTest } from '../../shared/api/contract.js';
import type { Scenario } from '../engine/scenario/schema.js';

/** What the learner will see of a pack: the briefing, the hints with their unlock times, and the solution. */
export function previewOf(scenario: Scenario): StudioPreview {
  return {
    title: scenario.metadata.title,
    briefing: scenario.briefing,
    hints: scenario.hints.map((h) => ({ after: String(h.after), text: h.text })),
    solution: scenario.solution.steps.map((step) => ('op' in step ? `lab op ${step.op}` : step.service ? `[${step.service}] ${step.run}` : step.run)),
  };
}

export interface StudioDeps {
  manager: RunManager;
  /** The user's packs folder (editable packs, installs). */
  packsDir: string;
  templatesDir: string;
  version: string;
  author?: string;
}

type StudioHandlers = Pick<
  ApiHandlers,
  | 'studio.schema'
  | 'studio.templates'
  | 'studio.create'
  | 'studio.files'
  | 'studio.read'
  | 'studio.validate'
  | 'studio.save'
  | 'studio.test'
  | 'studio.testStatus'
  | 'studio.export'
  | 'studio.inspect'
  | 'studio.install'
>;

/** Where a pack came from, for the catalog. */
export function packSource(dir: string, packsDir: string): { kind: 'shipped' | 'yours' | 'installed'; version?: string; from?: string } {
  if (!isInside(resolve(packsDir), resolve(dir))) return { kind: 'shipped' };
  const record = readInstallRecord(dir);
  return record ? { kind: 'installed', version: record.version, from: record.source } : { kind: 'yours' };
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** Writes a file so that a crash leaves the old content or the new, never half: temp file, fsync, rename. */
export function writeFileAtomic(file: string, content: string): void {
  const temp = join(dirname(file), `.${process.pid}-${randomUUID()}.tmp`);
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  try {
    const dirFd = openSync(dirname(file), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Not every platform can fsync a directory (Windows); the rename itself is atomic.
  }
}

function studioError(error: unknown): never {
  if (error instanceof StudioError) throw new ApiError('bad_request', error.message);
  throw error;
}

export function createStudioHandlers(deps: StudioDeps): StudioHandlers {
  const { manager } = deps;
  const tests = new Map<string, StudioTest>();

  const findPack = async (name: string): Promise<{ dir: string; editable: boolean }> => {
    const own = join(deps.packsDir, name);
    if (existsSync(join(own, SCENARIO_FILE))) return { dir: own, editable: true };
    const entry = (await manager.packs()).find((p) => p.name === name);
    if (!entry) throw new ApiError('not_found', `no pack "${name}"`, 'Create it with "New scenario", or import an archive.');
    return { dir: entry.dir, editable: isInside(resolve(deps.packsDir), resolve(entry.dir)) };
  };

  const fileIn = (dir: string, path: string): string => {
    const file = resolve(dir, ...path.split('/'));
    if (!isInside(resolve(dir), file) || file === resolve(dir)) throw new ApiError('bad_request', `${path} is not a file inside the pack`);
    return file;
  };

  const relativeDiagnostics = (dir: string, diagnostics: Diagnostic[]): StudioDiagnostic[] =>
    diagnostics.map((d) => ({ ...d, file: relative(dir, resolve(dir, d.file)).split(sep).join('/') || d.file }));

  const supports = { supports: (kind: Parameters<RunManager['runtimes']['supports']>[0], op: Parameters<RunManager['runtimes']['supports']>[1]) => manager.runtimes.supports(kind, op) };

  const validate = async (dir: string, path: string, content: string | null): Promise<{ diagnostics: StudioDiagnostic[]; preview: StudioPreview | null }> => {
    const result = path === SCENARIO_FILE && content !== null ? validateScenarioText(content, join(dir, SCENARIO_FILE), dir, supports) : await validateScenarioDir(dir, supports);
    return { diagnostics: relativeDiagnostics(dir, result.diagnostics), preview: result.scenario ? previewOf(result.scenario) : null };
  };

  return {
    'studio.schema': async () => scenarioJsonSchema(),
    'studio.templates': async () => listTemplates(deps.templatesDir),

    'studio.create': async ({ pack, template }) => {
      try {
        await scaffoldPack({ name: pack, template, templatesDir: deps.templatesDir, into: deps.packsDir, author: deps.author ?? 'you' });
      } catch (error) {
        studioError(error);
      }
      return { pack };
    },

    'studio.files': async ({ pack }) => {
      const { dir, editable } = await findPack(pack);
      const files: string[] = [];
      const walk = (folder: string) => {
        for (const name of readdirSync(folder).sort()) {
          if (name.startsWith('.') && name !== '.dockerignore') continue;
          const full = join(folder, name);
          if (statSync(full).isDirectory()) walk(full);
          else files.push(relative(dir, full).split(sep).join('/'));
        }
      };
      walk(dir);
      // scenario.yaml first: it is what an author opens.
      files.sort((a, b) => Number(b === SCENARIO_FILE) - Number(a === SCENARIO_FILE) || a.localeCompare(b));
      return { pack, editable, files: files.filter((f) => f !== INSTALL_RECORD) };
    },

    'studio.read': async ({ pack, path }) => {
      const { dir } = await findPack(pack);
      const file = fileIn(dir, path);
      if (!existsSync(file)) throw new ApiError('not_found', `${pack} has no ${path}`);
      return { content: readFileSync(file, 'utf8') };
    },

    'studio.validate': async ({ pack, path, content }) => {
      const { dir } = await findPack(pack);
      fileIn(dir, path);
      return validate(dir, path, content);
    },

    'studio.save': async ({ pack, path, content }) => {
      const { dir, editable } = await findPack(pack);
      if (!editable) throw new ApiError('conflict', `${pack} ships with Firedrill and is read-only`, 'Start your own pack with "New scenario" and copy from it.');
      const file = fileIn(dir, path);
      if (!existsSync(dirname(file))) throw new ApiError('bad_request', `${dirname(path)} does not exist in ${pack}`);
      writeFileAtomic(file, content);
      return { diagnostics: (await validate(dir, path, null)).diagnostics };
    },

    'studio.test': async ({ pack }) => {
      const { dir } = await findPack(pack);
      const running = [...tests.values()].find((t) => t.pack === pack && t.state === 'running');
      if (running) return running;
      let loaded;
      try {
        loaded = await manager.load(dir);
      } catch (error) {
        throw new ApiError('bad_request', `${pack} does not validate: ${(error as Error).message}`, 'Fix the problems the editor shows, then test again.');
      }
      const run = manager.create(loaded);
      const test: StudioTest = { testId: randomUUID(), pack, state: 'running', running: null, progress: null, phases: [], session: run.dir };
      tests.set(test.testId, test);
      const unsubscribe = run.onChange(() => {
        test.progress = run.progress ?? null;
      });
      void selfTest(run, {
        timeoutMs: 300_000,
        runtimes: manager.runtimes,
        onPhase: (name, result) => {
          if (result) {
            test.phases.push(result);
            test.running = null;
          } else {
            test.running = name;
          }
        },
      })
        .then(({ passed }) => {
          test.state = passed ? 'passed' : 'failed';
        })
        .catch((error: unknown) => {
          test.phases.push({ name: test.running ?? 'test', ok: false, ms: 0, detail: String(error) });
          test.state = 'failed';
        })
        .finally(() => {
          test.running = null;
          unsubscribe();
        });
      return test;
    },

    'studio.testStatus': async ({ testId }) => {
      const test = tests.get(testId);
      if (!test) throw new ApiError('not_found', `no pack test ${testId}`);
      return test;
    },

    'studio.export': async ({ pack, version }) => {
      const { dir } = await findPack(pack);
      try {
        const { archive, manifest } = await packArchive(dir, { version, firedrillVersion: deps.version });
        return { filename: `${manifest.name}-${manifest.version}${ARCHIVE_EXTENSION}`, base64: archive.toString('base64') };
      } catch (error) {
        studioError(error);
      }
    },

    'studio.inspect': async ({ base64 }) => {
      try {
        const inspected = await inspectArchive(Buffer.from(base64, 'base64'), { packsDir: deps.packsDir, firedrillVersion: deps.version });
        return { ...inspected.summary, lines: inspected.summary.lines, installedVersion: inspected.installed?.version ?? null };
      } catch (error) {
        studioError(error);
      }
    },

    'studio.install': async ({ filename, base64, force }) => {
      const options = { packsDir: deps.packsDir, firedrillVersion: deps.version, force: force ?? false };
      try {
        const inspected = await inspectArchive(Buffer.from(base64, 'base64'), options);
        const { record } = installInspected(inspected, filename, options);
        return { pack: record.name, version: record.version };
      } catch (error) {
        studioError(error);
      }
    },
  };
}
