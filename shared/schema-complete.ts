/**
 * Field-name completion for scenario.yaml from the scenario JSON Schema: which mapping the cursor is in (by
 * indentation, through `- ` list items), and which properties the schema allows there, with their descriptions.
 * PURE: no DOM, no Node; the Studio's editor calls it.
 */

export type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
  enum?: unknown[];
  const?: unknown;
};

/** A segment of the path: a key, or `[]` for "an item of this list". */
export type YamlSegment = string;

const KEY_LINE = /^(\s*)(- +)?([A-Za-z_$][\w$.-]*)\s*:(\s|$)/;
const ITEM_LINE = /^(\s*)-( +|$)/;

/** The path of the mapping that holds the line `lineIndex` (0-based), whose key starts at column `indent`. */
export function yamlPathAt(lines: readonly string[], lineIndex: number): YamlSegment[] {
  const current = lines[lineIndex] ?? '';
  const item = ITEM_LINE.exec(current);
  const path: YamlSegment[] = [];
  // The indentation of the mapping the cursor's key belongs to.
  let target = item ? item[1]!.length + 2 : (/^\s*/.exec(current)?.[0].length ?? 0);
  let inItem = Boolean(item);
  for (let i = lineIndex - 1; i >= 0 && target > 0; i--) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = /^\s*/.exec(line)![0].length;
    const listItem = ITEM_LINE.exec(line);
    if (listItem && !inItem && indent + listItem[0].length - listItem[1]!.length === target) {
      // A sibling key inside the same list item: the item starts here.
      inItem = true;
      target = indent;
      continue;
    }
    if (inItem && listItem && indent === target) continue; // an earlier item of the same list
    const key = KEY_LINE.exec(line);
    if (!key) continue;
    const keyIndent = indent + (key[2]?.length ?? 0);
    if (inItem ? keyIndent <= target : keyIndent < target) {
      if (inItem) path.push('[]');
      path.push(key[3]!);
      inItem = Boolean(key[2]);
      target = inItem ? indent : keyIndent;
      if (inItem) {
        // `- key:` opened both a list item and this key's mapping.
        continue;
      }
    }
  }
  if (inItem && target > 0) path.push('[]');
  return path.reverse();
}

function resolve(root: JsonSchema, node: JsonSchema | undefined, depth = 0): JsonSchema[] {
  if (!node || depth > 20) return [];
  if (node.$ref?.startsWith('#/$defs/')) return resolve(root, root.$defs?.[node.$ref.slice('#/$defs/'.length)], depth + 1);
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  if (alternatives.length > 0) return alternatives.flatMap((alt) => resolve(root, alt, depth + 1));
  return [node];
}

/** The schema nodes (alternatives) at a path. */
export function schemaAt(root: JsonSchema, path: readonly YamlSegment[]): JsonSchema[] {
  let nodes = resolve(root, root);
  for (const segment of path) {
    nodes = nodes.flatMap((node) => {
      if (segment === '[]') return resolve(root, node.items);
      const property = node.properties?.[segment];
      if (property) return resolve(root, property);
      return typeof node.additionalProperties === 'object' ? resolve(root, node.additionalProperties) : [];
    });
  }
  return nodes;
}

export interface FieldSuggestion {
  name: string;
  description: string;
}

/** The field names allowed at a path, each once, with the first description found. */
export function fieldsAt(root: JsonSchema, path: readonly YamlSegment[]): FieldSuggestion[] {
  const seen = new Map<string, string>();
  for (const node of schemaAt(root, path)) {
    for (const [name, property] of Object.entries(node.properties ?? {})) {
      if (!seen.has(name) || !seen.get(name)) seen.set(name, resolve(root, property)[0]?.description ?? property.description ?? '');
    }
  }
  return [...seen].map(([name, description]) => ({ name, description }));
}
