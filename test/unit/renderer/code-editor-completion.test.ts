import { readFileSync } from 'node:fs';
import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { schemaCompletion } from '../../../renderer/src/components/CodeEditor';
import type { JsonSchema } from '../../../shared/schema-complete';

const schema = JSON.parse(readFileSync(new URL('../../../scenarios/scenario.schema.json', import.meta.url), 'utf8')) as JsonSchema;

function complete(doc: string) {
  const pos = doc.indexOf('|');
  const state = EditorState.create({ doc: doc.replace('|', '') });
  return schemaCompletion(() => schema)(new CompletionContext(state, pos, false));
}

describe('the Studio editor completes scenario.yaml field names from the JSON Schema', () => {
  it('offers the fields of the mapping under the cursor, with their descriptions, replacing the typed prefix', () => {
    const result = complete('metadata:\n  name: x\n  ti|\n');
    expect(result?.from).toBe('metadata:\n  name: x\n  '.length);
    const labels = result?.options.map((o) => o.label);
    expect(labels).toEqual(expect.arrayContaining(['title', 'summary', 'difficulty', 'parMinutes']));
    expect(result?.options.find((o) => o.label === 'name')?.info).toMatch(/folder name/);
    expect(result?.options.find((o) => o.label === 'title')?.apply).toBe('title: ');
  });

  it('offers nothing in a value', () => {
    expect(complete('metadata:\n  name: x|\n')).toBeNull();
  });
});
