// Parses one YAML (or JSON) document with YAML 1.1 semantics, as kubectl reads manifests, into the located tree.
// Never throws: syntax errors, over-deep nesting and alias problems come back as problems with spans.
import { isAlias, isMap as isYamlMap, isPair, isScalar as isYamlScalar, isSeq as isYamlSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import type { Span } from '../text';
import type { YEntry, YMap, YNode, YScalar, YSeq } from './tree';
import { pruneIrrelevant } from './prune';

export interface SyntaxProblem {
  kind: 'syntax' | 'duplicate-key' | 'too-deep' | 'alias';
  message: string;
  span: Span;
}

export interface ParsedDocument {
  root: YNode | undefined;
  problems: SyntaxProblem[];
}

/** Deeper nesting than this is never a real manifest; stop before the call stack does. */
const maxDepth = 500;

/**
 * parseYamlDocument parses `text.slice(start, end)` and returns nodes whose spans are offsets into the whole `text`.
 * `json` selects the YAML 1.2 core schema, which reads JSON exactly; YAML files use the 1.1 schema (yes/no, 0400 octal).
 */
export function parseYamlDocument(text: string, start: number, end: number, json: boolean, prune = false): ParsedDocument {
  const slice = start === 0 && end === text.length ? text : text.slice(start, end);
  const source = prune && !json ? pruneIrrelevant(slice) : slice;
  const problems: SyntaxProblem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { version: json ? '1.2' : '1.1', uniqueKeys: false, prettyErrors: false, keepSourceTokens: false, strict: false });
  } catch (error) {
    return { root: undefined, problems: [{ kind: 'syntax', message: `could not be parsed: ${describe(error)}`, span: { start, end: Math.min(end, start + 1) } }] };
  }
  // Later errors of a document are almost always consequences of the first; report it and count the rest.
  const first = doc.errors[0];
  if (first !== undefined) {
    const [from, to] = first.pos;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more error(s) after it)` : '';
    problems.push({ kind: 'syntax', message: `${firstLine(first.message)}${more}`, span: { start: start + from, end: start + Math.max(to, from + 1) } });
  }
  if (doc.errors.length > 0) return { root: undefined, problems };
  const converter = new Converter(start, problems, doc);
  let root: YNode | undefined;
  try {
    root = doc.contents === null ? undefined : converter.convert(doc.contents as YamlNode, 0);
  } catch (error) {
    problems.push({ kind: 'syntax', message: `could not be read: ${describe(error)}`, span: { start, end: Math.min(end, start + 1) } });
    root = undefined;
  }
  return { root, problems };
}

class Converter {
  private readonly memo = new Map<YamlNode, YNode>();
  /** Entries that came from a merge key; a key set explicitly next to `<<` overrides them without being a duplicate. */
  private readonly merged = new WeakSet<YEntry>();

  constructor(
    private readonly base: number,
    private readonly problems: SyntaxProblem[],
    private readonly doc: Document.Parsed,
  ) {}

  convert(node: YamlNode, depth: number): YNode {
    const cached = this.memo.get(node);
    if (cached !== undefined) return cached;
    const span = this.span(node.range);
    if (depth > maxDepth) {
      this.problems.push({ kind: 'too-deep', message: `nesting deeper than ${maxDepth} levels is not read`, span });
      return { type: 'scalar', span, value: null, source: '', quoted: false };
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) {
        this.problems.push({ kind: 'alias', message: `unknown anchor "${node.source}"`, span });
        return { type: 'scalar', span, value: null, source: '', quoted: false };
      }
      // Aliases share the converted node: an alias bomb stays a small graph instead of an exponential copy.
      return this.convert(target, depth + 1);
    }
    if (isYamlMap(node)) {
      const map: YMap = { type: 'map', span, entries: [], byKey: new Map(), flow: node.flow === true };
      this.memo.set(node, map);
      for (const pair of node.items) this.addPair(map, pair as Pair<YamlNode | null, YamlNode | null>, depth);
      return map;
    }
    if (isYamlSeq(node)) {
      const seq: YSeq = { type: 'seq', span, items: [], flow: node.flow === true };
      this.memo.set(node, seq);
      for (const item of node.items) {
        if (item !== null && typeof item === 'object' && !isPair(item)) seq.items.push(this.convert(item as YamlNode, depth + 1));
        else seq.items.push({ type: 'scalar', span, value: null, source: '', quoted: false });
      }
      return seq;
    }
    if (isYamlScalar(node)) {
      const value = node.value;
      const scalar: YScalar = {
        type: 'scalar',
        span,
        value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null ? value : String(value),
        source: typeof node.source === 'string' ? node.source : String(value),
        quoted: node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE',
      };
      this.memo.set(node, scalar);
      return scalar;
    }
    return { type: 'scalar', span, value: null, source: '', quoted: false };
  }

  private addPair(map: YMap, pair: Pair<YamlNode | null, YamlNode | null>, depth: number): void {
    const keyNode = pair.key;
    const keySpan = keyNode !== null && typeof keyNode === 'object' && 'range' in keyNode ? this.span(keyNode.range) : map.span;
    const keyText = keyNode !== null && isYamlScalar(keyNode) ? keyToString(keyNode.value) : keyNode === null ? '' : undefined;
    const valueNode = pair.value;
    const value: YNode =
      valueNode !== null && typeof valueNode === 'object'
        ? this.convert(valueNode, depth + 1)
        : { type: 'scalar', span: { start: keySpan.end, end: keySpan.end }, value: null, source: '', quoted: false };
    if (keyText === '<<' && !(keyNode !== null && isYamlScalar(keyNode) && (keyNode.type === 'QUOTE_DOUBLE' || keyNode.type === 'QUOTE_SINGLE'))) {
      this.merge(map, value);
      return;
    }
    if (keyText === undefined) return; // complex keys never name a Kubernetes field
    const newEntry: YEntry = { key: keyText, keySpan, value };
    const previous = map.byKey.get(keyText);
    if (previous !== undefined && !this.merged.has(previous)) {
      this.problems.push({ kind: 'duplicate-key', message: `duplicate key "${keyText}": the last value wins, as kubectl reads it`, span: keySpan });
    }
    if (previous !== undefined) {
      const index = map.entries.indexOf(previous);
      if (index !== -1) map.entries.splice(index, 1);
    }
    map.entries.push(newEntry);
    map.byKey.set(keyText, newEntry);
  }

  /** YAML 1.1 merge keys: entries of the merged map(s) that the map does not set itself. */
  private merge(map: YMap, source: YNode): void {
    const sources = source.type === 'seq' ? source.items : [source];
    for (const item of sources) {
      if (item.type !== 'map') continue;
      for (const merged of item.entries) {
        if (!map.byKey.has(merged.key)) {
          map.entries.push(merged);
          map.byKey.set(merged.key, merged);
          this.merged.add(merged);
        }
      }
    }
  }

  private span(range: [number, number, number] | null | undefined): Span {
    if (range === null || range === undefined) return { start: this.base, end: this.base };
    return { start: this.base + range[0], end: this.base + range[1] };
  }
}

function keyToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  return String(value);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function describe(error: unknown): string {
  if (error instanceof RangeError) return 'nesting too deep';
  return error instanceof Error ? error.message : String(error);
}
