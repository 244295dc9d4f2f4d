// Reads a Helm template (or a plain YAML file) line by line into what an indentation-aware search needs: which lines
// are YAML keys or sequence items at which column, which are template actions only, comments, or block-scalar text.
// Templates are not valid YAML (`{{ }}` anywhere), so no YAML parser can read them; this never guesses beyond the
// line structure and never throws. Hand-written scans rather than regular expressions: the text is the repository's.

export type LineKind = 'blank' | 'comment' | 'action' | 'structure' | 'text' | 'separator';

export interface TemplateLine {
  /** Offsets of the line in the file's text (end excludes the line break). */
  start: number;
  end: number;
  kind: LineKind;
  /** Column of the first character that is not a space. */
  indent: number;
  /** Columns of leading `- ` sequence indicators. */
  dashes: number[];
  /** The mapping key on this line (quotes removed), undefined when none or when the key is itself templated. */
  key: string | undefined;
  /** Column of the key's first character (also set for a templated key). */
  keyColumn: number;
  /** Column just past the key (before the colon). */
  keyEnd: number;
  /** True when the line holds a key, templated or not. */
  hasKey: boolean;
  /** The plain value after `key:` with template actions blanked (to tell a literal from a templated value). */
  valueSkeleton: string;
  /** Template actions (`{{ ... }}` bodies, trim markers removed) that start on this line. */
  actions: string[];
}

const placeholder = '\u0001';

/** actionSpans: `[start, end)` of every `{{ ... }}` in the text (an unclosed one runs to the end). */
export function actionSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = text.indexOf('{{');
  while (i !== -1) {
    const close = text.indexOf('}}', i + 2);
    const end = close === -1 ? text.length : close + 2;
    spans.push([i, end]);
    i = text.indexOf('{{', end);
  }
  return spans;
}

/** actionBody: the text between `{{` and `}}` without trim markers and surrounding spaces. */
export function actionBody(text: string, span: [number, number]): string {
  let body = text.slice(span[0] + 2, text.slice(span[1] - 2, span[1]) === '}}' ? span[1] - 2 : span[1]);
  if (body.startsWith('-')) body = body.slice(1);
  if (body.endsWith('-')) body = body.slice(0, -1);
  return body.trim();
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** splitLines: offsets of each line (a `\r` before the `\n` is not part of the line). */
export function splitLines(text: string): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lines.push([start, end > start && text[end - 1] === '\r' ? end - 1 : end]);
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}

/** readKey: the key of a skeleton line from column `i` on, or undefined when the rest is no `key:` entry. */
function readKey(skel: string, i: number): { key: string; end: number; valueStart: number } | undefined {
  const first = skel[i];
  if (first === undefined || first === '#' || first === '{' || first === '[' || first === '|' || first === '>') return undefined;
  if (first === '"' || first === "'") {
    const close = skel.indexOf(first, i + 1);
    if (close === -1) return undefined;
    let j = close + 1;
    while (isSpace(skel[j])) j++;
    if (skel[j] !== ':' || !(j + 1 >= skel.length || isSpace(skel[j + 1]))) return undefined;
    return { key: skel.slice(i + 1, close), end: close + 1, valueStart: j + 1 };
  }
  for (let j = i; j < skel.length; j++) {
    const c = skel[j];
    if (c === '#' && isSpace(skel[j - 1])) return undefined;
    if (c === ':' && (j + 1 >= skel.length || isSpace(skel[j + 1]))) {
      let end = j;
      while (end > i && isSpace(skel[end - 1])) end--;
      return end > i ? { key: skel.slice(i, end), end, valueStart: j + 1 } : undefined;
    }
  }
  return undefined;
}

/** readTemplateLines classifies every line of a template or YAML file. */
export function readTemplateLines(text: string): TemplateLine[] {
  const spans = actionSpans(text);
  const lines = splitLines(text);
  const result: TemplateLine[] = [];
  let s = 0; // first action span that may intersect the current line
  let blockScalarColumn = -1; // lines indented deeper than this are the text of a `key: |` scalar
  for (const [start, end] of lines) {
    while (s < spans.length && (spans[s]?.[1] ?? 0) <= start) s++;
    // The skeleton: the line with each action (or the part of a multi-line action on it) replaced by one placeholder.
    let skel = '';
    const actions: string[] = [];
    let pos = start;
    for (let k = s; k < spans.length; k++) {
      const span = spans[k];
      if (span === undefined || span[0] >= end) break;
      const from = Math.max(span[0], start);
      skel += text.slice(pos, from) + placeholder;
      if (span[0] >= start) actions.push(actionBody(text, span));
      pos = Math.min(span[1], end);
    }
    if (pos < end) skel += text.slice(pos, end);
    let indent = 0;
    while (skel[indent] === ' ') indent++;
    const line: TemplateLine = {
      start,
      end,
      kind: 'structure',
      indent,
      dashes: [],
      key: undefined,
      keyColumn: -1,
      keyEnd: -1,
      hasKey: false,
      valueSkeleton: '',
      actions,
    };
    result.push(line);
    const rest = skel.slice(indent).replaceAll(placeholder, '');
    if (rest.trim() === '') {
      line.kind = skel.includes(placeholder) ? 'action' : 'blank';
      continue;
    }
    if (blockScalarColumn >= 0 && indent > blockScalarColumn) {
      line.kind = 'text';
      continue;
    }
    blockScalarColumn = -1;
    if (skel.startsWith('#', indent)) {
      line.kind = 'comment';
      continue;
    }
    if (indent === 0 && skel.startsWith('---') && (skel.length === 3 || isSpace(skel[3]))) {
      line.kind = 'separator';
      continue;
    }
    let i = indent;
    while (skel[i] === '-' && (i + 1 >= skel.length || isSpace(skel[i + 1]))) {
      line.dashes.push(i);
      i++;
      while (isSpace(skel[i])) i++;
    }
    const key = readKey(skel, i);
    if (key === undefined) continue;
    line.hasKey = true;
    line.keyColumn = i;
    line.keyEnd = key.end;
    line.key = key.key.includes(placeholder) ? undefined : key.key;
    line.valueSkeleton = skel.slice(key.valueStart).trim();
    const v = stripComment(line.valueSkeleton);
    if (v.startsWith('|') || v.startsWith('>')) blockScalarColumn = i;
  }
  return result;
}

/** stripComment: a plain value without its trailing ` # comment` (a `#` after a space or tab starts a comment). */
export function stripComment(value: string): string {
  for (let i = 1; i < value.length; i++)
    if (value[i] === '#' && (value[i - 1] === ' ' || value[i - 1] === '\t')) return value.slice(0, i - 1).trimEnd();
  return value;
}

/** column: where a structural line starts (its first dash, else its key). */
export function lineColumn(line: TemplateLine): number {
  return line.dashes[0] ?? line.indent;
}
