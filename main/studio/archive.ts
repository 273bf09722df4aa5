/**
 * Sharing packs: `firedrill pack <dir>` writes one `.firedrill` file (a gzipped tar: `firedrill-pack.json`, the
 * manifest, and the pack's files under `pack/`), and `firedrill install <file>` (and the UI's import) reads it
 * back. Reading never touches the disk outside memory: every entry is checked (no absolute or `..` names, no
 * links that leave the pack, no device files, bounded sizes), the manifest's hash is recomputed and the scenario
 * is validated in a scratch folder before anything lands in the user's packs folder. An install replaces the
 * pack in one rename, so a crash leaves the old version or the new one, never half of one.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import semver from 'semver';
import { extract, pack as tarPack } from 'tar-stream';
import { z } from 'zod';
import { formatDiagnostics, hasErrors } from '../engine/scenario/diagnostics.js';
import type { Scenario } from '../engine/scenario/schema.js';
import { SCENARIO_FILE, validateScenarioDir, validateScenarioText } from '../engine/scenario/validate.js';
import { PACK_NAME, StudioError } from './scaffold.js';

export const ARCHIVE_EXTENSION = '.firedrill';
export const MANIFEST_FILE = 'firedrill-pack.json';
/** Where the pack's own files sit inside the archive. */
const PACK_PREFIX = 'pack/';
/** Where an install records what it installed, inside the pack folder. */
export const INSTALL_RECORD = '.firedrill-install.json';

export interface ArchiveLimits {
  /** The archive file itself. */
  archiveBytes: number;
  /** All entries unpacked (a gzip bomb stops here). */
  unpackedBytes: number;
  entries: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = { archiveBytes: 32 * 1024 ** 2, unpackedBytes: 128 * 1024 ** 2, entries: 5000 };

export const manifestSchema = z.strictObject({
  format: z.literal(1),
  name: z.string().regex(PACK_NAME),
  version: z.string().refine((v) => semver.valid(v) !== null, 'a semantic version such as 1.2.0'),
  title: z.string(),
  authors: z.array(z.string()),
  /** The Firedrill versions this pack needs (a semver range). */
  firedrill: z.string().refine((r) => semver.validRange(r) !== null, 'a semver range such as >=0.1.0'),
  /** sha256 over every file's path and content, in path order (packHash). */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});
export type PackManifest = z.infer<typeof manifestSchema>;

export interface InstallRecord {
  name: string;
  version: string;
  hash: string;
  /** The archive it came from (its file name), or `new` / `studio` for packs made here. */
  source: string;
  installedAt: string;
}

/** A file or link of a pack, by its path inside the pack (posix separators). */
export type PackEntry = { path: string; kind: 'file'; content: Buffer; mode: number } | { path: string; kind: 'symlink'; target: string };

/** The hash a manifest carries: every entry's path, kind and content (or link target), in path order. */
export function packHash(entries: readonly PackEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${entry.kind}\0${entry.path}\0`);
    hash.update(entry.kind === 'file' ? entry.content : entry.target);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Where a link from `entryPath` to `target` lands, inside the pack, or null when it leaves the pack. */
export function linkInsidePack(entryPath: string, target: string): string | null {
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.includes('\\')) return null;
  const landed = posix.normalize(posix.join(posix.dirname(entryPath), target));
  return landed === '..' || landed.startsWith('../') ? null : landed;
}

/** The pack's files as archive entries. Refuses a link that leaves the pack (it would not work anywhere else). */
export function readPackFolder(dir: string): PackEntry[] {
  const root = resolve(dir);
  const entries: PackEntry[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name === INSTALL_RECORD || name === '.git' || name.endsWith('~')) continue;
      const full = join(folder, name);
      const path = relative(root, full).split(sep).join('/');
      const stats = lstatSync(full);
      if (stats.isSymbolicLink()) {
        const target = readlinkSync(full);
        if (!linkInsidePack(path, target)) throw new StudioError(`${path} is a symlink out of the pack (to ${target}): copy the file into the pack instead`);
        entries.push({ path, kind: 'symlink', target });
      } else if (stats.isDirectory()) {
        walk(full);
      } else if (stats.isFile()) {
        entries.push({ path, kind: 'file', content: readFileSync(full), mode: stats.mode & 0o777 });
      }
    }
  };
  walk(root);
  return entries;
}

export interface PackOptions {
  version: string;
  firedrillVersion: string;
  now?: () => Date;
}

/** Builds the archive of a valid pack. Refuses an invalid pack: nobody should be sent one. */
export async function packArchive(dir: string, options: PackOptions): Promise<{ archive: Buffer; manifest: PackManifest }> {
  if (!semver.valid(options.version)) throw new StudioError(`--version "${options.version}" is not a semantic version (e.g. 1.0.0)`);
  const result = await validateScenarioDir(dir);
  if (!result.scenario || hasErrors(result.diagnostics)) {
    throw new StudioError(`the pack does not validate; fix it first:\n${formatDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
  const entries = readPackFolder(dir);
  const manifest: PackManifest = {
    format: 1,
    name: result.scenario.metadata.name,
    version: semver.valid(options.version)!,
    title: result.scenario.metadata.title,
    authors: result.scenario.metadata.authors,
    firedrill: `>=${options.firedrillVersion}`,
    hash: packHash(entries),
    createdAt: (options.now?.() ?? new Date()).toISOString(),
  };
  return { archive: await writeArchive(manifest, entries), manifest };
}

/** A tar.gz of the manifest and the entries, byte for byte what `readArchive` accepts. */
export async function writeArchive(manifest: unknown, entries: readonly PackEntry[], extra: (tar: ReturnType<typeof tarPack>) => void = () => undefined): Promise<Buffer> {
  const tar = tarPack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((res, rej) => {
    tar.on('end', () => res());
    tar.on('error', rej);
  });
  tar.entry({ name: MANIFEST_FILE, mode: 0o644 }, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const entry of entries) {
    if (entry.kind === 'file') tar.entry({ name: PACK_PREFIX + entry.path, mode: entry.mode }, entry.content);
    else tar.entry({ name: PACK_PREFIX + entry.path, type: 'symlink', linkname: entry.target });
  }
  extra(tar);
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export interface ReadArchive {
  manifest: PackManifest;
  entries: PackEntry[];
}

/** Reads and checks an archive in memory. Throws StudioError naming the first entry that is refused. */
export async function readArchive(archive: Buffer, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<ReadArchive> {
  if (archive.length > limits.archiveBytes) {
    throw new StudioError(`the archive is ${mib(archive.length)}, over the ${mib(limits.archiveBytes)} a pack may be: refused`);
  }
  let tarBytes: Buffer;
  try {
    // maxOutputLength: a gzip bomb stops at the cap instead of filling memory.
    tarBytes = gunzipSync(archive, { maxOutputLength: limits.unpackedBytes + 1024 * 1024 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new StudioError(`the archive unpacks to more than ${mib(limits.unpackedBytes)}: refused`);
    }
    throw new StudioError(`not a Firedrill pack archive (not gzip: ${(error as Error).message})`);
  }
  const entries: PackEntry[] = [];
  let manifestText: string | undefined;
  let unpacked = 0;
  let refusal: string | undefined;
  const tar = extract();
  const finished = new Promise<void>((res, rej) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      // The first refusal wins; the rest of the archive is drained (bounded: gunzip already capped it) and dropped.
      let failed = false;
      const fail = (message: string) => {
        refusal ??= message;
        if (failed) return;
        failed = true;
        stream.resume();
        stream.on('end', next);
      };
      if (refusal) return fail(refusal);
      const name = header.name;
      if (entries.length + 1 > limits.entries) return fail(`the archive has more than ${limits.entries} entries: refused`);
      const problem = entryNameProblem(name);
      if (problem) return fail(`entry "${name}": ${problem}: refused`);
      stream.on('data', (chunk: unknown) => {
        if (!Buffer.isBuffer(chunk)) return;
        unpacked += chunk.length;
        if (unpacked > limits.unpackedBytes) fail(`the archive unpacks to more than ${mib(limits.unpackedBytes)}: refused`);
        else chunks.push(chunk);
      });
      // After the entry's data: record the refusal and go on to the next entry.
      const refuse = (message: string) => {
        refusal ??= message;
        next();
      };
      stream.on('end', () => {
        if (failed) return;
        const normal = posix.normalize(name).replace(/\/+$/, '');
        if (normal === MANIFEST_FILE && header.type === 'file') {
          manifestText = Buffer.concat(chunks).toString('utf8');
          return next();
        }
        if (!normal.startsWith(PACK_PREFIX)) return refuse(`entry "${name}" is outside pack/: refused`);
        const path = normal.slice(PACK_PREFIX.length);
        if (header.type === 'directory') return next();
        if (header.type === 'file') {
          entries.push({ path, kind: 'file', content: Buffer.concat(chunks), mode: (header.mode ?? 0o644) & 0o755 });
          return next();
        }
        if (header.type === 'symlink') {
          const target = header.linkname ?? '';
          if (!linkInsidePack(path, target)) return refuse(`entry "${name}" is a symlink out of the pack (to ${target}): refused`);
          entries.push({ path, kind: 'symlink', target });
          return next();
        }
        refuse(`entry "${name}" is a ${header.type ?? 'special file'}; a pack holds only files, folders and links inside it: refused`);
      });
    });
    tar.on('finish', () => res());
    tar.on('error', rej);
  });
  tar.end(tarBytes);
  try {
    await finished;
  } catch (error) {
    throw new StudioError(`not a Firedrill pack archive (${(error as Error).message})`);
  }
  if (refusal) throw new StudioError(refusal);
  if (manifestText === undefined) throw new StudioError(`not a Firedrill pack archive: no ${MANIFEST_FILE}`);
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestText);
  } catch (error) {
    throw new StudioError(`${MANIFEST_FILE}: not JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(manifestJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StudioError(`${MANIFEST_FILE}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  // Links must land on something the pack has, and two entries may not share a path.
  const paths = new Set<string>();
  for (const entry of entries) {
    if (paths.has(entry.path)) throw new StudioError(`entry "pack/${entry.path}" appears twice: refused`);
    paths.add(entry.path);
  }
  // Nothing may sit under a link: `s -> .` and `s/x -> ../y` would climb out though each link looks inside.
  const links = new Set(entries.filter((e) => e.kind === 'symlink').map((e) => e.path));
  for (const entry of entries) {
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (links.has(parent)) throw new StudioError(`entry "pack/${entry.path}" sits under the symlink pack/${parent}: refused`);
    }
  }
  if (packHash(entries) !== manifest.hash) throw new StudioError(`the files do not match the manifest's hash (the archive was changed after it was packed): refused`);
  if (!paths.has(SCENARIO_FILE)) throw new StudioError(`the archive has no pack/${SCENARIO_FILE}`);
  return { manifest, entries };
}

/** Why an entry name is refused, or null. */
function entryNameProblem(name: string): string | null {
  if (name.includes('\\')) return 'a backslash in a name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split('/').includes('..')) return 'a path that climbs out with ".."';
  if (name.includes('\0')) return 'a NUL in a name';
  return null;
}

/** What the pack will run, for consent before an install. */
export interface PackSummary {
  name: string;
  version: string;
  title: string;
  authors: string[];
  images: string[];
  services: { name: string; image: string; capabilities: string[] }[];
  networks: { name: string; subnet?: string; egress: boolean }[];
  /** Lines for a person: what runs and with which privileges. */
  lines: string[];
}

export function summarize(manifest: PackManifest, scenario: Scenario): PackSummary {
  const env = scenario.environment;
  const services = Object.entries(env.services).map(([name, svc]) => ({ name, image: svc.image, capabilities: svc.capabilities }));
  const networks = env.networks.map((n) => ({ name: n.name, ...(n.subnet ? { subnet: n.subnet } : {}), egress: n.egress }));
  const lines = [
    `${manifest.name} ${manifest.version}: ${manifest.title}${manifest.authors.length ? ` (by ${manifest.authors.join(', ')})` : ''}`,
    `images built from its Dockerfiles: ${env.images.map((i) => i.name).join(', ') || 'none'}`,
    ...services.map((s) => `service ${s.name}: image ${s.image}${s.capabilities.length ? `, capabilities ${s.capabilities.join(', ')}` : ', no extra capabilities'}`),
    ...networks.map((n) => `network ${n.name}${n.subnet ? ` ${n.subnet}` : ''}: ${n.egress ? 'WITH a route out of the sandbox (egress)' : 'no route out'}`),
  ];
  return { name: manifest.name, version: manifest.version, title: manifest.title, authors: manifest.authors, images: env.images.map((i) => i.name), services, networks, lines };
}

export interface InspectedArchive extends ReadArchive {
  scenario: Scenario;
  summary: PackSummary;
  /** What is installed under that name now, if anything. */
  installed: InstallRecord | null;
}

export interface InstallOptions {
  packsDir: string;
  firedrillVersion: string;
  limits?: ArchiveLimits;
  /** Replace a newer or equal version too (a downgrade or a reinstall). */
  force?: boolean;
}

/**
 * Everything an install checks, with nothing written to the packs folder: the archive, the manifest, the
 * Firedrill version it needs, the scenario (validated in a scratch folder that is removed), the allowlists.
 */
export async function inspectArchive(archive: Buffer, options: InstallOptions): Promise<InspectedArchive> {
  const read = await readArchive(archive, options.limits);
  const { manifest, entries } = read;
  if (!semver.satisfies(options.firedrillVersion, manifest.firedrill)) {
    throw new StudioError(`${manifest.name} ${manifest.version} needs Firedrill ${manifest.firedrill}; this is ${options.firedrillVersion}`);
  }
  const yamlEntry = entries.find((e) => e.path === SCENARIO_FILE);
  const text = yamlEntry?.kind === 'file' ? yamlEntry.content.toString('utf8') : '';
  // First without files: capabilities, sysctls and every other allowlist, straight from the archive's text.
  const offline = validateScenarioText(text, SCENARIO_FILE);
  if (!offline.scenario || hasErrors(offline.diagnostics)) {
    throw new StudioError(`the pack does not validate, nothing was installed:\n${formatDiagnostics(offline.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
  const scenario = offline.scenario;
  if (scenario.metadata.name !== manifest.name) {
    throw new StudioError(`the manifest names "${manifest.name}" but ${SCENARIO_FILE} says metadata.name "${scenario.metadata.name}": refused`);
  }
  // Then with its files (scripts, Dockerfiles, file references), in a scratch folder named like the pack.
  const scratch = mkdtempSync(join(tmpdir(), 'firedrill-inspect-'));
  try {
    const dir = join(scratch, manifest.name);
    writeEntries(dir, entries);
    const full = await validateScenarioDir(dir);
    if (hasErrors(full.diagnostics)) {
      throw new StudioError(`the pack does not validate, nothing was installed:\n${formatDiagnostics(full.diagnostics.filter((d) => d.severity === 'error'))}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Before consent is asked: an install that would be refused is refused now.
  replacementCheck(manifest, join(options.packsDir, manifest.name), options);
  return { ...read, scenario, summary: summarize(manifest, scenario), installed: readInstallRecord(join(options.packsDir, manifest.name)) };
}

/** Installs an inspected archive into `<packsDir>/<name>`: refuses a downgrade or a changed same version unless forced. */
export function installInspected(inspected: InspectedArchive, source: string, options: InstallOptions & { now?: () => Date }): { dir: string; record: InstallRecord; replaced: InstallRecord | null } {
  const { manifest, entries } = inspected;
  const target = join(options.packsDir, manifest.name);
  const current = readInstallRecord(target);
  replacementCheck(manifest, target, options);
  mkdirSync(options.packsDir, { recursive: true });
  const staging = join(options.packsDir, `.${manifest.name}.install-${process.pid}-${Date.now()}`);
  const old = join(options.packsDir, `.${manifest.name}.old-${process.pid}-${Date.now()}`);
  const record: InstallRecord = { name: manifest.name, version: manifest.version, hash: manifest.hash, source, installedAt: (options.now?.() ?? new Date()).toISOString() };
  try {
    writeEntries(staging, entries);
    writeFileSync(join(staging, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
  return { dir: target, record, replaced: current };
}

/** Refuses to replace a pack of the user's own, an equal or newer version, or a changed same version (unless forced). */
function replacementCheck(manifest: PackManifest, target: string, options: InstallOptions): void {
  const current = readInstallRecord(target);
  if (existsSync(target) && !current && !options.force) {
    throw new StudioError(`${target} is a pack of your own (not installed from an archive): rename it, or install with --force to replace it`);
  }
  if (current && !options.force) {
    if (semver.lt(manifest.version, current.version)) {
      throw new StudioError(`${manifest.name} ${current.version} is installed; ${manifest.version} is older (install with --force to downgrade)`);
    }
    if (semver.eq(manifest.version, current.version)) {
      if (current.hash === manifest.hash) throw new StudioError(`${manifest.name} ${manifest.version} is already installed`);
      throw new StudioError(`${manifest.name} ${manifest.version} is installed with different files: the author must bump the version (or install with --force)`);
    }
  }
}

export function readInstallRecord(packDir: string): InstallRecord | null {
  const file = join(packDir, INSTALL_RECORD);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as InstallRecord;
  } catch {
    return null;
  }
}

/** Writes checked entries under `dir` (names were checked: none leaves it). */
function writeEntries(dir: string, entries: readonly PackEntry[]): void {
  mkdirSync(dir, { recursive: true });
  const root = resolve(dir);
  for (const entry of entries) {
    const file = resolve(root, ...entry.path.split('/'));
    if (!file.startsWith(root + sep)) throw new StudioError(`entry "pack/${entry.path}" leaves the pack: refused`);
    mkdirSync(dirname(file), { recursive: true });
    if (entry.kind === 'file') writeFileSync(file, entry.content, { mode: entry.mode | 0o600 });
    else symlinkSync(entry.target, file);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** The folder is a pack (for `pack`): it has a scenario.yaml. */
export function isPackFolder(dir: string): boolean {
  return existsSync(join(dir, SCENARIO_FILE)) && statSync(dir).isDirectory();
}
