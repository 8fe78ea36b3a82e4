/**
 * Line and column of a path in a parsed YAML document, so errors and annotations can point at
 * the line a person would look at.
 */
import { type Document, isAlias, isCollection, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { ConfigPath } from './errors.ts';

export interface Position {
  line: number;
  column: number;
}

interface Located {
  /** The node at the path; null for an empty value (`key:`). */
  node: unknown;
  /** The key of the mapping entry holding the node, if it is one. */
  key?: unknown;
}

export interface Locator {
  /**
   * Where the value at path is written: the value itself for scalars and flow collections
   * (`[a, b]`, `{...}`), the key for empty values and block collections (a mapping that starts
   * on the next line). Undefined when the document has no such path.
   */
  value(path: ConfigPath): Position | undefined;
  /** Where the key of the mapping entry at path is written. */
  key(path: ConfigPath): Position | undefined;
  /** The value at the longest prefix of path that the document has; the start of the file at worst. */
  nearest(path: ConfigPath): Position;
}

export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const positionOf = (node: unknown): Position | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return undefined;
    const { line, col } = lineCounter.linePos(range[0]);
    return { line: Math.max(line, 1), column: col };
  };

  const find = (path: ConfigPath): Located | undefined => {
    let located: Located | undefined = { node: doc.contents };
    for (const segment of path) {
      located = located && step(doc, located.node, segment);
      if (!located) return undefined;
    }
    return located;
  };

  const value = (path: ConfigPath): Position | undefined => {
    const located = find(path);
    if (!located) return undefined;
    const { node, key } = located;
    const pointAtKey = key !== undefined && (isEmpty(node) || (isCollection(node) && !node.flow));
    return positionOf(pointAtKey ? key : node) ?? positionOf(key);
  };

  const nearest = (path: ConfigPath): Position => {
    for (let length = path.length; length >= 0; length--) {
      const position = value(path.slice(0, length));
      if (position) return position;
    }
    return { line: 1, column: 1 };
  };

  return { value, key: (path) => positionOf(find(path)?.key), nearest };
}

function step(doc: Document, node: unknown, segment: string | number): Located | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(target)) {
    const pair = target.items.find(
      (item) => isScalar(item.key) && String(item.key.value) === String(segment),
    );
    return pair ? { node: pair.value, key: pair.key } : undefined;
  }
  if (isSeq(target) && typeof segment === 'number') {
    return segment < target.items.length ? { node: target.items[segment] } : undefined;
  }
  return undefined;
}

function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const range = (node as { range?: [number, number, number] }).range;
  return isScalar(node) && node.value === null && range !== undefined && range[0] === range[1];
}
