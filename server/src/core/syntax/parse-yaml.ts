// Parses one YAML (or JSON) document with YAML 1.1 semantics, as kubectl reads manifests, into the located tree.
// Never throws: syntax errors, over-deep nesting and alias problems come back as problems with spans.
import { Composer, CST, Document, isScalar as isYamlScalar, Parser, YAMLParseError } from 'yaml';
import type { DocumentOptions, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';
import type { Span } from '../text';
import { indexedMapSize } from './tree';
import type { YNode } from './tree';
import { pruneIrrelevant } from './prune';
import { parseBlockSubset } from './fast-block';
import type { OffsetMap } from './prune';
import { Converter, internKey } from './yaml-convert';
import type { SyntaxProblem } from './yaml-convert';

export type { SyntaxProblem } from './yaml-convert';

export interface ParsedDocument {
  root: YNode | undefined;
  problems: SyntaxProblem[];
}

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

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function describe(error: unknown): string {
  if (error instanceof RangeError) return 'nesting too deep';
  return error instanceof Error ? error.message : String(error);
}
