import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../../../main/engine/scenario/diagnostics.js';
import { validateScenarioText, type ValidationResult } from '../../../main/engine/scenario/validate.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/scenarios');
export const VALID_DIR = join(FIXTURES, 'valid-minimal');
export const VALID_FILE = join(VALID_DIR, 'scenario.yaml');
export const VALID_TEXT = readFileSync(VALID_FILE, 'utf8');

/** The valid pack's scenario.yaml with each `from` (which must occur exactly once) replaced. */
export function mutate(...edits: [from: string, to: string][]): string {
  let text = VALID_TEXT;
  for (const [from, to] of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`"${from}" occurs ${count} times in the fixture`);
    text = text.replace(from, to);
  }
  return text;
}

/** Validates text as if it were valid-minimal/scenario.yaml (so file checks and the folder name apply). */
export function validateEdited(...edits: [from: string, to: string][]): ValidationResult {
  return validateScenarioText(mutate(...edits), VALID_FILE, VALID_DIR);
}

/** Diagnostics as `line:col: message (at path)`, without the file. */
export function lines(result: ValidationResult): string[] {
  return result.diagnostics.map((d) => formatDiagnostic(d).slice(d.file.length + 1));
}
