// The yaml library's parsed Document converted into the located tree (syntax/tree.ts): merge keys, aliases with a
// depth bound, duplicate keys reported as problems. syntax/parse-yaml.ts parses; this file only converts.
import { Document, isAlias, isMap as isYamlMap, isPair, isScalar as isYamlScalar, isSeq as isYamlSeq } from 'yaml';
import type { Node as YamlNode, Pair } from 'yaml';
import type { Span } from '../text';
import { entryNode, indexedMapSize, lookup, mapNode, nullNode, scalarNode, seqNode } from './tree';
import type { MutableYMap, YEntry, YNode } from './tree';
import type { OffsetMap } from './prune';

export interface SyntaxProblem {
  kind: 'syntax' | 'duplicate-key' | 'too-deep' | 'alias';
  message: string;
  span: Span;
}

/** Deeper nesting than this is never a real manifest; stop before the call stack does. */
const maxDepth = 500;

const noEntries: YEntry[] = [];
const noItems: YNode[] = [];
Object.freeze(noEntries);
Object.freeze(noItems);

/** addEntry appends an entry whose key is not in the map yet, indexing the map once it grows large. */
function addEntry(map: MutableYMap, e: YEntry): void {
  map.entries.push(e);
  if (map.index !== undefined) map.index.set(e.key, e);
  else if (map.entries.length > indexedMapSize) map.index = new Map(map.entries.map((x) => [x.key, x]));
}

export class Converter {
  private readonly memo = new Map<YamlNode, YNode>();
  /** Entries that came from a merge key; a key set explicitly next to `<<` overrides them without being a duplicate. */
  private readonly merged = new WeakSet<YEntry>();

  constructor(
    private readonly base: number,
    private readonly map: OffsetMap | undefined,
    private readonly problems: SyntaxProblem[],
    private readonly doc: Document.Parsed,
  ) {}

  convert(node: YamlNode, depth: number): YNode {
    // Only anchored nodes can be reached twice (through aliases); only they are memoized.
    const anchored = typeof node.anchor === 'string';
    if (anchored) {
      const cached = this.memo.get(node);
      if (cached !== undefined) return cached;
    }
    const span = this.span(node.range);
    if (depth > maxDepth) {
      this.problems.push({ kind: 'too-deep', message: `nesting deeper than ${maxDepth} levels is not read`, span });
      return nullNode(span.start, span.end);
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) {
        this.problems.push({ kind: 'alias', message: `unknown anchor "${node.source}"`, span });
        return nullNode(span.start, span.end);
      }
      // Aliases share the converted node: an alias bomb stays a small graph instead of an exponential copy.
      return this.convert(target, depth + 1);
    }
    if (isYamlMap(node)) {
      const map = mapNode(span, [], undefined, node.flow === true);
      if (anchored) this.memo.set(node, map);
      for (const pair of node.items) this.addPair(map, pair as Pair<YamlNode | null, YamlNode | null>, depth);
      // Arrays grown by push keep spare capacity (16+ slots); the tree lives as long as the file, so store it exact.
      map.entries = map.entries.length === 0 ? noEntries : map.entries.slice();
      return map;
    }
    if (isYamlSeq(node)) {
      const items: YNode[] = [];
      const seq = seqNode(span, items, node.flow === true);
      if (anchored) this.memo.set(node, seq);
      for (const item of node.items) {
        if (item !== null && typeof item === 'object' && !isPair(item)) items.push(this.convert(item as YamlNode, depth + 1));
        else items.push(nullNode(span.start, span.end));
      }
      seq.items = items.length === 0 ? noItems : items.slice();
      return seq;
    }
    if (isYamlScalar(node)) {
      const value = node.value;
      const source = typeof node.source === 'string' ? node.source : String(value);
      const scalar = scalarNode(
        span,
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null
          ? value
          : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the yaml package resolves scalars to scalars only
            String(value),
        // One string object for both when they are equal (most plain scalars): the tree outlives the parse.
        typeof value === 'string' && value === source ? value : source,
        node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE',
      );
      if (anchored) this.memo.set(node, scalar);
      return scalar;
    }
    return nullNode(span.start, span.end);
  }

  private addPair(map: MutableYMap, pair: Pair<YamlNode | null, YamlNode | null>, depth: number): void {
    const keyNode = pair.key;
    const keySpan = keyNode !== null && typeof keyNode === 'object' && 'range' in keyNode ? this.span(keyNode.range) : map.span;
    const keyText = keyNode !== null && isYamlScalar(keyNode) ? internKey(keyToString(keyNode.value)) : keyNode === null ? '' : undefined;
    const valueNode = pair.value;
    const value: YNode =
      valueNode !== null && typeof valueNode === 'object' ? this.convert(valueNode, depth + 1) : nullNode(keySpan.end, keySpan.end);
    if (
      keyText === '<<' &&
      !(keyNode !== null && isYamlScalar(keyNode) && (keyNode.type === 'QUOTE_DOUBLE' || keyNode.type === 'QUOTE_SINGLE'))
    ) {
      this.merge(map, value);
      return;
    }
    if (keyText === undefined) return; // complex keys never name a Kubernetes field
    const newEntry = entryNode(keyText, keySpan, value);
    const previous = lookup(map, keyText);
    if (previous !== undefined && !this.merged.has(previous)) {
      this.problems.push({
        kind: 'duplicate-key',
        message: `duplicate key "${keyText}": the last value wins, as kubectl reads it`,
        span: keySpan,
      });
    }
    if (previous !== undefined) {
      const index = map.entries.indexOf(previous);
      if (index !== -1) map.entries.splice(index, 1);
    }
    addEntry(map, newEntry);
  }

  /** YAML 1.1 merge keys: entries of the merged map(s) that the map does not set itself. */
  private merge(map: MutableYMap, source: YNode): void {
    const sources = source.type === 'seq' ? source.items : [source];
    for (const item of sources) {
      if (item.type !== 'map') continue;
      for (const merged of item.entries) {
        if (lookup(map, merged.key) === undefined) {
          addEntry(map, merged);
          this.merged.add(merged);
        }
      }
    }
  }

  private span(range: [number, number, number] | null | undefined): Span {
    if (range === null || range === undefined) return { start: this.base, end: this.base };
    const map = this.map;
    if (map === undefined) return { start: this.base + range[0], end: this.base + range[1] };
    return { start: this.base + map.toOriginal(range[0]), end: this.base + map.toOriginal(range[1]) };
  }
}

/**
 * Keys repeat across every manifest (`name`, `resources`, `cpu` …) and each parse makes a new string for each: share
 * one. Bounded, so a file of random keys cannot grow it without limit; long keys are not worth a lookup.
 */
const internedKeys = new Map<string, string>();
export function internKey(key: string): string {
  if (key.length > 40) return key;
  const known = internedKeys.get(key);
  if (known !== undefined) return known;
  if (internedKeys.size >= 20_000) return key;
  // A copy, not the parser's string: that may be a slice that keeps a whole file's text alive.
  const copy = JSON.parse(JSON.stringify(key)) as string;
  internedKeys.set(copy, copy);
  return copy;
}

function keyToString(value: unknown): string {
  if (typeof value === 'string') return value;
  // yaml 2.9 reads a YAML 1.1 merge key as the symbol `<<` rather than the string.
  if (typeof value === 'symbol') return value.description ?? '';
  if (value === null) return 'null';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the yaml package resolves scalars to scalars only
  return String(value);
}
