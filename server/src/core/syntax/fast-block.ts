// Over 400 lines because it is one line-driven parser (BlockParser) whose methods share one cursor and one decline path.
// A fast path for the plain block YAML nearly every manifest is written in: block maps and sequences, one-line plain
// and quoted scalars, empty `{}`/`[]`, comments. It builds the located tree directly from the lines, with the same
// nodes, values and spans as the yaml library + Converter produce (checked against them on the corpus, generated
// workspaces and mutations by test/fuzz/fast-block.test.ts). Anything else (anchors, tags, block scalars, multi-line
// scalars, flow collections with content, escapes, tabs, non-ASCII, odd comments, anything erroneous) returns
// undefined and the caller parses the document with the yaml library: the fast path only ever declines, never guesses.
import type { Span } from '../text';
import { entryNode, mapNode, nullNode, scalarNode, seqNode } from './tree';
import type { YEntry, YMap, YNode, YScalar, YSeq } from './tree';

/** Resolves a plain scalar as the YAML schema in use does (its tag's value); undefined when that is not simple. */
export type PlainResolver = (text: string, atKey: boolean) => { value: unknown } | undefined;

export interface FastBlockContext {
  /** Maps a [from, to) range of the parsed source to the span reported (offset map and document base). */
  span(from: number, to: number): Span;
  resolve: PlainResolver;
  /** Key strings shared between trees (the caller's intern table). */
  key(text: string): string;
  /** Maps with more entries than this get a key index (as the Converter builds them). */
  indexedMapSize: number;
  /** The whole file's text, which `span` offsets point into (it outlives the tree anyway). */
  original: string;
}

/** A content line: where it starts, its indentation, its first non-space character and its end (before the line break). */
interface Line {
  start: number;
  indent: number;
  content: number;
  end: number;
  /** Offset after the line break (= end at the end of the source). */
  next: number;
  /** Comment-only lines come right before this line. */
  commentsBefore: boolean;
}

class Decline extends Error {}
const decline = new Decline('outside the fast subset');
const maxDepth = 64;
// Printable ASCII and line breaks only: tabs, control characters, non-ASCII (NEL, LS/PS, BOM) go to the full parser.
const outsideSubset = /[^\x20-\x7e\n\r]|\r(?!\n)/;

/** parseBlockSubset returns the document's root node, or undefined when the document is outside the fast subset. */
export function parseBlockSubset(source: string, ctx: FastBlockContext): YNode | undefined {
  if (outsideSubset.test(source)) return undefined;
  try {
    return new BlockParser(source, ctx).document();
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
}

class BlockParser {
  private readonly lines: Line[] = [];
  private i = 0;
  /** Comment-only lines follow the last content line. */
  private trailingComments = false;

  constructor(
    private readonly src: string,
    private readonly ctx: FastBlockContext,
  ) {}

  document(): YNode {
    this.splitLines();
    const lines = this.lines;
    if (lines.length === 0) throw decline;
    const first = lines[0];
    // A leading `---` marker line (the document splitter keeps it in the chunk); anything after it on the line declines.
    if (this.src.startsWith('---', first.content) && this.src.slice(first.content + 3, first.end).trim() === '' && first.indent === 0)
      this.i = 1;
    const root = this.lines[this.i];
    if (root === undefined) throw decline;
    const node = this.block(root, 0).node;
    if (this.i !== lines.length) throw decline; // content left over: a dedent the parser would reject, or a second root
    return node;
  }

  /** Lines with content; comment-only lines are checked and dropped, blank lines dropped. */
  private splitLines(): void {
    const src = this.src;
    const all: Array<Line & { comment: boolean }> = [];
    for (let start = 0; start < src.length;) {
      const nl = src.indexOf('\n', start);
      const next = nl === -1 ? src.length : nl + 1;
      const end = nl === -1 ? src.length : nl > start && src.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      let content = start;
      while (content < end && src.charCodeAt(content) === 32) content++;
      // A last line of only spaces (no line break after it) joins the preceding node's range in the library.
      if (content === end && nl === -1 && end > start) throw decline;
      if (content < end) {
        const c = src.charCodeAt(content);
        if (c === 37 /* % directive */) throw decline;
        if (content === start && (src.startsWith('...', start) || (src.startsWith('---', start) && all.length > 0))) throw decline;
        all.push({ start, indent: content - start, content, end, next, commentsBefore: false, comment: c === 35 /* # */ });
      }
      start = next;
    }
    // A comment line is kept out of the tree only where the yaml library attaches it to the next entry: at the same
    // indentation as the next content line (or at column 0 at the end). Elsewhere it may end a collection's range.
    for (let k = 0; k < all.length; k++) {
      const line = all[k];
      if (!line.comment) {
        line.commentsBefore = k > 0 && (all[k - 1] as { comment: boolean }).comment;
        this.lines.push(line);
        continue;
      }
      if (k === all.length - 1) this.trailingComments = true;
      let n = k + 1;
      while (n < all.length && (all[n] as { comment: boolean }).comment) n++;
      const following = all[n];
      if (following === undefined ? line.indent !== 0 : following.indent !== line.indent) throw decline;
    }
  }

  /**
   * The source text of [from, to), cut from the file's text rather than from the pruned copy being parsed: a slice of
   * the copy would keep the whole copy alive as long as the tree (a pruned workload is ~60% of its document).
   */
  private text(from: number, to: number, span: Span): string {
    const own = this.ctx.original.slice(span.start, span.end);
    return own.length === to - from ? own : this.src.slice(from, to);
  }

  private isSeqItem(at: number, end: number): boolean {
    return this.src.charCodeAt(at) === 45 /* - */ && (at + 1 === end || this.src.charCodeAt(at + 1) === 32);
  }

  /** A block node starting at `line` (a map or a sequence at its indentation). */
  private block(line: Line, depth: number): { node: YNode; end: number } {
    if (depth > maxDepth) throw decline;
    if (this.isSeqItem(line.content, line.end)) return this.seq(line.indent, depth);
    return this.map(line.indent, line.content, depth);
  }

  /**
   * A block map whose entries sit at column `indent`; the first key is at `firstKey` on the current line (which may be
   * a sequence item's line for a compact map).
   */
  private map(indent: number, firstKey: number, depth: number): { node: YMap; end: number } {
    const src = this.src;
    const entries: YEntry[] = [];
    let keyAt = firstKey;
    let end = firstKey;
    for (;;) {
      const line = this.lines[this.i];
      const colon = this.keyEnd(keyAt, line.end);
      if (colon === undefined) throw decline;
      const keyText = this.resolveKey(src.slice(keyAt, colon));
      for (const e of entries) if (e.key === keyText) throw decline; // duplicates: the full parser reports them
      const keySpan = this.ctx.span(keyAt, colon);
      const value = this.value(line, colon + 1, indent, true, depth);
      entries.push(entryNode(keyText, keySpan, value.node));
      end = value.end;
      const next = this.lines[this.i];
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent || this.isSeqItem(next.content, next.end)) throw decline;
      keyAt = next.content;
    }
    const index = entries.length > this.ctx.indexedMapSize ? new Map(entries.map((e) => [e.key, e])) : undefined;
    return { node: mapNode(this.ctx.span(firstKey, end), entries.slice(), index, false), end };
  }

  /** A block sequence whose `-` indicators sit at column `indent`. */
  private seq(indent: number, depth: number): { node: YSeq; end: number } {
    const items: YNode[] = [];
    const first = this.lines[this.i].content;
    let end = first;
    for (;;) {
      const line = this.lines[this.i];
      let at = line.content + 1;
      while (at < line.end && this.src.charCodeAt(at) === 32) at++;
      let item: { node: YNode; end: number };
      if (at < line.end && this.src.charCodeAt(at) !== 35 && this.keyEnd(at, line.end) !== undefined) {
        // `- key: value`: a compact map whose entries sit at the key's column.
        item = this.map(at - line.start, at, depth + 1);
      } else {
        if (at < line.end && this.isSeqItem(at, line.end)) throw decline; // `- - x`
        item = this.value(line, line.content + 1, indent, false, depth);
      }
      items.push(item.node);
      end = item.end;
      const next = this.lines[this.i];
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent || !this.isSeqItem(next.content, next.end)) {
        if (next.indent === indent) break; // the parent map's next key (a sequence at the key's indentation)
        throw decline;
      }
    }
    return { node: seqNode(this.ctx.span(first, end), items.slice(), false), end };
  }

  /**
   * The value after `key:` or `-` (from `at`, on `line`): inline, or a block on the following lines, or empty (null).
   * `indent` is the owning collection's column; `inMap` allows a sequence at that same column as the value.
   */
  private value(line: Line, at: number, indent: number, inMap: boolean, depth: number): { node: YNode; end: number } {
    const src = this.src;
    let pos = at;
    while (pos < line.end && src.charCodeAt(pos) === 32) pos++;
    if (pos === line.end || src.charCodeAt(pos) === 35 /* # */) {
      const comment = pos < line.end;
      this.i++;
      const next = this.lines[this.i];
      if (next !== undefined && (next.indent > indent || (inMap && next.indent === indent && this.isSeqItem(next.content, next.end)))) {
        if (comment) throw decline; // a comment before a nested block: its placement is the full parser's business
        return this.block(next, depth + 1);
      }
      // An empty value followed by comment lines ends after them in the library's ranges: not in the subset.
      if (next === undefined ? this.trailingComments : next.commentsBefore) throw decline;
      const emptySpan = this.ctx.span(pos, pos);
      const empty = nullNode(emptySpan.start, emptySpan.end);
      // The library's node end: with a comment, everything up to the next content (line breaks, blank lines and its
      // indentation); without one the empty node ends where it starts.
      return { node: empty, end: comment ? (next?.content ?? this.src.length) : pos };
    }
    if (pos === at) throw decline; // `key:value` is not a key line; `-x` not an item
    const inline = this.inline(line, pos);
    this.i++;
    const next = this.lines[this.i];
    if (next !== undefined && next.indent > indent) throw decline; // a continuation line (multi-line scalar) or an error
    return inline;
  }

  /** A one-line scalar or an empty flow collection starting at `pos`, through the end of its line. */
  private inline(line: Line, pos: number): { node: YNode; end: number } {
    const src = this.src;
    const c = src.charCodeAt(pos);
    let valueEnd: number;
    let node: YNode;
    if (c === 34 /* " */) {
      const close = src.indexOf('"', pos + 1);
      if (close === -1 || close >= line.end) throw decline;
      valueEnd = close + 1;
      const span = this.ctx.span(pos, valueEnd);
      const text = this.text(pos + 1, close, { start: span.start + 1, end: span.end - 1 });
      if (text.includes('\\')) throw decline;
      node = scalarNode(span, text, text, true);
    } else if (c === 39 /* ' */) {
      let close = pos + 1;
      for (;;) {
        close = src.indexOf("'", close);
        if (close === -1 || close >= line.end) throw decline;
        if (src.charCodeAt(close + 1) === 39) close += 2;
        else break;
      }
      valueEnd = close + 1;
      const span = this.ctx.span(pos, valueEnd);
      const text = this.text(pos + 1, close, { start: span.start + 1, end: span.end - 1 }).replace(/''/g, "'");
      node = scalarNode(span, text, text, true);
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const flow = this.flow(pos, line.end, 0);
      node = flow.node;
      valueEnd = flow.end;
    } else {
      // Plain scalar: indicators that start something else decline; `-` is fine before a non-space (`-1`).
      if ('?:,[]{}#&*!|>\'"%@`'.includes(src[pos] ?? '') || (c === 45 && (pos + 1 === line.end || src.charCodeAt(pos + 1) === 32)))
        throw decline;
      let j = pos;
      let stop = line.end;
      for (; j < line.end; j++) {
        const ch = src.charCodeAt(j);
        if (ch === 58 /* : */ && (j + 1 === line.end || src.charCodeAt(j + 1) === 32)) throw decline; // a nested mapping
        if (ch === 35 /* # */ && src.charCodeAt(j - 1) === 32) {
          stop = j;
          break;
        }
      }
      valueEnd = stop;
      while (valueEnd > pos && src.charCodeAt(valueEnd - 1) === 32) valueEnd--;
      const span = this.ctx.span(pos, valueEnd);
      const text = this.text(pos, valueEnd, span);
      const resolved = this.ctx.resolve(text, false);
      if (resolved === undefined) throw decline;
      const v = resolved.value;
      // As the Converter: anything but a primitive (a YAML 1.1 timestamp's Date) is kept as its string.
      const value: YScalar['value'] =
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the yaml package resolves plain scalars to scalars only
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null ? v : String(v);
      node = scalarNode(span, value, typeof value === 'string' && value === text ? value : text, false);
      return { node, end: line.next };
    }
    // After a quoted scalar: spaces, then the end of the line or a comment (after at least one space).
    let k = valueEnd;
    while (k < line.end && src.charCodeAt(k) === 32) k++;
    if (k < line.end && (src.charCodeAt(k) !== 35 || k === valueEnd)) throw decline;
    return { node, end: line.next };
  }

  /**
   * A one-line flow collection at `pos` (`{a: 1, b: [x, "y"]}`): plain and quoted scalars, nested collections, `key: value`
   * pairs in maps. Empty entries, keys without values, pairs in sequences, trailing commas and comments decline.
   */
  private flow(pos: number, lineEnd: number, depth: number): { node: YMap | YSeq; end: number } {
    if (depth > maxDepth) throw decline;
    const src = this.src;
    const isMap = src.charCodeAt(pos) === 123;
    const close = isMap ? 125 : 93;
    const entries: YEntry[] = [];
    const items: YNode[] = [];
    let j = this.spaces(pos + 1, lineEnd);
    if (src.charCodeAt(j) === close) j++;
    else {
      for (;;) {
        if (isMap) {
          const key = this.flowScalar(j, lineEnd, true);
          if (key.node.type !== 'scalar') throw decline;
          // `key: value` only: a colon right after a quoted key, or a key without a value, is left to the library.
          if (src.charCodeAt(key.end) !== 58 || src.charCodeAt(key.end + 1) !== 32) throw decline;
          const v = key.node.value;
          const keyText = this.ctx.key(typeof v === 'string' ? v : v === null ? 'null' : String(v));
          for (const e of entries) if (e.key === keyText) throw decline;
          const value = this.flowValue(this.spaces(key.end + 1, lineEnd), lineEnd, depth);
          entries.push(entryNode(keyText, key.node.span, value.node));
          j = value.end;
        } else {
          const value = this.flowValue(j, lineEnd, depth);
          items.push(value.node);
          j = value.end;
        }
        j = this.spaces(j, lineEnd);
        const ch = src.charCodeAt(j);
        if (ch === close) {
          j++;
          break;
        }
        if (ch !== 44 /* , */) throw decline;
        j = this.spaces(j + 1, lineEnd);
        if (src.charCodeAt(j) === close) throw decline; // trailing comma
      }
    }
    const span = this.ctx.span(pos, j);
    // Exact-size arrays (push leaves spare capacity, and the tree lives as long as the file).
    if (!isMap) return { node: seqNode(span, items.slice(), true), end: j };
    const index = entries.length > this.ctx.indexedMapSize ? new Map(entries.map((e) => [e.key, e])) : undefined;
    return { node: mapNode(span, entries.slice(), index, true), end: j };
  }

  private flowValue(j: number, lineEnd: number, depth: number): { node: YNode; end: number } {
    const c = this.src.charCodeAt(j);
    if (c === 123 || c === 91) return this.flow(j, lineEnd, depth + 1);
    const value = this.flowScalar(j, lineEnd, false);
    // A following `: ` would make a pair inside a sequence, or a nested pair: the library's business.
    if (this.src.charCodeAt(value.end) === 58) throw decline;
    return value;
  }

  /** A quoted or plain scalar inside a flow collection, ending before spaces, `,`, `]`, `}` or `: `. */
  private flowScalar(j: number, lineEnd: number, atKey: boolean): { node: YScalar; end: number } {
    const src = this.src;
    const c = src.charCodeAt(j);
    if (c === 34 || c === 39) {
      const quote = src[j] ?? '';
      let close = j + 1;
      for (;;) {
        close = src.indexOf(quote, close);
        if (close === -1 || close >= lineEnd) throw decline;
        if (c === 39 && src.charCodeAt(close + 1) === 39) close += 2;
        else break;
      }
      const span = this.ctx.span(j, close + 1);
      const raw = this.text(j + 1, close, { start: span.start + 1, end: span.end - 1 });
      if (c === 34 && raw.includes('\\')) throw decline;
      const text = c === 39 ? raw.replace(/''/g, "'") : raw;
      return { node: scalarNode(span, text, text, true), end: close + 1 };
    }
    if ('?:,[]{}#&*!|>\'"%@`'.includes(src[j] ?? '') || (c === 45 && ' ,]}'.includes(src[j + 1] ?? ' '))) throw decline;
    let k = j;
    for (; k < lineEnd; k++) {
      const ch = src.charCodeAt(k);
      if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
      if (ch === 58 /* : */) {
        const after = src.charCodeAt(k + 1);
        if (after === 32) break;
        if (after === 44 || after === 91 || after === 93 || after === 123 || after === 125 || k + 1 === lineEnd) throw decline;
      }
      if (ch === 35 /* # */ && src.charCodeAt(k - 1) === 32) throw decline; // a comment inside the collection
    }
    let valueEnd = k;
    while (valueEnd > j && src.charCodeAt(valueEnd - 1) === 32) valueEnd--;
    if (valueEnd === j || k === lineEnd) throw decline;
    const span = this.ctx.span(j, valueEnd);
    const text = this.text(j, valueEnd, span);
    const resolved = this.ctx.resolve(text, atKey);
    if (resolved === undefined) throw decline;
    const v = resolved.value;
    const value: YScalar['value'] =
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the yaml package resolves plain scalars to scalars only
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null ? v : String(v);
    return { node: scalarNode(span, value, typeof value === 'string' && value === text ? value : text, false), end: k };
  }

  private spaces(j: number, end: number): number {
    while (j < end && this.src.charCodeAt(j) === 32) j++;
    return j;
  }

  /** The offset of the `:` ending a plain one-line key that starts at `at`; undefined when the line is no `key:` line. */
  private keyEnd(at: number, end: number): number | undefined {
    const src = this.src;
    if ('-?:,[]{}#&*!|>\'"%@`'.includes(src[at] ?? '')) return undefined;
    for (let j = at; j < end; j++) {
      const ch = src.charCodeAt(j);
      if (ch === 58 /* : */ && (j + 1 === end || src.charCodeAt(j + 1) === 32)) {
        if (src.charCodeAt(j - 1) === 32 || j - at > 1000) throw decline; // `key :` and over-long implicit keys
        return j;
      }
      if (ch === 35 /* # */ && src.charCodeAt(j - 1) === 32) return undefined;
      // Flow indicators and quotes inside a key: legal in places, but not worth the subtleties.
      if (ch === 123 || ch === 125 || ch === 91 || ch === 93 || ch === 44 || ch === 34 || ch === 39) throw decline;
    }
    return undefined;
  }

  private resolveKey(text: string): string {
    const resolved = this.ctx.resolve(text, true);
    if (resolved === undefined) throw decline;
    const v = resolved.value;
    // As the Converter's keyToString: a key `yes` is the boolean true, written "true"; `~` is "null".
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the yaml package resolves plain scalars to scalars only
    const key = typeof v === 'string' ? v : v === null ? 'null' : String(v);
    return this.ctx.key(key);
  }
}
