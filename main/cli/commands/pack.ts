/**
 * `firedrill pack <dir> [--out F] [--version X.Y.Z]` writes a `.firedrill` archive of a valid pack;
 * `firedrill install <file> [--yes] [--force]` checks one, shows what it runs, asks, and installs it into the
 * user's packs folder (`$FIREDRILL_HOME/scenarios`), where the catalog lists it with its version.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { packageVersion } from '../../platform/package-root.js';
import { userPacksDir } from '../../platform/paths.js';
import { ARCHIVE_EXTENSION, inspectArchive, installInspected, isPackFolder, packArchive, readInstallRecord } from '../../studio/archive.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../io.js';

export async function runPack(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, version: { type: 'string' } }, strict: true });
  if (positionals.length !== 1) throw new UsageError('pack takes exactly one pack folder');
  const dir = resolve(positionals[0]!);
  if (!isPackFolder(dir)) throw new UsageError(`${dir} is not a pack folder (no scenario.yaml)`);
  const version = values.version ?? readInstallRecord(dir)?.version ?? '1.0.0';
  const { archive, manifest } = await packArchive(dir, { version, firedrillVersion: packageVersion() });
  const out = resolve(values.out ?? `${manifest.name}-${manifest.version}${ARCHIVE_EXTENSION}`);
  const partial = `${out}.partial-${process.pid}`;
  writeFileSync(partial, archive);
  renameSync(partial, out);
  io.stdout(`wrote ${out} (${manifest.name} ${manifest.version}, ${archive.length} bytes, sha256 ${manifest.hash.slice(0, 12)}…)`);
  return 0;
}

export async function runInstall(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean', default: false }, force: { type: 'boolean', default: false } }, strict: true });
  if (positionals.length !== 1) throw new UsageError(`install takes exactly one ${ARCHIVE_EXTENSION} file`);
  const file = resolve(positionals[0]!);
  const options = { packsDir: userPacksDir(), firedrillVersion: packageVersion(), force: values.force };
  const inspected = await inspectArchive(readFileSync(file), options);
  io.stdout('This pack will run on your machine:');
  for (const line of inspected.summary.lines) io.stdout(`  ${line}`);
  if (inspected.installed) io.stdout(`  (replaces ${inspected.installed.name} ${inspected.installed.version}; your history of it stays)`);
  if (!values.yes) {
    if (!process.stdin.isTTY) {
      io.stderr('firedrill install: nothing installed. Run again with --yes to consent (no terminal to ask on).');
      return 1;
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question('Install it? [y/N] ')).trim().toLowerCase();
    rl.close();
    if (answer !== 'y' && answer !== 'yes') {
      io.stdout('nothing installed');
      return 1;
    }
  }
  const { dir, record } = installInspected(inspected, basename(file), options);
  io.stdout(`installed ${record.name} ${record.version} into ${dir}`);
  return 0;
}
