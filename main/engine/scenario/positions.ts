/**
 * Maps a field path (`['checks', 'broken', 0, 'service']`) to the line and column of its node in the YAML source,
 * so every diagnostic points at the text an author has to change.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { PathSegment } from './diagnostics.js';

export interface Position {
  line: number;
  column: number;
}

/**
 * - `value`: the node at the path, else the deepest existing ancestor (for defaults the author never wrote);
 * - `key`: the key of the last segment (an unknown or duplicated key), else as `value`;
 * - `parent`: the mapping that holds the last segment (a missing field).
 */
export type PositionTarget = 'value' | 'key' | 'parent';

export class PositionIndex {
  constructor(
    private readonly doc: Document.Parsed | Document,
    private readonly lineCounter: LineCounter,
  ) {}

  position(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  locate(path: readonly PathSegment[], target: PositionTarget = 'value'): Position {
    const walkPath = target === 'parent' ? path.slice(0, -1) : path;
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    let best: unknown = node;
    for (let i = 0; i < walkPath.length; i++) {
      const segment = walkPath[i]!;
      node = this.resolve(node);
      let next: unknown;
      let nextKey: unknown;
      if (isMap(node)) {
        const pair = this.findPair(node, segment);
        if (pair) {
          next = pair.value;
          nextKey = pair.key;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined && nextKey === undefined) {
        node = undefined;
        break;
      }
      node = next;
      keyNode = nextKey;
      // A key with an empty value (`metadata:`) has a null node: point at the key instead.
      best = hasRange(next) && !isEmptyNull(next) ? next : (nextKey ?? best);
    }
    if (target === 'key' && node !== undefined && hasRange(keyNode)) return this.position(keyNode.range[0]);
    if (target === 'parent' && node !== undefined) {
      const resolved = this.resolve(node);
      if (hasRange(resolved) && !isEmptyNull(resolved)) return this.position(resolved.range[0]);
      if (hasRange(keyNode)) return this.position(keyNode.range[0]);
    }
    const resolvedBest = this.resolve(best);
    if (hasRange(resolvedBest)) return this.position(resolvedBest.range[0]);
    return { line: 1, column: 1 };
  }

  /**
   * The pair for a key in a mapping, following merge keys the way YAML merges them: a key written in the mapping
   * wins, then the merged mappings in order (`<<: [*a, *b]`: a before b), each with its own merges.
   */
  private findPair(map: unknown, segment: PathSegment, depth = 0): Pair | undefined {
    if (!isMap(map) || depth > 20) return undefined;
    const own = map.items.find((item) => isPair(item) && !isMergeKey(item.key) && keyMatches(item.key, segment));
    if (own) return own as Pair;
    for (const item of map.items) {
      if (!isPair(item) || !isMergeKey(item.key)) continue;
      const value = this.resolve(item.value);
      const sources = isSeq(value) ? value.items.map((source) => this.resolve(source)) : [value];
      for (const source of sources) {
        const found = this.findPair(source, segment, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Merge keys whose value is not a mapping, an alias of one, or a list of those: where, and what was found. */
  badMergeSources(): { offset: number; found: string }[] {
    const bad: { offset: number; found: string }[] = [];
    visit(this.doc as Document, {
      Pair: (_key, pair) => {
        if (!isMergeKey(pair.key)) return;
        const value = this.resolve(pair.value);
        const sources = isSeq(value) ? value.items : [pair.value];
        for (const source of sources) {
          const resolved = this.resolve(source);
          if (isMap(resolved)) continue;
          const at = hasRange(source) ? source.range[0] : hasRange(pair.key) ? pair.key.range[0] : 0;
          bad.push({ offset: at, found: isSeq(resolved) ? 'a list' : isScalar(resolved) ? `${JSON.stringify(resolved.value)}` : 'nothing' });
        }
      },
    });
    return bad;
  }

  private resolve(node: unknown): unknown {
    if (isAlias(node)) {
      try {
        return node.resolve(this.doc as Document);
      } catch {
        return node;
      }
    }
    return node;
  }
}

/** `<<` as a merge key (with merge keys on, its scalar value is a symbol). */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  return key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<') || key.source === '<<';
}

function keyMatches(key: unknown, segment: PathSegment): boolean {
  if (isScalar(key)) return String(key.value) === String(segment);
  return key === segment;
}

function hasRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

function isEmptyNull(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}
