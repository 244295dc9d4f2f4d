// A parsed file as plain data that crosses a thread boundary cheaply, and back. The CLI parses files in worker threads
// (server/src/io/): the located tree's nodes are class instances whose prototypes a structured clone would drop, and
// one object per node is what makes cloning slow. packParsedFile writes every tree node into one Int32Array (tags,
// spans, counts, string lengths) and every string into one string and unpackParsedFile rebuilds the same nodes with the tree's own
// constructors: shared nodes (aliases) stay shared, large maps get their key index back. Pure: values in, values out.
import { entryNode, isMap, mapNode, nullNode, scalarNode, seqNode } from '../syntax/tree';
import type { ScalarValue, YEntry, YMap, YNode } from '../syntax/tree';
import { indexedMapSize } from '../syntax/tree';
import type { K8sObject, ParsedFile } from './objects';

/** A K8sObject whose tree is the index of its root node in the packed node stream. */
export type PackedObject = Omit<K8sObject, 'node'> & { node: number };

export interface PackedFile extends Omit<ParsedFile, 'objects'> {
  objects: PackedObject[];
  /** The node stream (see the tags below); its buffer can be transferred. */
  nodes: Int32Array;
  /** Every key, scalar source and string value, one after the other: the stream holds their lengths. */
  strings: string;
  /** Scalar values that are numbers (or bigints, as decimal text), in stream order. */
  numbers: Array<number | string>;
}

const tagMap = 0;
const tagSeq = 1;
const tagScalar = 2;
/** A node met before (an alias): followed by the node's number in the order nodes were written. */
const tagShared = 3;

// How a scalar's value is written after its source.
const valueIsSource = 0;
const valueString = 1;
const valueNumber = 2;
const valueBigint = 3;
const valueTrue = 4;
const valueFalse = 5;
const valueNull = 6;

class Writer {
  nodes: number[] = [];
  strings: string[] = [];
  numbers: Array<number | string> = [];
  private seen = new Map<YNode, number>();
  private count = 0;

  private string(s: string): void {
    this.nodes.push(s.length);
    this.strings.push(s);
  }

  private value(value: ScalarValue, source: string): void {
    if (typeof value === 'string') {
      if (value === source) this.nodes.push(valueIsSource);
      else {
        this.nodes.push(valueString);
        this.string(value);
      }
    } else if (typeof value === 'number') {
      this.nodes.push(valueNumber);
      this.numbers.push(value);
    } else if (typeof value === 'bigint') {
      this.nodes.push(valueBigint);
      this.numbers.push(value.toString());
    } else this.nodes.push(value === null ? valueNull : value ? valueTrue : valueFalse);
  }

  /** Writes a node and what it holds; returns its number. */
  node(node: YNode): number {
    const known = this.seen.get(node);
    if (known !== undefined) {
      this.nodes.push(tagShared, known);
      return known;
    }
    const id = this.count++;
    this.seen.set(node, id);
    const { start, end } = node.span;
    if (node.type === 'scalar') {
      this.nodes.push(tagScalar, start, end, node.quoted ? 1 : 0);
      this.string(node.source);
      this.value(node.value, node.source);
    } else if (node.type === 'seq') {
      this.nodes.push(tagSeq, start, end, node.flow ? 1 : 0, node.items.length);
      for (const item of node.items) this.node(item);
    } else {
      this.nodes.push(tagMap, start, end, node.flow ? 1 : 0, node.entries.length);
      for (const e of node.entries) {
        const key = e.keySpan;
        this.nodes.push(key.start, key.end);
        this.string(e.key);
        this.node(e.value);
      }
    }
    return id;
  }
}

/** packParsedFile turns a parsed file into plain data (see PackedFile). */
export function packParsedFile(file: ParsedFile): PackedFile {
  const writer = new Writer();
  const objects = file.objects.map((o): PackedObject => ({ ...o, node: writer.node(o.node) }));
  return {
    ...file,
    objects,
    nodes: Int32Array.from(writer.nodes),
    strings: writer.strings.join(''),
    numbers: writer.numbers,
  };
}

class Reader {
  private at = 0;
  private stringAt = 0;
  private numberAt = 0;
  readonly built: YNode[] = [];
  constructor(private readonly packed: PackedFile) {}

  private next(): number {
    return this.packed.nodes[this.at++] ?? 0;
  }

  private string(): string {
    const start = this.stringAt;
    this.stringAt += this.next();
    return this.packed.strings.slice(start, this.stringAt);
  }

  private value(source: string): ScalarValue {
    const how = this.next();
    if (how === valueIsSource) return source;
    if (how === valueString) return this.string();
    if (how === valueNumber || how === valueBigint) {
      const n = this.packed.numbers[this.numberAt++] ?? 0;
      return how === valueBigint ? BigInt(n) : Number(n);
    }
    return how === valueTrue ? true : how === valueFalse ? false : null;
  }

  node(): YNode {
    const tag = this.next();
    if (tag === tagShared) return this.built[this.next()] ?? nullNode(0, 0);
    const start = this.next();
    const end = this.next();
    const flag = this.next() === 1;
    if (tag === tagScalar) {
      const source = this.string();
      const node = scalarNode({ start, end }, this.value(source), source, flag);
      this.built.push(node);
      return node;
    }
    const n = this.next();
    if (tag === tagSeq) {
      // Registered before its items, so that an alias inside it finds it.
      const seq = seqNode({ start, end }, [], flag);
      this.built.push(seq);
      for (let i = 0; i < n; i++) seq.items.push(this.node());
      return seq;
    }
    const map = mapNode({ start, end }, [], undefined, flag);
    this.built.push(map);
    for (let i = 0; i < n; i++) {
      const keyStart = this.next();
      const keyEnd = this.next();
      const key = this.string();
      map.entries.push(entryNode(key, { start: keyStart, end: keyEnd }, this.node()));
    }
    if (n > indexedMapSize) map.index = new Map(map.entries.map((e): [string, YEntry] => [e.key, e]));
    return map;
  }
}

/** unpackParsedFile rebuilds the parsed file packParsedFile was given. */
export function unpackParsedFile(packed: PackedFile): ParsedFile {
  const reader = new Reader(packed);
  const objects: K8sObject[] = [];
  for (const o of packed.objects) {
    // Objects are written in order, each after the nodes of the ones before: a node already built is shared.
    const node = o.node < reader.built.length ? reader.built[o.node] : reader.node();
    objects.push({ ...o, node: isMap(node) ? node : emptyMap(o.span.start) });
  }
  return {
    file: packed.file,
    text: packed.text,
    objects,
    problems: packed.problems,
    documents: packed.documents,
    parsedDocuments: packed.parsedDocuments,
  };
}

function emptyMap(at: number): YMap {
  return mapNode({ start: at, end: at }, [], undefined, false);
}
