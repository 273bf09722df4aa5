import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldsAt, yamlPathAt, type JsonSchema } from '../../../shared/schema-complete.js';

const schema = JSON.parse(readFileSync(new URL('../../../scenarios/scenario.schema.json', import.meta.url), 'utf8')) as JsonSchema;

const doc = `apiVersion: firedrill/v1
metadata:
  name: x
  ti
environment:
  services:
    web:
      image: app
      he
checks:
  broken:
    - id: a
      kind: http
      se
  steadyState:
    -
faults:
  - id: f
    action:
      exec:
        ser
`.split('\n');

const names = (path: string[]) => fieldsAt(schema, path).map((f) => f.name);

describe('scenario.yaml completion from the JSON Schema', () => {
  it('finds the mapping a line belongs to, through nested keys and list items', () => {
    expect(yamlPathAt(doc, 0)).toEqual([]);
    expect(yamlPathAt(doc, 3)).toEqual(['metadata']);
    expect(yamlPathAt(doc, 8)).toEqual(['environment', 'services', 'web']);
    expect(yamlPathAt(doc, 13)).toEqual(['checks', 'broken', '[]']);
    expect(yamlPathAt(doc, 15)).toEqual(['checks', 'steadyState', '[]']);
    expect(yamlPathAt(doc, 20)).toEqual(['faults', '[]', 'action', 'exec']);
  });

  it('offers the fields the schema allows there, with their descriptions', () => {
    expect(names([])).toEqual(expect.arrayContaining(['apiVersion', 'metadata', 'environment', 'faults', 'checks', 'solution']));
    expect(names(['metadata'])).toEqual(expect.arrayContaining(['title', 'summary', 'difficulty']));
    expect(names(['environment', 'services', 'web'])).toEqual(expect.arrayContaining(['healthcheck', 'image', 'capabilities']));
    // A check is one of several kinds: every kind's fields are offered.
    expect(names(['checks', 'broken', '[]'])).toEqual(expect.arrayContaining(['service', 'port', 'json', 'query', 'alertname']));
    expect(names(['faults', '[]', 'action', 'exec'])).toEqual(expect.arrayContaining(['service', 'command', 'timeout']));
    expect(fieldsAt(schema, ['metadata']).find((f) => f.name === 'name')?.description).toMatch(/folder name/);
  });
});
