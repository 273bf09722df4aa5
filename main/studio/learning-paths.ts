/**
 * Learning paths: an ordered list of scenarios for a course, with optional prerequisites and a target score,
 * in a YAML file under a `paths/` folder beside the packs (`scenarios/paths/*.yaml`, and the user's own
 * `$FIREDRILL_HOME/scenarios/paths/`). Bad files get diagnostics at file:line:col like packs; progress comes
 * from the learner's history (done, best score, next up).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { didYouMean, type Diagnostic, formatPath } from '../engine/scenario/diagnostics.js';

export const PATHS_FOLDER = 'paths';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');

export const learningPathSchema = z.strictObject({
  apiVersion: z.literal('firedrill/v1'),
  kind: z.literal('LearningPath'),
  id,
  title: z.string().min(1),
  description: z.string().min(1),
  steps: z
    .array(
      z.strictObject({
        scenario: id.describe('A scenario name (metadata.name of a pack).'),
        prerequisites: z.array(id).default([]).describe('Scenarios of this path that must be done first.'),
        targetScore: z.number().min(0).max(100).optional().describe('The troubleshooting score that counts as done (default: resolved at all).'),
      }),
    )
    .min(1),
});
export type LearningPath = z.output<typeof learningPathSchema>;

export interface LoadedPath {
  file: string;
  path: LearningPath | null;
  diagnostics: Diagnostic[];
}

/** Parses a path file; `knownScenarios` (when given) checks every scenario and prerequisite name. */
export function parseLearningPath(text: string, file: string, knownScenarios?: readonly string[]): LoadedPath {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const report = (path: (string | number)[], message: string) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    diagnostics.push({ file, ...at(node?.range?.[0]), path: formatPath(path), message, severity: 'error' });
  };
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    diagnostics.push({ file, ...at(first.pos[0]), path: '', message: first.message.split('\n')[0]!, severity: 'error' });
    return { file, path: null, diagnostics };
  }
  const parsed = learningPathSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(issue.path as (string | number)[], issue.message);
    return { file, path: null, diagnostics };
  }
  const path = parsed.data;
  const seen: string[] = [];
  path.steps.forEach((step, i) => {
    if (knownScenarios && !knownScenarios.includes(step.scenario)) {
      report(['steps', i, 'scenario'], `no scenario "${step.scenario}" is installed${didYouMean(step.scenario, knownScenarios)}`);
    }
    if (seen.includes(step.scenario)) report(['steps', i, 'scenario'], `"${step.scenario}" is already a step of this path`);
    step.prerequisites.forEach((pre, j) => {
      if (!seen.includes(pre)) report(['steps', i, 'prerequisites', j], `prerequisite "${pre}" must be an earlier step of this path`);
    });
    seen.push(step.scenario);
  });
  if (basename(file).replace(/\.ya?ml$/, '') !== path.id) report(['id'], `id "${path.id}" must equal the file name (${basename(file)})`);
  return { file, path: diagnostics.length ? null : path, diagnostics };
}

/** Every path file in the `paths/` folder of each scenario directory. */
export function loadLearningPaths(scenarioDirs: readonly string[], knownScenarios?: readonly string[]): LoadedPath[] {
  const loaded: LoadedPath[] = [];
  for (const root of scenarioDirs) {
    const dir = join(root, PATHS_FOLDER);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = join(dir, name);
      loaded.push(parseLearningPath(readFileSync(file, 'utf8'), file, knownScenarios));
    }
  }
  return loaded;
}

export interface PathRun {
  scenario: string;
  outcome: string;
  troubleshootingScore: number | null;
}

export type StepStatus = 'done' | 'next' | 'open' | 'locked';

export interface PathProgress {
  id: string;
  title: string;
  description: string;
  done: number;
  steps: { scenario: string; prerequisites: string[]; targetScore: number | null; bestScore: number | null; status: StepStatus }[];
}

/** Progress through a path from the learner's runs: done (resolved at the target), next up, open, or locked. */
export function pathProgress(path: LearningPath, runs: readonly PathRun[]): PathProgress {
  const best = (scenario: string): number | null => {
    const scores = runs.filter((r) => r.scenario === scenario && r.outcome === 'resolved').map((r) => r.troubleshootingScore ?? 0);
    return scores.length ? Math.max(...scores) : null;
  };
  const done = new Set<string>();
  for (const step of path.steps) {
    const score = best(step.scenario);
    if (score !== null && score >= (step.targetScore ?? 0)) done.add(step.scenario);
  }
  let nextGiven = false;
  const steps = path.steps.map((step) => {
    const bestScore = best(step.scenario);
    let status: StepStatus;
    if (done.has(step.scenario)) status = 'done';
    else if (step.prerequisites.some((p) => !done.has(p))) status = 'locked';
    else if (!nextGiven) {
      status = 'next';
      nextGiven = true;
    } else status = 'open';
    return { scenario: step.scenario, prerequisites: step.prerequisites, targetScore: step.targetScore ?? null, bestScore, status };
  });
  return { id: path.id, title: path.title, description: path.description, done: done.size, steps };
}
