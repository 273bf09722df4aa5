/**
 * `firedrill validate <path>... [--json]`: checks scenario packs without Docker. A path is a pack folder, its
 * scenario.yaml, or a folder of packs (each subfolder with a scenario.yaml is validated).
 * Exit codes: 0 every pack is valid (warnings allowed), 1 a pack is invalid, 2 usage error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Diagnostic, formatDiagnostic } from '../../engine/scenario/diagnostics.js';
import { createRuntimeRegistry } from '../../app/runtimes.js';
import { SCENARIO_FILE, validateScenarioDir } from '../../engine/scenario/validate.js';

export interface ValidateIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface ValidateResultJson {
  /** The pack folder, as given or found. */
  path: string;
  ok: boolean;
  diagnostics: Diagnostic[];
}

const USAGE = 'usage: firedrill validate <pack folder | scenario.yaml | folder of packs>... [--json]';

export async function runValidate(args: string[], io: ValidateIO): Promise<number> {
  let values: { json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }));
  } catch (error) {
    io.stderr(`firedrill validate: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length === 0) {
    io.stderr(`firedrill validate: name at least one scenario pack\n${USAGE}`);
    return 2;
  }

  const packs: string[] = [];
  for (const arg of positionals) {
    const found = findPacks(arg);
    if (typeof found === 'string') {
      io.stderr(`firedrill validate: ${found}\n${USAGE}`);
      return 2;
    }
    packs.push(...found);
  }

  const runtimes = createRuntimeRegistry();
  const results: ValidateResultJson[] = [];
  for (const pack of packs) {
    const result = await validateScenarioDir(pack, { supports: (kind, operation) => runtimes.supports(kind, operation) });
    results.push({ path: pack, ok: result.ok, diagnostics: result.diagnostics });
  }
  const ok = results.every((r) => r.ok);

  if (values.json) {
    io.stdout(JSON.stringify({ ok, results }, null, 2));
    return ok ? 0 : 1;
  }
  for (const result of results) {
    for (const d of result.diagnostics) io.stdout(formatDiagnostic({ ...d, file: displayPath(d.file) }));
    const name = basename(result.path);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    const warningText = warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '';
    if (result.ok) io.stdout(`✓ ${name} is valid${warningText ? ` (${warningText})` : ''}`);
    else io.stdout(`✗ ${name}: ${errors} error${errors === 1 ? '' : 's'}${warningText ? `, ${warningText}` : ''}`);
  }
  return ok ? 0 : 1;
}

/** The pack folders a path names, or a usage problem. */
function findPacks(arg: string): string[] | string {
  const absolute = resolve(arg);
  if (!existsSync(absolute)) return `no such file or folder: ${arg}`;
  if (statSync(absolute).isFile()) {
    if (basename(absolute) !== SCENARIO_FILE) return `${arg} is not a ${SCENARIO_FILE}: give a pack folder or its ${SCENARIO_FILE}`;
    return [dirname(absolute)];
  }
  if (existsSync(join(absolute, SCENARIO_FILE))) return [absolute];
  const packs = readdirSync(absolute, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(absolute, entry.name, SCENARIO_FILE)))
    .map((entry) => join(absolute, entry.name))
    .sort();
  if (packs.length === 0) return `${arg} has no ${SCENARIO_FILE} and no pack folders with one`;
  return packs;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
