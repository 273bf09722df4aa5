/**
 * Loads a scenario pack: validates it (see validate.ts) and fingerprints it. The hash covers scenario.yaml, every
 * file of every image build context, and the pack files the scenario copies in (files[].source, script paths), so
 * it changes exactly when what a run would build or copy changes. Files are read again only when their
 * size or modification time moved (the catalog loads every pack on each call).
 */
import { createHash, type Hash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, normalize, relative, sep } from 'node:path';
import { ScenarioError } from './diagnostics.js';
import type { Scenario } from './schema.js';
import { scenarioPaths, unreadableDiagnostic, validateScenarioText, type ValidateOptions } from './validate.js';
import { statSignature } from './stat-cache.js';

export { ScenarioError } from './diagnostics.js';
export type { Diagnostic } from './diagnostics.js';

export interface LoadedScenario {
  /** Absolute path of the pack folder. */
  dir: string;
  /** Absolute path of its scenario.yaml. */
  file: string;
  scenario: Scenario;
  /** sha256 (hex) of scenario.yaml, the image build contexts and the copied pack files. */
  hash: string;
}

/** Loads and validates a pack (its folder or its scenario.yaml). Throws ScenarioError when the pack is invalid. */
export async function loadScenario(dir: string, options: ValidateOptions = {}): Promise<LoadedScenario> {
  const { packDir, file } = scenarioPaths(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError([unreadableDiagnostic(file, error)]);
  }
  const scenario = validated(text, file, packDir, options);
  const files = await packFilesAsync(packDir, scenario);
  const key = `${text}\0${statSignature(packDir, files.map((f) => [f.rel, f.stats] as const))}`;
  let digest = packHashes.get(packDir);
  if (digest?.key !== key) {
    const hash = createHash('sha256');
    hashEntry(hash, 'scenario.yaml', Buffer.from(text, 'utf8'));
    for (const { rel } of files) hashEntry(hash, rel, await readFile(join(packDir, rel)));
    digest = { key, hash: hash.digest('hex') };
    packHashes.set(packDir, digest);
  }
  return { dir: packDir, file, scenario, hash: digest.hash };
}

/** The last hash of each pack folder, with what it was computed from (scenario.yaml's text, the files' stats). */
const packHashes = new Map<string, { key: string; hash: string }>();

function validated(text: string, file: string, packDir: string, options: ValidateOptions): Scenario {
  const result = validateScenarioText(text, file, packDir, options);
  if (!result.ok || !result.scenario) throw new ScenarioError(result.diagnostics);
  return result.scenario;
}

/** Length-prefixed so that (name, content) pairs can never run into each other. */
function hashEntry(hash: Hash, rel: string, content: Buffer): void {
  const name = Buffer.from(rel.split(sep).join('/'), 'utf8');
  const header = Buffer.alloc(16);
  header.writeBigUInt64BE(BigInt(name.length), 0);
  header.writeBigUInt64BE(BigInt(content.length), 8);
  hash.update(header).update(name).update(content);
}

/** Roots to hash: image contexts (folders) and copied files, relative to the pack. */
function hashRoots(scenario: Scenario): string[] {
  const roots = new Set<string>();
  for (const image of scenario.environment.images) roots.add(normalize(image.context ?? `images/${image.name}`));
  for (const svc of Object.values(scenario.environment.services)) for (const f of svc.files) roots.add(normalize(f.source));
  const actions = [
    ...[scenario.faults, ...scenario.variants.map((v) => v.faults ?? [])].flatMap((steps) => steps.flatMap((s) => (s.revert ? [s.action, s.revert] : [s.action]))),
    ...scenario.operations.flatMap((o) => o.actions),
  ];
  for (const action of actions) {
    if ('script' in action) roots.add(normalize(action.script.path));
    if ('apply' in action) roots.add(normalize(action.apply.manifest));
  }
  for (const manifest of [...(scenario.environment.kubernetes?.manifests ?? []), ...(scenario.environment.kubernetes?.crds ?? [])]) roots.add(normalize(manifest));
  return [...roots].sort();
}

async function packFilesAsync(packDir: string, scenario: Scenario): Promise<{ rel: string; stats: Stats }[]> {
  const files = new Map<string, Stats>();
  const walk = async (rel: string): Promise<void> => {
    const info = await stat(join(packDir, rel));
    if (info.isFile()) files.set(rel, info);
    else if (info.isDirectory()) for (const entry of (await readdir(join(packDir, rel))).sort()) await walk(join(rel, entry));
  };
  for (const root of hashRoots(scenario)) await walk(root);
  return [...files.keys()].sort().map((rel) => ({ rel, stats: files.get(rel)! }));
}

/** For tests: the pack-relative files the hash covers besides scenario.yaml. */
export async function hashedFiles(loaded: Pick<LoadedScenario, 'dir' | 'scenario'>): Promise<string[]> {
  return (await packFilesAsync(loaded.dir, loaded.scenario)).map(({ rel }) => relative('.', rel));
}
