/**
 * Validates a scenario pack: YAML syntax (with positions), the zod schema (issues turned into plain English at the
 * line and column of the offending node) and the semantic rules of `semantic.ts` (references, ids, files, network
 * addresses, allowlists). Never throws for bad input: everything wrong becomes a diagnostic.
 */
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  type Diagnostic,
  type PathSegment,
  didYouMean,
  formatPath,
  hasErrors,
  sortDiagnostics,
} from './diagnostics.js';
import { PositionIndex, type PositionTarget } from './positions.js';
import { scenarioSchema, type Scenario } from './schema.js';
import type { RuntimeSupport } from '../faults/operations.js';
import { checkSemantics, type SemanticOptions } from './semantic.js';
import { manifestWorkloads, readManifests } from './manifests.js';

/** The manifests `apply:` actions name, anywhere in the pack (faults, reverts, replays, operations, variants). */
function applyManifests(s: Scenario): string[] {
  const steps = [s.faults, s.checks.replay?.faults ?? [], ...s.variants.flatMap((v) => [v.faults ?? [], v.replay?.faults ?? []])].flat();
  const actions = [...steps.flatMap((step) => (step.revert ? [step.action, step.revert] : [step.action])), ...s.operations.flatMap((o) => o.actions)];
  return [...new Set(actions.flatMap((a) => ('apply' in a ? [a.apply.manifest] : [])))];
}

/** A relative path that stays inside the pack (semantic.ts reports the others). */
function isInside(dir: string, rel: string): boolean {
  if (isAbsolute(rel)) return false;
  const full = resolve(dir, rel);
  return full === dir || full.startsWith(dir + sep);
}

export const SCENARIO_FILE = 'scenario.yaml';

export interface ValidationResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  scenario?: Scenario;
}


export interface ValidateOptions {
  /** What this build's runtimes can do (main/app/runtimes.ts); without it, actions are not checked against runtimes. */
  supports?: RuntimeSupport;
}

/** Validates scenario.yaml text. With `dirForFileChecks`, also checks the pack's files and that metadata.name is the folder name. */
export function validateScenarioText(text: string, file: string, dirForFileChecks?: string, validateOptions: ValidateOptions = {}): ValidationResult {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  // `merge: true`: YAML merge keys (`<<: *base`, `<<: [*a, *b]`) merge the aliased mappings, keys written beside
  // them win; positions.ts follows them, so an error in a merged field points at the line that wrote it.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true, merge: true });
  const positions = new PositionIndex(doc, lineCounter);

  const yamlProblem = (severity: Diagnostic['severity'], err: { message: string; pos: [number, number] }) => {
    const at = positions.position(err.pos[0]);
    diagnostics.push({ file, ...at, path: '', message: yamlMessage(err.message), severity });
  };
  // After a syntax error the parser's later errors are mostly echoes of the first: report the first, and
  // every duplicate key (those are independent).
  doc.errors.forEach((err, i) => {
    if (i === 0 || err.code === 'DUPLICATE_KEY') yamlProblem('error', err);
  });
  for (const warning of doc.warnings) yamlProblem('warning', warning);
  if (doc.errors.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };

  // A merge key must merge mappings: say where one does not (toJS would throw without a position).
  const badMerges = positions.badMergeSources();
  for (const bad of badMerges) {
    diagnostics.push({ file, ...positions.position(bad.offset), path: '', message: `a merge key (<<) takes a mapping, an alias of one, or a list of them; found ${bad.found}`, severity: 'error' });
  }
  if (badMerges.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    diagnostics.push({ file, line: 1, column: 1, path: '', message: `cannot read YAML: ${(error as Error).message}`, severity: 'error' });
    return { ok: false, diagnostics };
  }
  if (raw === null || raw === undefined) {
    diagnostics.push({ file, line: 1, column: 1, path: '', message: 'the file is empty; start with "apiVersion: firedrill/v1"', severity: 'error' });
    return { ok: false, diagnostics };
  }

  const report = (path: readonly PathSegment[], message: string, target: PositionTarget = 'value', severity: Diagnostic['severity'] = 'error') => {
    diagnostics.push({ file, ...positions.locate(path, target), path: formatPath(path), message, severity });
  };

  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) explainIssue(issue as Issue, [], raw, report, scenarioSchema);
    return { ok: false, diagnostics: sortDiagnostics(dropMissingExplainedByTypos(dedupe(diagnostics))) };
  }

  // Kubernetes manifests: problems at their own file and line; their workloads are services for references.
  let workloads: string[] | undefined;
  const kube = parsed.data.environment.kubernetes;
  if (kube && dirForFileChecks) {
    const dir = resolve(dirForFileChecks);
    const images = parsed.data.environment.images.map((i) => i.name);
    const read = readManifests(dir, kube.manifests.filter((m) => isInside(dir, m)), images);
    diagnostics.push(...read.diagnostics);
    workloads = manifestWorkloads(read.objects).map((w) => w.name);
    for (const manifest of applyManifests(parsed.data)) if (isInside(dir, manifest)) diagnostics.push(...readManifests(dir, [manifest], images).diagnostics);
    diagnostics.push(...readManifests(dir, kube.crds.filter((m) => isInside(dir, m)), images, 'crds').diagnostics);
  }
  const options: SemanticOptions = {
    ...(dirForFileChecks ? { dir: resolve(dirForFileChecks), folderName: basename(resolve(dirForFileChecks)) } : {}),
    ...(validateOptions.supports ? { supports: validateOptions.supports } : {}),
    ...(workloads ? { workloads } : {}),
  };
  checkSemantics(parsed.data, options, (path, message, severity = 'error', target = 'value') => report(path, message, target, severity));
  const unique = sortDiagnostics(dedupe(diagnostics));
  const ok = !hasErrors(unique);
  return ok ? { ok, diagnostics: unique, scenario: parsed.data } : { ok, diagnostics: unique };
}

/**
 * Any other Firedrill YAML file (a game plan): the same syntax checks, zod issues in plain English and
 * positions as scenario.yaml, then the caller's own checks. One validator for every file an author writes.
 */
export function validateYamlText<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  semantics?: (value: T, report: (path: readonly PathSegment[], message: string, severity?: Diagnostic['severity']) => void) => void,
): { ok: boolean; diagnostics: Diagnostic[]; value?: T } {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  const positions = new PositionIndex(doc, lineCounter);
  doc.errors.forEach((err, i) => {
    if (i === 0 || err.code === 'DUPLICATE_KEY') diagnostics.push({ file, ...positions.position(err.pos[0]), path: '', message: yamlMessage(err.message), severity: 'error' });
  });
  if (doc.errors.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, diagnostics: [{ file, line: 1, column: 1, path: '', message: `cannot read YAML: ${(error as Error).message}`, severity: 'error' }] };
  }
  if (raw === null || raw === undefined) {
    return { ok: false, diagnostics: [{ file, line: 1, column: 1, path: '', message: 'the file is empty', severity: 'error' }] };
  }
  const report = (path: readonly PathSegment[], message: string, target: PositionTarget = 'value', severity: Diagnostic['severity'] = 'error') => {
    diagnostics.push({ file, ...positions.locate(path, target), path: formatPath(path), message, severity });
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) explainIssue(issue as Issue, [], raw, report, schema as unknown as AnySchema);
    return { ok: false, diagnostics: sortDiagnostics(dropMissingExplainedByTypos(dedupe(diagnostics))) };
  }
  semantics?.(parsed.data, (path, message, severity = 'error') => report(path, message, 'value', severity));
  const unique = sortDiagnostics(dedupe(diagnostics));
  return hasErrors(unique) ? { ok: false, diagnostics: unique } : { ok: true, diagnostics: unique, value: parsed.data };
}

/** Validates `<dir>/scenario.yaml` (or the given scenario.yaml) and the pack's files. */
export async function validateScenarioDir(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const { packDir, file } = scenarioPaths(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, diagnostics: [unreadableDiagnostic(file, error)] };
  }
  return validateScenarioText(text, file, packDir, options);
}

/** A pack folder or its scenario.yaml → absolute folder and file. */
export function scenarioPaths(dirOrFile: string): { packDir: string; file: string } {
  const absolute = resolve(dirOrFile);
  if (basename(absolute) === SCENARIO_FILE) return { packDir: resolve(absolute, '..'), file: absolute };
  return { packDir: absolute, file: join(absolute, SCENARIO_FILE) };
}

/** Why a pack's scenario.yaml could not be read, as a diagnostic at its first line. */
export function unreadableDiagnostic(file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code;
  const message = code === 'ENOENT' ? `no ${SCENARIO_FILE} here: a scenario pack is a folder with a ${SCENARIO_FILE}` : `cannot read ${SCENARIO_FILE}: ${(error as Error).message}`;
  return { file, line: 1, column: 1, path: '', message, severity: 'error' };
}

function yamlMessage(message: string): string {
  // yaml's pretty errors append " at line L, column C:" and a code frame; the position is in the diagnostic already.
  const first = message.split('\n')[0] ?? message;
  return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '').trim()}`;
}

/** `servce:` gives both "unknown field servce; did you mean service" and "missing service": keep the first only. */
function dropMissingExplainedByTypos(diagnostics: Diagnostic[]): Diagnostic[] {
  const suggested = new Set<string>();
  for (const d of diagnostics) {
    const m = /^unknown field "[^"]*"(?: in [^;]*)?; did you mean "([^"]+)"\?/.exec(d.message);
    if (m) suggested.add(`${d.path.replace(/(\.[^.[]+|\["[^"]*"\])$/, '')}|${m[1]}`);
  }
  return diagnostics.filter((d) => {
    const m = /^missing required field "([^"]+)"/.exec(d.message);
    return !(m && suggested.has(`${d.path.replace(/(\.[^.[]+|\["[^"]*"\])$/, '')}|${m[1]}`));
  });
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.path}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------- zod issues in plain English

type Report = (path: readonly PathSegment[], message: string, target?: PositionTarget) => void;

interface Issue {
  code: string;
  path: PathSegment[];
  message: string;
  expected?: string;
  keys?: string[];
  errors?: Issue[][];
  issues?: Issue[];
  values?: unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  format?: string;
  pattern?: string;
  prefix?: string;
  discriminator?: string;
  options?: unknown[];
  note?: string;
}

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  keyType?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
}

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

/** Strips optional/default/nullable wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (def.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

/** The schema that describes the value at `path`, choosing union branches by the raw data. */
function schemaAt(root: AnySchema, path: readonly PathSegment[], raw: unknown, pickLast = true): AnySchema | undefined {
  let schema: AnySchema | undefined = unwrap(root);
  let value = raw;
  for (const segment of path) {
    if (!schema) return undefined;
    schema = pickBranch(schema, value);
    const def = defOf(schema);
    if (def.type === 'object' && typeof segment === 'string') schema = def.shape?.[segment];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
    value = isObject(value) || Array.isArray(value) ? (value as Record<PathSegment, unknown>)[segment] : undefined;
    if (schema) schema = unwrap(schema);
  }
  return schema && pickLast ? pickBranch(schema, value) : schema;
}

function pickBranch(schema: AnySchema, value: unknown): AnySchema {
  const def = defOf(schema);
  if (def.type !== 'union' || !def.options) return schema;
  if (def.discriminator && isObject(value)) {
    const wanted = value[def.discriminator];
    for (const option of def.options) {
      const literal = defOf(unwrap(option)).shape?.[def.discriminator];
      const values = literal ? ((literal._zod.def as unknown as { values?: unknown[] }).values ?? []) : [];
      if (values.includes(wanted)) return unwrap(option);
    }
    return schema;
  }
  const action = actionKeys(schema);
  if (action && isObject(value)) {
    const present = Object.keys(value).filter((k) => action.includes(k));
    if (present.length === 1) return unwrap(def.options[action.indexOf(present[0]!)]!);
    return schema;
  }
  // Structural unions (string | array, array | record): the branch whose type fits the value.
  for (const option of def.options) {
    const t = defOf(unwrap(option)).type;
    if ((t === 'array' && Array.isArray(value)) || ((t === 'object' || t === 'record') && isObject(value)) || t === typeof value) return unwrap(option);
  }
  return schema;
}

/** For a union of single-key objects (fault actions, sql expectations): the key of each branch, in order. */
function actionKeys(schema: AnySchema): string[] | undefined {
  const def = defOf(schema);
  if (def.type !== 'union' || def.discriminator || !def.options) return undefined;
  const keys: string[] = [];
  for (const option of def.options) {
    const shape = defOf(unwrap(option)).shape;
    if (!shape || Object.keys(shape).length !== 1) return undefined;
    keys.push(Object.keys(shape)[0]!);
  }
  return keys;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(raw: unknown, path: readonly PathSegment[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (!(isObject(value) || Array.isArray(value))) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

function fieldName(path: readonly PathSegment[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i]!;
    if (typeof segment === 'string') return i === path.length - 1 ? segment : `${segment}${path.slice(i + 1).map((s) => `[${s}]`).join('')}`;
  }
  return 'the document';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  record: 'a mapping (key: value)',
};

function explainIssue(issue: Issue, prefix: readonly PathSegment[], raw: unknown, report: Report, root: AnySchema): void {
  const path = [...prefix, ...issue.path];
  const value = valueAt(raw, path);
  const field = fieldName(path);
  const schema = schemaAt(root, path, raw, issue.code !== 'invalid_union');

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = schema ? Object.keys(defOf(schema).shape ?? {}) : [];
      for (const key of issue.keys ?? []) {
        const where = path.length ? ` in ${fieldName(path)}` : '';
        if (key === 'patterns' && path.includes('investigation')) {
          report([...path, key], `"patterns" in ${fieldName(path)} is no longer read: words on a command line are not evidence. Say what counts under "evidence:", a list of { run: [program, …], args: <regex> } and { sql: <regex> } (scenarios/README.md, "investigation")`, 'key');
          continue;
        }
        report([...path, key], `unknown field "${key}"${where}${didYouMean(key, allowed)}${allowed.length && !didYouMean(key, allowed) ? ` (allowed: ${allowed.join(', ')})` : ''}`, 'key');
      }
      return;
    }
    case 'invalid_type': {
      if (value === undefined) {
        const parentPath = path.slice(0, -1);
        const last = path[path.length - 1];
        if (typeof last === 'string' && isObject(valueAt(raw, parentPath))) {
          report(path, `missing required field "${last}"${parentPath.length ? ` in ${fieldName(parentPath)}` : ''}`, 'parent');
          return;
        }
      }
      const expected = EXPECTED[issue.expected ?? ''] ?? issue.expected ?? 'something else';
      // YAML reads `PORT: 8080` and `ip_forward: 1` as numbers; env values and sysctls are strings.
      const quote = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ` (quote it: "${String(value)}")` : '';
      report(path, `${field} must be ${expected}, got ${describeValue(value)}${quote}`);
      return;
    }
    case 'invalid_union':
      explainUnion(issue, path, value, raw, schema, report, root);
      return;
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => String(v));
      if (values.length === 1) {
        report(path, `${field} must be ${JSON.stringify(issue.values![0])}, got ${describeValue(value)}`);
      } else {
        const hint = typeof value === 'string' ? didYouMean(value, values) : '';
        report(path, `${field} must be one of: ${values.join(', ')}; got ${describeValue(value)}${hint}`);
      }
      return;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'array') {
        report(path, small ? `${field} must have at least ${bound} item${bound === 1 ? '' : 's'}` : `${field} must have at most ${bound} items`, value === undefined ? 'parent' : 'value');
      } else if (issue.origin === 'string') {
        report(path, small ? (bound === 1 ? `${field} must not be empty` : `${field} must be at least ${bound} characters`) : `${field} must be at most ${bound} characters`);
      } else {
        const relation = small ? (issue.inclusive === false ? 'greater than' : 'at least') : issue.inclusive === false ? 'less than' : 'at most';
        report(path, `${field} must be ${relation} ${bound}, got ${describeValue(value)}`);
      }
      return;
    }
    case 'invalid_format': {
      const custom = !/^Invalid/.test(issue.message);
      if (custom) report(path, `invalid ${field} ${JSON.stringify(value)}: ${issue.message}`);
      else if (issue.format === 'starts_with') report(path, `${field} must start with "${issue.prefix}", got ${describeValue(value)}`);
      else if (issue.format === 'regex') report(path, `${field} ${JSON.stringify(value)} does not match ${issue.pattern}`);
      else report(path, `${field} is not a valid ${issue.format}: ${JSON.stringify(value)}`);
      return;
    }
    case 'invalid_key': {
      const key = path[path.length - 1];
      const inner = issue.issues?.[0];
      const reason = inner && !/^Invalid/.test(inner.message) ? `: ${inner.message}` : '';
      report(path, `invalid name ${JSON.stringify(key)} in ${fieldName(path.slice(0, -1))}${reason}`, 'key');
      return;
    }
    default:
      report(path, `${field}: ${issue.message}`);
  }
}

function explainUnion(issue: Issue, path: PathSegment[], value: unknown, raw: unknown, schema: AnySchema | undefined, report: Report, root: AnySchema): void {
  const field = fieldName(path);
  // A check's `kind` that matches no check type.
  if (issue.note === 'No matching discriminator' || issue.discriminator) {
    const options = (issue.options ?? []).map(String);
    if (value === undefined) report(path, `missing required field "${issue.discriminator ?? 'kind'}" (one of: ${options.join(', ')})`, 'parent');
    else report(path, `unknown ${field} ${JSON.stringify(value)}${typeof value === 'string' ? didYouMean(value, options) : ''} (one of: ${options.join(', ')})`);
    return;
  }
  const unionSchema = schema ? defOf(schema) : undefined;
  const keys = schema ? actionKeys(schema) : undefined;
  if (keys && unionSchema?.options) {
    const noun = field === 'expect' ? 'expect' : field.startsWith('action') || field.startsWith('revert') ? field : `${field}`;
    if (!isObject(value)) {
      report(path, `${noun} must be a mapping with exactly one of: ${keys.join(', ')}; got ${describeValue(value)}`);
      return;
    }
    const present = Object.keys(value).filter((k) => keys.includes(k));
    if (present.length !== 1) {
      const others = Object.keys(value).filter((k) => !keys.includes(k));
      const found = present.length ? ` (found ${present.join(' and ')})` : others.length ? ` (found "${others[0]}"${didYouMean(others[0]!, keys)})` : '';
      report(path, `${noun} must have exactly one of: ${keys.join(', ')}${found}`, present.length > 1 ? 'value' : others.length ? 'value' : 'value');
      return;
    }
    const branch = keys.indexOf(present[0]!);
    for (const inner of issue.errors?.[branch] ?? []) explainIssue(inner, path, raw, report, root);
    return;
  }
  // Other unions: follow the one branch whose type fits the value, else say what would fit.
  const branches = issue.errors ?? [];
  const fitting = branches.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
  if (fitting.length === 1) {
    for (const inner of fitting[0]!) explainIssue(inner, path, raw, report, root);
    return;
  }
  const description = schema ? describeSchema(schema) : undefined;
  if (value === undefined) {
    const last = path[path.length - 1];
    report(path, `missing required field "${String(last)}"${description ? ` (${description})` : ''}`, 'parent');
    return;
  }
  report(path, `${field} must be ${description ? lowerFirst(description.replace(/\.$/, '')) : 'something else'}; got ${describeValue(value)}`);
}

function describeSchema(schema: AnySchema): string | undefined {
  const description = (schema as unknown as { description?: string }).description;
  return description;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
