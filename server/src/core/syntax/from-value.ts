// Builds the located tree from a plain JSON value (an object the API server returned) instead of from text: maps,
// sequences and scalars exactly as parsing that value's JSON text would give them (collections are flow, as JSON's
// are, so no edit builder ever targets them), every span empty at offset 0 (the value has no text to point into).
// Never throws: anything JSON cannot hold reads as null, depth is bounded.
import { entryNode, indexedMapSize, mapNode, nullNode, scalarNode, seqNode } from './tree';
import type { YEntry, YNode } from './tree';

/** Nesting deeper than this reads as null, as parse-yaml.ts bounds documents. */
const maxDepth = 500;
const nowhere = { start: 0, end: 0 };
/** A JSON `null` (its source text is `null`, as in a parsed JSON document). */
const jsonNull = (): YNode => scalarNode(nowhere, null, 'null', false);

/** nodeFromValue converts a JSON value; `undefined` object members are left out, as JSON.stringify leaves them out. */
export function nodeFromValue(value: unknown, depth = 0): YNode {
  if (depth > maxDepth) return nullNode(0, 0);
  if (value === null || value === undefined) return jsonNull();
  switch (typeof value) {
    case 'string':
      return scalarNode(nowhere, value, value, true);
    case 'boolean':
      return scalarNode(nowhere, value, String(value), false);
    case 'number':
      // JSON has no NaN or Infinity: they travel as null.
      return Number.isFinite(value) ? scalarNode(nowhere, value, String(value), false) : jsonNull();
    case 'bigint':
      return scalarNode(nowhere, value, value.toString(), false);
    case 'object':
      break;
    default:
      return jsonNull();
  }
  if (value instanceof Date) return scalarNode(nowhere, value.toISOString(), value.toISOString(), true);
  if (Array.isArray(value)) {
    return seqNode(
      nowhere,
      value.map((item: unknown) => nodeFromValue(item, depth + 1)),
      true,
    );
  }
  const entries: YEntry[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    entries.push(entryNode(key, nowhere, nodeFromValue(member, depth + 1)));
  }
  const index = entries.length > indexedMapSize ? new Map(entries.map((e) => [e.key, e])) : undefined;
  return mapNode(nowhere, entries, index, true);
}
