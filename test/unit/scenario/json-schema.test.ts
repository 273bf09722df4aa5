import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_ID, scenarioJsonSchema, scenarioJsonSchemaText, schemaFilePath } from '../../../main/engine/scenario/json-schema.js';

describe('scenarios/scenario.schema.json', () => {
  it('is up to date with the zod schema (run `npm run build && npm run schema` if this fails)', () => {
    expect(readFileSync(schemaFilePath(), 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('has an $id, a title and the input shape (defaults make fields optional)', () => {
    const schema = scenarioJsonSchema() as { $id: string; title: string; required: string[]; $defs: Record<string, unknown> };
    expect(schema.$id).toBe(SCHEMA_ID);
    expect(schema.title).toMatch(/Firedrill scenario/);
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'metadata', 'environment', 'faults', 'checks', 'solution', 'postmortem']));
    expect(schema.required).not.toContain('scoring');
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['Check', 'Action', 'FaultStep', 'Duration']));
  });
});
