// A small located YAML tree: maps, sequences and scalars with spans, aliases resolved and duplicate keys resolved last-wins.
// The model layer reads manifests only through these nodes, so it never depends on the YAML library's types.
import type { Span } from '../text';

export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  readonly type: 'map';
  readonly span: Span;
  /** One entry per key: duplicates are resolved last-wins, as Go's YAML decoder (and so kubectl) reads them. */
  readonly entries: YEntry[];
  /**
   * Key index, only for maps with more than `indexedMapSize` entries: most maps have a handful of keys, and a Map per
   * map node cost more memory than the whole rest of the node. Read through `lookup`.
   */
  readonly index: Map<string, YEntry> | undefined;
  readonly flow: boolean;
}

/** Maps with more entries than this get a key index; smaller ones are searched linearly. */
export const indexedMapSize = 8;

/** lookup finds a map's entry for a key (keys are unique in `entries`). */
export function lookup(map: YMap, key: string): YEntry | undefined {
  if (map.index !== undefined) return map.index.get(key);
  const entries = map.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e !== undefined && e.key === key) return e;
  }
  return undefined;
}

export interface YEntry {
  readonly key: string;
  readonly keySpan: Span;
  /** The value node; a `key:` with no value is a null scalar spanning the end of the key. */
  readonly value: YNode;
}

export interface YSeq {
  readonly type: 'seq';
  readonly span: Span;
  readonly items: YNode[];
  readonly flow: boolean;
}

export type ScalarValue = string | number | boolean | null | bigint;

export interface YScalar {
  readonly type: 'scalar';
  readonly span: Span;
  readonly value: ScalarValue;
  /** The scalar's source text (without quotes), used to report what the user wrote. */
  readonly source: string;
  readonly quoted: boolean;
}

// Nodes are built by the classes below, not as object literals: a workspace's trees live as long as its files, and
// per node a separate `{start, end}` span object plus a `type` field cost about a third of the tree's memory (issue 8).
// Each class keeps its span as two numbers and hands out a fresh `Span` on read; `type` lives on the prototype.

/**
 * A node's span, stored as two integers, with the node's one boolean (`flow` for collections, `quoted` for scalars)
 * packed into the start as `start * 2 + flag`.
 */
abstract class LocatedNode {
  constructor(
    private readonly startAndFlag: number,
    private readonly spanEnd: number,
  ) {}

  get span(): Span {
    return { start: Math.floor(this.startAndFlag / 2), end: this.spanEnd };
  }

  protected get flag(): boolean {
    return this.startAndFlag % 2 === 1;
  }
}

const packed = (start: number, flag: boolean): number => start * 2 + (flag ? 1 : 0);

/** Key indexes of the few maps large enough to have one, kept off the nodes (most maps have a handful of keys). */
const mapIndexes = new WeakMap<object, Map<string, YEntry>>();

class MapNode extends LocatedNode implements YMap {
  declare readonly type: 'map';
  constructor(
    span: Span,
    flow: boolean,
    public entries: YEntry[],
  ) {
    super(packed(span.start, flow), span.end);
  }

  get flow(): boolean {
    return this.flag;
  }

  get index(): Map<string, YEntry> | undefined {
    return this.entries.length > indexedMapSize ? mapIndexes.get(this) : undefined;
  }

  set index(index: Map<string, YEntry> | undefined) {
    if (index === undefined) mapIndexes.delete(this);
    else mapIndexes.set(this, index);
  }
}
Object.defineProperty(MapNode.prototype, 'type', { value: 'map', enumerable: true });

class SeqNode extends LocatedNode implements YSeq {
  declare readonly type: 'seq';
  constructor(
    span: Span,
    flow: boolean,
    public items: YNode[],
  ) {
    super(packed(span.start, flow), span.end);
  }

  get flow(): boolean {
    return this.flag;
  }
}
Object.defineProperty(SeqNode.prototype, 'type', { value: 'seq', enumerable: true });

class ScalarNode extends LocatedNode implements YScalar {
  declare readonly type: 'scalar';
  constructor(
    start: number,
    end: number,
    quoted: boolean,
    readonly value: ScalarValue,
    readonly source: string,
  ) {
    super(packed(start, quoted), end);
  }

  get quoted(): boolean {
    return this.flag;
  }
}
Object.defineProperty(ScalarNode.prototype, 'type', { value: 'scalar', enumerable: true });

class EntryNode implements YEntry {
  constructor(
    readonly key: string,
    private readonly keyStart: number,
    private readonly keyEnd: number,
    readonly value: YNode,
  ) {}

  get keySpan(): Span {
    return { start: this.keyStart, end: this.keyEnd };
  }
}

/** A map whose entries and index the parser may still fill in (the node is shared with aliases before it is complete). */
export type MutableYMap = YMap & { entries: YEntry[]; index: Map<string, YEntry> | undefined };

export function mapNode(span: Span, entries: YEntry[], index: Map<string, YEntry> | undefined, flow: boolean): MutableYMap {
  const map = new MapNode(span, flow, entries);
  if (index !== undefined) map.index = index;
  return map;
}

export function seqNode(span: Span, items: YNode[], flow: boolean): YSeq & { items: YNode[] } {
  return new SeqNode(span, flow, items);
}

export function scalarNode(span: Span, value: ScalarValue, source: string, quoted: boolean): YScalar {
  return new ScalarNode(span.start, span.end, quoted, value, source);
}

/** nullNode: an empty value (`key:` with nothing after it, a missing item). */
export function nullNode(start: number, end: number): YScalar {
  return new ScalarNode(start, end, false, null, '');
}

export function entryNode(key: string, keySpan: Span, value: YNode): YEntry {
  return new EntryNode(key, keySpan.start, keySpan.end, value);
}

export function isMap(node: YNode | undefined): node is YMap {
  return node?.type === 'map';
}

export function isSeq(node: YNode | undefined): node is YSeq {
  return node?.type === 'seq';
}

export function isScalar(node: YNode | undefined): node is YScalar {
  return node?.type === 'scalar';
}

/** get walks a path of map keys and sequence indexes; undefined when any step is missing or of the wrong shape. */
export function get(node: YNode | undefined, ...path: Array<string | number>): YNode | undefined {
  let current = node;
  for (const step of path) {
    if (current === undefined) return undefined;
    if (typeof step === 'number') current = current.type === 'seq' ? current.items[step] : undefined;
    else current = current.type === 'map' ? lookup(current, step)?.value : undefined;
  }
  return current;
}

/** entry returns the map entry for a key, for reporting on the key itself. */
export function entry(node: YNode | undefined, key: string): YEntry | undefined {
  return node?.type === 'map' ? lookup(node, key) : undefined;
}

/** isNull is true for an explicit or implicit YAML null. */
export function isNull(node: YNode | undefined): boolean {
  return node === undefined || (node.type === 'scalar' && node.value === null);
}

/** stringValue reads a scalar as Kubernetes would decode it into a Go string field (numbers and booleans are not strings). */
export function stringValue(node: YNode | undefined): string | undefined {
  if (node?.type !== 'scalar') return undefined;
  return typeof node.value === 'string' ? node.value : undefined;
}

/** scalarText returns a scalar's value as text whatever its YAML type (labels, quantities). */
export function scalarText(node: YNode | undefined): string | undefined {
  if (node?.type !== 'scalar' || node.value === null) return undefined;
  return typeof node.value === 'string' ? node.value : node.source;
}
