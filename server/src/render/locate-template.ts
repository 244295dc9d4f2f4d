// The key path → source line locator for Helm templates (and plain YAML: patches, resource files). An
// indentation-aware search over the text: find the key path's line, else the nearest enclosing key that exists, else
// the document's first line; follow `include` into named templates; report `.Values` refs of the line (or of a
// `toYaml` block that renders the rest of the path). Never a position outside the file.
import type { KeyPath, KeyPathSegment } from './types';
import { lineColumn, readTemplateLines, stripComment } from './template-lines';
import type { TemplateLine } from './template-lines';
import { scanRefs } from './template-refs';
import type { ActionRefs, ValuePath } from './template-refs';

/** A file prepared for searching; lines and refs are read once and shared by every search. */
export class TemplateFile {
  readonly lines: TemplateLine[];
  private refsCache: ActionRefs[][] | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = readTemplateLines(text);
  }

  get refs(): ActionRefs[][] {
    this.refsCache ??= scanRefs(this.lines);
    return this.refsCache;
  }
}

/** Named templates (`{{ define "name" }}`) of a chart and its subcharts. */
export interface DefineIndex {
  find(name: string): { file: TemplateFile; from: number; to: number } | undefined;
}

export interface TemplateMatch {
  file: TemplateFile;
  /** Index of the line found (the key path's, or its nearest enclosing key's, or the document's first line). */
  line: number;
  /** How many segments of the key path the line stands for. */
  matched: number;
  /** Values paths the rendered value comes from, in evaluation order (`coalesce`, `default`), already extended
   * with the unmatched rest of the key path when a `toYaml` block renders it. */
  valueRefs: ValuePath[];
}

interface Scope {
  file: TemplateFile;
  from: number;
  to: number;
  /** Column of the entry whose block this is (-1 for a whole document or named template). */
  parentColumn: number;
  /** An item entered on its dash line: the line, and how many of its dashes are consumed. */
  firstLine?: number;
  dashesUsed?: number;
}

interface Entry {
  line: number;
  column: number;
  type: 'key' | 'item';
  /** For items: the index of the dash on the line. */
  dash: number;
}

function effectiveColumn(scope: Scope, i: number, line: TemplateLine): { column: number; dash: number } | undefined {
  const used = i === scope.firstLine ? (scope.dashesUsed ?? 0) : 0;
  const dash = line.dashes[used];
  if (dash !== undefined) return { column: dash, dash: used };
  if (used > 0) return line.hasKey ? { column: line.keyColumn, dash: -1 } : undefined;
  return { column: lineColumn(line), dash: -1 };
}

function entriesOf(scope: Scope): Entry[] {
  const cols: Array<{ i: number; column: number; dash: number }> = [];
  for (let i = scope.from; i < scope.to; i++) {
    const line = scope.file.lines[i];
    if (line === undefined || line.kind !== 'structure') continue;
    const c = effectiveColumn(scope, i, line);
    if (c !== undefined) cols.push({ i, ...c });
  }
  let min = Infinity;
  for (const c of cols) min = Math.min(min, c.column);
  const entries: Entry[] = [];
  for (const c of cols) {
    if (c.column !== min) continue;
    const line = scope.file.lines[c.i];
    if (c.dash >= 0) entries.push({ line: c.i, column: c.column, type: 'item', dash: c.dash });
    else if (line?.hasKey === true) entries.push({ line: c.i, column: c.column, type: 'key', dash: -1 });
  }
  return entries;
}

/** blockOf: the scope of an entry's value (for a key: the lines below it; for an item: its dash line on). */
function blockOf(scope: Scope, entry: Entry): Scope {
  const lines = scope.file.lines;
  let end = entry.line + 1;
  for (; end < scope.to; end++) {
    const line = lines[end];
    if (line === undefined || line.kind !== 'structure') continue;
    const col = lineColumn(line);
    if (col < entry.column) break;
    if (col === entry.column && !(entry.type === 'key' && line.dashes[0] === entry.column)) break;
  }
  if (entry.type === 'item')
    return { file: scope.file, from: entry.line, to: end, parentColumn: entry.column, firstLine: entry.line, dashesUsed: entry.dash + 1 };
  return { file: scope.file, from: entry.line + 1, to: end, parentColumn: entry.column };
}

function literal(valueSkeleton: string): string | undefined {
  if (valueSkeleton.includes('\u0001')) return undefined;
  const v = stripComment(valueSkeleton).trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

function findItem(scope: Scope, items: Entry[], segment: { index: number; name?: string }): Entry | undefined {
  if (items.length === 0) return undefined;
  if (segment.name !== undefined) {
    let templated: Entry | undefined;
    for (const item of items) {
      const named = entriesOf(blockOf(scope, item)).find((e) => e.type === 'key' && scope.file.lines[e.line]?.key === 'name');
      const value = named === undefined ? undefined : scope.file.lines[named.line]?.valueSkeleton;
      if (value === undefined) continue;
      const lit = literal(value);
      if (lit === segment.name) return item;
      if (lit === undefined) templated ??= item;
    }
    if (templated !== undefined) return templated;
    return items.every((item) => entriesOf(blockOf(scope, item)).some((e) => scope.file.lines[e.line]?.key === 'name'))
      ? undefined
      : items[Math.min(segment.index, items.length - 1)];
  }
  return items[Math.min(segment.index, items.length - 1)];
}

function findEntry(scope: Scope, segment: KeyPathSegment): Entry | undefined {
  const entries = entriesOf(scope);
  if (typeof segment === 'string') return entries.find((e) => e.type === 'key' && scope.file.lines[e.line]?.key === segment);
  return findItem(
    scope,
    entries.filter((e) => e.type === 'item'),
    segment,
  );
}

/**
 * Actions that belong to a scope itself: those on its entry line after the key, and action lines indented into it
 * that are not inside the block of one of its entries (`toYaml` under `dnsConfig:` is dnsConfig's, not the pod's).
 */
function scopeActions(scope: Scope, entryLine: number | undefined): ActionRefs[] {
  const out: ActionRefs[] = [];
  const refs = scope.file.refs;
  if (entryLine !== undefined) out.push(...(refs[entryLine] ?? []));
  let lastColumn = -1; // column of the last structural line seen in the scope
  for (let i = scope.from; i < scope.to; i++) {
    const line = scope.file.lines[i];
    if (line === undefined) continue;
    if (line.kind === 'structure') lastColumn = i === scope.firstLine ? (line.hasKey ? line.keyColumn : line.indent) : lineColumn(line);
    else if (line.kind === 'action' && line.indent > scope.parentColumn && (lastColumn < 0 || line.indent <= lastColumn))
      out.push(...(refs[i] ?? []));
  }
  return out;
}

function rest(path: KeyPath, from: number): ValuePath {
  return path.slice(from).map((s) => (typeof s === 'string' ? s : s.index));
}

interface Search {
  path: KeyPath;
  defines: DefineIndex | undefined;
  depth: number;
}

/** search descends from a scope; `matched` segments are already found, at `line` (undefined: none yet). */
function search(scope: Scope, matched: number, line: number | undefined, s: Search): TemplateMatch | undefined {
  if (matched === s.path.length) {
    if (line === undefined) return undefined;
    let refs = (scope.file.refs[line] ?? []).flatMap((a) => a.refs);
    // `resources:` followed by `{{- toYaml .Values.resources | nindent 12 }}`: the whole value comes from values.
    if (refs.length === 0) refs = scopeActions(scope, undefined).find((a) => a.toYaml && a.refs.length > 0)?.refs ?? [];
    return { file: scope.file, line, matched, valueRefs: refs };
  }
  const segment = s.path[matched];
  const entry = segment === undefined ? undefined : findEntry(scope, segment);
  if (entry !== undefined) {
    const inner = blockOf(scope, entry);
    const deeper = search(inner, matched + 1, entry.line, s);
    if (deeper !== undefined) return deeper;
  }
  // Not written here: maybe inserted by `include` or rendered by `toYaml` of a values block.
  for (const action of scopeActions(scope, line)) {
    if (action.include !== undefined && s.defines !== undefined && s.depth < 8) {
      const define = s.defines.find(action.include);
      if (define !== undefined) {
        const found = search({ file: define.file, from: define.from, to: define.to, parentColumn: -1 }, matched, undefined, {
          ...s,
          depth: s.depth + 1,
        });
        if (found !== undefined && found.matched > matched) return found;
      }
    }
    if (action.toYaml && action.refs.length > 0 && line !== undefined)
      return { file: scope.file, line, matched, valueRefs: action.refs.map((r) => [...r, ...rest(s.path, matched)]) };
  }
  return line === undefined ? undefined : { file: scope.file, line, matched, valueRefs: [] };
}

/** Documents of a file: line ranges between `---` separators that hold any structure. */
function documentsOf(file: TemplateFile): Array<{ from: number; to: number }> {
  const docs: Array<{ from: number; to: number }> = [];
  let from = 0;
  const push = (to: number) => {
    if (file.lines.slice(from, to).some((l) => l.kind === 'structure')) docs.push({ from, to });
  };
  file.lines.forEach((line, i) => {
    if (line.kind === 'separator') {
      push(i);
      from = i + 1;
    }
  });
  push(file.lines.length);
  return docs;
}

function firstStructure(file: TemplateFile, from: number, to: number): number {
  for (let i = from; i < to; i++) if (file.lines[i]?.kind === 'structure') return i;
  return from;
}

/**
 * locateInTemplate finds where `path` of a rendered document of kind `kind` is written in `file`. Among several
 * documents of one template file, those whose literal `kind:` is `kind` come first; the deepest match wins.
 */
export function locateInTemplate(
  file: TemplateFile,
  path: KeyPath,
  hint: { kind?: string; names?: readonly string[] },
  defines?: DefineIndex,
): TemplateMatch {
  const docs = documentsOf(file);
  const top = (d: { from: number; to: number }, key: string): string | undefined => {
    for (let i = d.from; i < d.to; i++) {
      const l = file.lines[i];
      if (l?.kind === 'structure' && l.key === key && l.indent === 0 && l.dashes.length === 0) return literal(l.valueSkeleton);
    }
    return undefined;
  };
  const nameOf = (d: { from: number; to: number }): string | undefined => {
    const m = search({ file, from: d.from, to: d.to, parentColumn: -1 }, 0, undefined, {
      path: ['metadata', 'name'],
      defines: undefined,
      depth: 0,
    });
    return m?.matched === 2 ? literal(file.lines[m.line]?.valueSkeleton ?? '') : undefined;
  };
  // Documents whose literal kind (then name) is the rendered one's come first; the others after, in file order.
  const score = (d: { from: number; to: number }): number =>
    (hint.kind !== undefined && top(d, 'kind') === hint.kind ? 2 : 0) +
    (hint.names !== undefined && hint.names.includes(nameOf(d) ?? '\0') ? 1 : 0);
  const scored = docs.length <= 1 ? docs.map((d) => ({ d, s: 0 })) : docs.map((d) => ({ d, s: score(d) }));
  const bestScore = Math.max(0, ...scored.map((x) => x.s));
  const ranked = scored.filter((x) => x.s === bestScore).map((x) => x.d);
  let best: TemplateMatch | undefined;
  for (const d of ranked) {
    const found = search({ file, from: d.from, to: d.to, parentColumn: -1 }, 0, undefined, { path, defines, depth: 0 });
    if (found !== undefined && (best === undefined || found.matched > best.matched)) best = found;
    if (best?.matched === path.length) break;
  }
  const first = ranked[0];
  return best ?? { file, line: first === undefined ? 0 : firstStructure(file, first.from, first.to), matched: 0, valueRefs: [] };
}

/** defineIndex collects `{{ define "name" }}` bodies of the given files (later files do not override earlier ones). */
export function defineIndex(files: readonly TemplateFile[]): DefineIndex {
  const defines = new Map<string, { file: TemplateFile; from: number; to: number }>();
  for (const file of files) {
    const stack: Array<{ name: string | undefined; from: number }> = [];
    file.lines.forEach((line, i) => {
      for (const body of line.actions) {
        const word = /^[a-z]+/.exec(body)?.[0];
        if (word === 'define') {
          const name = /^define\s+"([^"]*)"/.exec(body)?.[1];
          stack.push({ name, from: i + 1 });
        } else if (word === 'if' || word === 'with' || word === 'range' || word === 'block') stack.push({ name: undefined, from: i });
        else if (word === 'end') {
          const open = stack.pop();
          if (open?.name !== undefined && !defines.has(open.name)) defines.set(open.name, { file, from: open.from, to: i });
        }
      }
    });
  }
  return { find: (name) => defines.get(name) };
}

/** The span of a found line to point at: from its key (or first character) to the end of its text. */
export function lineSpan(file: TemplateFile, index: number): { start: number; end: number } {
  const line = file.lines[index];
  if (line === undefined) return { start: 0, end: 0 };
  const from = line.hasKey ? line.keyColumn : line.indent;
  let end = line.end;
  while (end > line.start + from && (file.text[end - 1] === ' ' || file.text[end - 1] === '\t')) end--;
  return { start: Math.min(line.start + from, line.end), end: Math.max(end, Math.min(line.start + from, line.end)) };
}
