/**
 * The JSON Schema of scenario.yaml, generated from the zod schema so editors (yaml-language-server, VS Code)
 * complete and check packs while a trainer types. `node dist/main/engine/scenario/json-schema.js --write`
 * (npm run schema) rewrites `scenarios/scenario.schema.json`; a unit test fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { packageRoot } from '../../platform/package-root.js';
import * as schema from './schema.js';
import { scenarioSchema } from './schema.js';

/** Readable names for the shared definitions ($defs) instead of __schema0, __schema1, ... */
const NAMED: [z.ZodType, string][] = [
  [schema.duration, 'Duration'],
  [schema.actionSchema, 'Action'],
  [schema.faultStepSchema, 'FaultStep'],
  [schema.checkSchema, 'Check'],
  [schema.execCheckSchema, 'ExecCheck'],
  [schema.httpCheckSchema, 'HttpCheck'],
  [schema.tcpCheckSchema, 'TcpCheck'],
  [schema.sqlCheckSchema, 'SqlCheck'],
  [schema.promqlCheckSchema, 'PromqlCheck'],
  [schema.alertmanagerCheckSchema, 'AlertmanagerCheck'],
  [schema.resolutionSchema, 'Resolution'],
  [schema.solutionSchema, 'Solution'],
  [schema.hintSchema, 'Hint'],
  [schema.investigationSignalSchema, 'InvestigationSignal'],
  [schema.evidenceRuleSchema, 'EvidenceRule'],
  [schema.postmortemRubricSchema, 'PostmortemRubric'],
];

function namedRegistry(): z.core.$ZodRegistry<z.core.GlobalMeta> {
  const registry = z.registry<z.core.GlobalMeta>();
  const named = new Map<z.core.$ZodType, string>(NAMED);
  // The generator only reads metadata: keep every description of the global registry, add ids for named definitions.
  registry.get = (s) => {
    const meta = z.globalRegistry.get(s);
    const id = named.get(s);
    return id ? { ...meta, id } : meta;
  };
  return registry;
}

export const SCHEMA_ID = 'https://firedrill.dev/schemas/scenario.schema.json';

export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12', metadata: namedRegistry() }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'Firedrill scenario (scenario.yaml)',
    description: 'A Firedrill scenario pack. Generated from main/engine/scenario/schema.ts by `npm run schema`; do not edit by hand. Guide: scenarios/README.md.',
    ...rest,
  };
}

/** The file's exact text: stable key order from the schema, two-space indent, trailing newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** `scenarios/scenario.schema.json` in the repository (from src or dist). */
export function schemaFilePath(): string {
  return join(packageRoot(), 'scenarios', 'scenario.schema.json');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--write')) {
    const file = schemaFilePath();
    writeFileSync(file, scenarioJsonSchemaText());
    process.stdout.write(`wrote ${file}\n`);
  } else {
    process.stdout.write(scenarioJsonSchemaText());
  }
}
