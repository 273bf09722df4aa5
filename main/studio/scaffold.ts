/**
 * `firedrill new <name> --template <t>`: copies a template from `templates/` into a new pack folder, names it,
 * points its `$schema` line at this installation's JSON Schema, and validates the result before it appears.
 * The pack is assembled in a hidden sibling folder and renamed into place, so a half-written pack never shows.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, cpSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatDiagnostics, hasErrors } from '../engine/scenario/diagnostics.js';
import { schemaFilePath } from '../engine/scenario/json-schema.js';
import { SCENARIO_FILE, validateScenarioDir } from '../engine/scenario/validate.js';

/** A pack name: what `metadata.name` accepts (the folder is named the same). */
export const PACK_NAME = /^[a-z0-9][a-z0-9-]*$/;

export class StudioError extends Error {
  override readonly name = 'StudioError';
}

export interface TemplateInfo {
  name: string;
  /** The template's metadata.title, for `new` and the UI. */
  title: string;
}

/** The templates shipped in `dir` (each a folder with a scenario.yaml), sorted by name. */
export function listTemplates(dir: string): TemplateInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, SCENARIO_FILE)) && statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name, SCENARIO_FILE), 'utf8');
      const title = /^\s*title:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? name;
      return { name, title };
    });
}

export interface ScaffoldOptions {
  name: string;
  template: string;
  templatesDir: string;
  /** The folder the pack is created in: the pack is `<into>/<name>`. */
  into: string;
  author?: string;
  /** The JSON Schema the `$schema` line points at; default this installation's. */
  schemaFile?: string;
}

/** Fills a template's placeholders: {{name}} and {{author}}. */
export function fillTemplate(text: string, values: { name: string; author: string }): string {
  return text.replaceAll('{{name}}', values.name).replaceAll('{{author}}', values.author);
}

/** Creates the pack and returns its folder. Throws StudioError (nothing written) for a bad name, template or target. */
export async function scaffoldPack(options: ScaffoldOptions): Promise<string> {
  const { name, template } = options;
  if (!PACK_NAME.test(name)) {
    throw new StudioError(`"${name}" is not a pack name: use lowercase letters, digits and dashes (e.g. "cert-expiry")`);
  }
  const templates = listTemplates(options.templatesDir);
  const source = join(options.templatesDir, template);
  if (!templates.some((t) => t.name === template)) {
    throw new StudioError(`no template "${template}" (templates: ${templates.map((t) => t.name).join(', ') || 'none found in ' + options.templatesDir})`);
  }
  const target = resolve(options.into, name);
  if (existsSync(target)) throw new StudioError(`${target} already exists: choose another name or remove it first`);

  mkdirSync(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.${name}.new-${process.pid}-${Date.now()}`);
  try {
    cpSync(source, staging, { recursive: true });
    const file = join(staging, SCENARIO_FILE);
    const schemaUrl = pathToFileURL(options.schemaFile ?? schemaFilePath()).href;
    const filled = fillTemplate(readFileSync(file, 'utf8'), { name, author: options.author ?? 'you' });
    writeFileSync(file, `# yaml-language-server: $schema=${schemaUrl}\n${filled}`);
    // Validate under the final folder name (metadata.name must equal it): rename first, remove on failure.
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const result = await validateScenarioDir(target);
  if (hasErrors(result.diagnostics)) {
    rmSync(target, { recursive: true, force: true });
    throw new StudioError(`template "${template}" does not validate (a Firedrill bug):\n${formatDiagnostics(result.diagnostics)}`);
  }
  return target;
}
