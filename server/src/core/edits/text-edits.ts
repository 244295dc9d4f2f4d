// Text edits for fixes that keep the file's indentation and comments: replace a value, remove a line, add a key or a
// first list item. Rules' fixes and the editor's own quick fixes (quick-fixes.ts) are built from these.
import type { Span } from '../text';
import type { YMap, YSeq } from '../syntax/tree';

export interface TextEdit {
  /** The file the edit applies to; the finding's file when absent. */
  file?: string;
  span: Span;
  newText: string;
}

export function replace(span: Span, newText: string): TextEdit {
  return { span, newText };
}

/**
 * replaceString writes the string `value` over the scalar at `span`. kubectl reads a file whose first character is `{`
 * as JSON, so there a double-quoted scalar stays double-quoted; elsewhere the value is written plain, and quoted only
 * when YAML would read it as something other than a string (`true`, `123`).
 */
export function replaceString(text: string, span: Span, value: string): TextEdit {
  const keepJson = text[span.start] === '"' && /^\s*\{/.test(text);
  const plain = /^[A-Za-z_][\w.-]*$/.test(value) && !/^(y|n|yes|no|true|false|on|off|null)$/i.test(value);
  return { span, newText: keepJson || !plain ? JSON.stringify(value) : value };
}

/**
 * removeEntry deletes `key` and its value from `map`. In a block map the entry's lines go whole, with their line
 * break, and only when nothing else shares them (not `- key: v`, which opens a sequence item); in a flow map (JSON
 * included) the entry goes with one separating comma, so `spec: {a: 1, b: 2}` and one-line JSON keep their other keys.
 */
export function removeEntry(text: string, map: YMap, key: string): TextEdit | undefined {
  const i = map.entries.findIndex((e) => e.key === key);
  const entry = map.entries[i];
  if (entry === undefined) return undefined;
  const start = entry.keySpan.start;
  const end = entry.value.span.end;
  if (map.flow) {
    const next = map.entries[i + 1];
    const previous = map.entries[i - 1];
    if (next !== undefined) return { span: { start, end: next.keySpan.start }, newText: '' };
    if (previous !== undefined) return { span: { start: previous.value.span.end, end }, newText: '' };
    return { span: { start, end }, newText: '' };
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const after = text.slice(end, lineEnd === -1 ? text.length : lineEnd).trim();
  if (text.slice(lineStart, start).trim() !== '' || (after !== '' && !after.startsWith('#'))) return undefined;
  return removeLine(text, { start, end });
}

/** removeLine deletes the whole line(s) from the line of `span.start` to the line of `span.end`, with the line break. */
export function removeLine(text: string, span: Span): TextEdit {
  const start = text.lastIndexOf('\n', span.start - 1) + 1;
  const nextBreak = text.indexOf('\n', span.end);
  return { span: { start, end: nextBreak === -1 ? text.length : nextBreak + 1 }, newText: '' };
}

/**
 * insertKey adds `key: value` as the first entry of a block map, at the column of its existing keys, so the rest of the
 * map (and its comments) stays untouched. `value` may be a multi-line block, written relative to the key's indentation.
 * Returns undefined for flow maps (`{...}`), where no safe edit exists.
 */
export function insertKey(text: string, map: YMap, key: string, value: string): TextEdit | undefined {
  const first = map.entries[0];
  if (map.flow || first === undefined) return undefined;
  const at = first.keySpan.start;
  const column = at - (text.lastIndexOf('\n', at - 1) + 1);
  const indent = ' '.repeat(column);
  const eol = eolOf(text);
  const lines = value.split('\n');
  const head = lines[0] ?? '';
  const rest = lines
    .slice(1)
    .map((line) => `${eol}${indent}${line}`)
    .join('');
  const separator = head === '' ? '' : ' ';
  return { span: { start: at, end: at }, newText: `${key}:${separator}${head}${rest}${eol}${indent}` };
}

let eolText: string | undefined;
let eolValue = '\n';
/** eolOf is the file's line ending; cached for the last text, so a file with many fixes is scanned once, not per fix. */
export function eolOf(text: string): string {
  if (text !== eolText) {
    eolText = text;
    eolValue = text.includes('\r\n') ? '\r\n' : '\n';
  }
  return eolValue;
}

/** columnOf returns the column of `offset` in its line. */
export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/**
 * insertFirstItem adds a block-sequence item before the first item of `seq`, at the column of its `-`, so an existing
 * list (e.g. `podFailurePolicy.rules`, where the first match wins) gets a new first entry. Undefined for flow sequences.
 */
export function insertFirstItem(text: string, seq: YSeq, item: string): TextEdit | undefined {
  const first = seq.items[0];
  if (seq.flow || first === undefined) return undefined;
  const dash = text.lastIndexOf('-', first.span.start);
  if (dash === -1 || text.slice(dash + 1, first.span.start).trim() !== '') return undefined;
  const indent = ' '.repeat(columnOf(text, dash));
  const eol = eolOf(text);
  const lines = item.split('\n');
  const body = lines.map((line, i) => (i === 0 ? `- ${line}` : `${indent}  ${line}`)).join(eol);
  return { span: { start: dash, end: dash }, newText: `${body}${eol}${indent}` };
}
