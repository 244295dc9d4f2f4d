// Parses one YAML (or JSON) document with YAML 1.1 semantics, as kubectl reads manifests, into the located tree.
// Never throws: syntax errors, over-deep nesting and alias problems come back as problems with spans.
import {
  Composer,
  CST,
  Document,
  isAlias,
  isMap as isYamlMap,
  isPair,
  isScalar as isYamlScalar,
  isSeq as isYamlSeq,
  Parser,
  YAMLParseError,
} from 'yaml';
import type { DocumentOptions, Node as YamlNode, Pair, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';
import type { Span } from '../text';
import { entryNode, indexedMapSize, lookup, mapNode, nullNode, scalarNode, seqNode } from './tree';
import type { MutableYMap, YEntry, YNode } from './tree';
import { pruneIrrelevant } from './prune';
import { parseBlockSubset } from './fast-block';
import type { OffsetMap } from './prune';

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
export function parseYamlDocument(text: string, start: number, end: number, json: boolean, prune = false, fast = true): ParsedDocument {
  const slice = start === 0 && end === text.length ? text : text.slice(start, end);
  const pruned = prune && !json ? pruneIrrelevant(slice) : undefined;
  const source = pruned?.source ?? slice;
  const map = pruned?.map;
  if (fast && !json) {
    // Plain block YAML (nearly every manifest) is read straight into the tree; the rest goes through the yaml library.
    const root = fastBlock(text, source, start, map);
    if (root !== undefined) return { root, problems: [] };
  }
  const problems: SyntaxProblem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseOne(source, json ? options12 : options11);
  } catch (error) {
    return {
      root: undefined,
      problems: [{ kind: 'syntax', message: `could not be parsed: ${describe(error)}`, span: { start, end: Math.min(end, start + 1) } }],
    };
  }
  // Later errors of a document are almost always consequences of the first; report it and count the rest.
  const first = doc.errors[0];
  if (first !== undefined) {
    const [from, to] = first.pos;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more error(s) after it)` : '';
    const span =
      map === undefined
        ? { start: start + from, end: start + Math.max(to, from + 1) }
        : { start: start + map.toOriginal(from), end: start + Math.max(map.toOriginal(to), map.toOriginal(from) + 1) };
    problems.push({
      kind: 'syntax',
      message: `${firstLine(first.message)}${more}`,
      span: placeError(text, start, end, span, first.message),
    });
  }
  if (doc.errors.length > 0) return { root: undefined, problems };
  const converter = new Converter(start, map, problems, doc);
  let root: YNode | undefined;
  try {
    root = doc.contents === null ? undefined : converter.convert(doc.contents, 0);
  } catch (error) {
    problems.push({ kind: 'syntax', message: `could not be read: ${describe(error)}`, span: { start, end: Math.min(end, start + 1) } });
    root = undefined;
  }
  return { root, problems };
}

function fastBlock(original: string, source: string, start: number, map: OffsetMap | undefined): YNode | undefined {
  return parseBlockSubset(source, {
    original,
    span:
      map === undefined
        ? (from, to) => ({ start: start + from, end: start + to })
        : (from, to) => ({ start: start + map.toOriginal(from), end: start + map.toOriginal(to) }),
    resolve: resolvePlain11,
    key: internKey,
    indexedMapSize,
  });
}

/** The fast path alone (tests compare it with the library path): undefined when it declines the document. */
export function parseYamlDocumentFast(text: string, start: number, end: number, prune: boolean): YNode | undefined {
  const slice = start === 0 && end === text.length ? text : text.slice(start, end);
  const pruned = prune ? pruneIrrelevant(slice) : undefined;
  return fastBlock(text, pruned?.source ?? slice, start, pruned?.map);
}

type Options = ParseOptions & DocumentOptions & SchemaOptions;
const options11: Options = { version: '1.1', uniqueKeys: false, prettyErrors: false, keepSourceTokens: false, strict: false };
const options12: Options = { ...options11, version: '1.2' };

/** The YAML 1.1 schema and options exactly as the Composer uses them for a document parsed with options11. */
const document11 = new Document(undefined, options11);
const plainTags11 = document11.schema.tags.filter((t): t is ScalarTag => 'test' in t && t.test instanceof RegExp);

/**
 * resolvePlain11 resolves a plain scalar as yaml's composeScalar does (findScalarTagByTest, then the tag's resolve);
 * undefined for a merge key or when the tag reports an error, which the fast path leaves to the full parser.
 */
function resolvePlain11(text: string, atKey: boolean): { value: unknown } | undefined {
  const tag = plainTags11.find((t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(text) === true);
  if (tag === undefined) return { value: text };
  if (tag.tag === 'tag:yaml.org,2002:merge') return undefined;
  let failed = false;
  let result: unknown;
  try {
    result = tag.resolve(text, () => (failed = true), document11.options);
  } catch {
    return undefined;
  }
  if (failed) return undefined;
  return { value: isYamlScalar(result) ? result.value : result };
}

/** The members of yaml's Parser that its `next` uses (private in its typings). */
interface ParserState {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  type: string;
  indent: number;
  offset: number;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/**
 * yaml's Parser reads `process.env.LOG_TOKENS` for every token, a slow native property lookup that costs ~0.5 µs a
 * token (about a fifth of the parse). FastParser is the same `next` without that debug hook. It is used only when the
 * installed yaml's `next` is the one this copy was made from (2.9.x); otherwise the stock parser runs.
 */
export class FastParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const self = this as unknown as ParserState;
    self.source = source;
    if (self.atScalar) {
      self.atScalar = false;
      yield* self.step();
      self.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      const message = `Not a YAML token: ${source}`;
      yield* self.pop({ type: 'error', offset: self.offset, message, source });
      self.offset += source.length;
    } else if (type === 'scalar') {
      self.atNewLine = false;
      self.atScalar = true;
      self.type = 'scalar';
    } else {
      self.type = type;
      yield* self.step();
      switch (type) {
        case 'newline':
          self.atNewLine = true;
          self.indent = 0;
          if (self.onNewLine) self.onNewLine(self.offset + source.length);
          break;
        case 'space':
          if (self.atNewLine && source[0] === ' ') self.indent += source.length;
          break;
        case 'explicit-key-ind':
        case 'map-value-ind':
        case 'seq-item-ind':
          if (self.atNewLine) self.indent += source.length;
          break;
        case 'doc-mode':
        case 'flow-error-end':
          return;
        default:
          self.atNewLine = false;
      }
      self.offset += source.length;
    }
  }
}

/**
 * The fingerprint of the stock `next` this copy was made from (yaml 2.9.x): the property names it touches, its string
 * literals and its number of `yield*`. Property names and literals survive bundling and minification (local names do
 * not); any other yaml version falls back to the stock parser, and a unit test compares both parsers token by token.
 */
const expectedFingerprint =
  'LOG_TOKENS,atNewLine,atScalar,env,indent,length,log,offset,onNewLine,pop,prettyToken,source,step,tokenType,type| ,doc-mode,error,explicit-key-ind,flow-error-end,map-value-ind,newline,scalar,seq-item-ind,space,||3';

export function fingerprint(code: string): string {
  const props = new Set<string>();
  for (const m of code.matchAll(/\.([A-Za-z_$][\w$]*)/g)) props.add(m[1] ?? '');
  const strings = new Set<string>();
  for (const literal of quotedLiterals(code)) strings.add(literal);
  const yields = code.match(/yield\s*\*/g)?.length ?? 0;
  return `${[...props].sort().join(',')}|${[...strings].sort().join(',')}|${yields}`;
}

/**
 * The bodies of the `'…'` and `"…"` literals in `code`, backslash escapes kept, read left to right (a scan, not a
 * back-referencing regular expression, which backtracks quadratically). An unterminated literal ends the scan: the
 * source of a compiled function has none, and a fingerprint that differs only falls back to the stock parser.
 */
function quotedLiterals(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    const quote = code[i];
    if (quote !== '"' && quote !== "'") continue;
    let j = i + 1;
    while (j < code.length && code[j] !== quote) {
      if (code[j] === '\\') {
        const next = code[j + 1];
        // `.` in the old pattern: an escaped line break did not continue the literal.
        if (next === undefined || next === '\n' || next === '\r' || next === '\u2028' || next === '\u2029') return out;
        j++;
      }
      j++;
    }
    if (j >= code.length) return out;
    out.push(code.slice(i + 1, j));
    i = j;
  }
  return out;
}

/** True when FastParser may replace the stock parser (checked once). */
export const fastParserActive: boolean = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- reads the method source, never calls it
    return fingerprint(Function.prototype.toString.call(Parser.prototype.next)) === expectedFingerprint;
  } catch {
    return false;
  }
})();

/** parseOne is yaml's `parseDocument` (same composer, same errors) with the faster parser when it applies. */
export function parseOne(source: string, options: Options, fast = fastParserActive): Document.Parsed {
  const parser = fast ? new FastParser() : new Parser();
  const composer = new Composer(options);
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(parser.parse(source), true, source.length)) {
    if (doc === null) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(
        new YAMLParseError(
          next.range.slice(0, 2) as [number, number],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  if (doc === null) throw new Error('no document');
  return doc;
}

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

class Converter {
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
 * placeError keeps an error inside its own document: the parser reports an unterminated quote at the end of the
 * input, which is the next document's `---`; point at the opening quote instead.
 */
function placeError(text: string, start: number, end: number, span: Span, message: string): Span {
  if (message.startsWith('Missing closing')) {
    const quote = message.includes("'") && !message.includes('"') ? "'" : '"';
    for (let at = start; at < end;) {
      const next = text.indexOf('\n', at);
      const line = text.slice(at, next === -1 || next > end ? end : next);
      const open = line.search(quote === "'" ? /(^|[:\-[,{]\s*)'/ : /(^|[:\-[,{]\s*)"/);
      if (open !== -1) {
        const q = line.indexOf(quote, open);
        if (line.indexOf(quote, q + 1) === -1) return { start: at + q, end: at + q + 1 };
      }
      if (next === -1 || next >= end) break;
      at = next + 1;
    }
  }
  const last = Math.max(start, end - 1);
  return { start: Math.min(span.start, last), end: Math.min(Math.max(span.end, span.start + 1), end) };
}

/**
 * Keys repeat across every manifest (`name`, `resources`, `cpu` …) and each parse makes a new string for each: share
 * one. Bounded, so a file of random keys cannot grow it without limit; long keys are not worth a lookup.
 */
const internedKeys = new Map<string, string>();
function internKey(key: string): string {
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

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function describe(error: unknown): string {
  if (error instanceof RangeError) return 'nesting too deep';
  return error instanceof Error ? error.message : String(error);
}
