/**
 * Maps a field path (`['checks', 'broken', 0, 'service']`) to the line and column of its node in the YAML source,
 * so every diagnostic points at the text an author has to change.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
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
        const pair = node.items.find((item) => isPair(item) && keyMatches(item.key, segment));
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
