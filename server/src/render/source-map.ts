// The mapping layer between the engine and the files people edit. The engine analyses rendered text (one input per
// chart variant or kustomization, documents joined by `---`) and reports spans in it; this layer turns a span into
// the key path of the rendered document, then into the template, patch or resource line, and the values entry.
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { location } from './files';
import { readText } from './files';
import type { HelmVariant } from './config';
import { readKustomizeTree } from './kustomize';
import type { KustomizeTree } from './kustomize';
import { loadKustomization } from './kustomization';
import { locateInKustomize } from './locate-kustomize';
import { defineIndex, lineSpan, locateInTemplate, TemplateFile } from './locate-template';
import type { DefineIndex } from './locate-template';
import { valueOrigin, ValuesDocument } from './values';
import { stripComment } from './template-lines';
import type { ValuesLayer } from './values';
import type { KeyPath, KeyPathSegment, MappedLocation, RenderResult, RenderSource } from './types';
import { sourceLabel } from './types';

/** What the engine receives for one render: text to analyse as one pseudo-file, and its source. */
export interface RenderedInput {
  /** A path that names the render (`helm:charts/app[prod]`): findings on it are mapped before they are shown. */
  path: string;
  text: string;
  source: RenderSource;
  /** `[start, end)` of each document of `result.documents` in `text`. */
  documents: Array<{ start: number; end: number }>;
}

/** toRenderedInput joins the rendered documents into one text, remembering where each one is. */
export function toRenderedInput(result: RenderResult): RenderedInput {
  let text = '';
  const documents: Array<{ start: number; end: number }> = [];
  for (const doc of result.documents) {
    if (text !== '') text += '---\n';
    const start = text.length;
    text += doc.text;
    documents.push({ start, end: text.length });
  }
  return { path: sourceLabel(result.source), text, source: result.source, documents };
}

/** keyPathAt: the key path of the deepest node of a YAML document that contains `offset` (keys and values). */
export function keyPathAt(text: string, offset: number): KeyPath {
  return nodeAt(text, offset).keyPath;
}

/** parseRoot: a rendered document's YAML tree (undefined when it does not parse), parsed once per document. */
function parseRoot(text: string): unknown {
  try {
    return parseDocument(text, { prettyErrors: false, uniqueKeys: false }).contents;
  } catch {
    return undefined;
  }
}

/** nodeAt: the key path at `offset`, and the range of the scalar value there when the offset is inside one. */
export function nodeAt(
  text: string,
  offset: number,
  parsed?: { root: unknown },
): { keyPath: KeyPath; scalar?: { start: number; end: number } } {
  const root = parsed === undefined ? parseRoot(text) : parsed.root;
  if (root === undefined) return { keyPath: [] };
  const out: KeyPathSegment[] = [];
  const inside = (node: unknown): boolean => {
    const r = (node as YamlNode | null)?.range;
    return r !== undefined && r !== null && offset >= r[0] && offset < Math.max(r[1], r[0] + 1);
  };
  let node: unknown = root;
  for (let depth = 0; depth < 128; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => inside(p.key) || inside(p.value));
      if (pair === undefined || !isScalar(pair.key)) break;
      out.push(String(pair.key.value));
      if (!inside(pair.value)) break;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => inside(item));
      if (index === -1) break;
      const item = node.items[index];
      const name = isMap(item) ? item.items.find((p) => isScalar(p.key) && p.key.value === 'name')?.value : undefined;
      out.push(isScalar(name) && typeof name.value === 'string' ? { index, name: name.value } : { index });
      node = item;
    } else break;
  }
  const range = isScalar(node) && inside(node) ? node.range : undefined;
  return range === undefined || range === null ? { keyPath: out } : { keyPath: out, scalar: { start: range[0], end: range[1] } };
}

/** An edit of a file people edit: `[start, end)` of `file`'s text replaced by `newText`. */
export interface SourceEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

/** withQuotes: the new value written in the quoting style of the value it replaces. */
function withQuotes(old: string, newText: string): string {
  const q = old[0];
  if ((q === '"' || q === "'") && old.endsWith(q) && !newText.startsWith(q))
    return q === '"' ? JSON.stringify(newText) : `'${newText.replaceAll("'", "''")}'`;
  return newText;
}

/** Labels, annotations and namespace of a rendered document (for patch targets). */
function factsOf(text: string): { namespace: string | undefined; labels: Record<string, string>; annotations: Record<string, string> } {
  const facts = {
    namespace: undefined as string | undefined,
    labels: {} as Record<string, string>,
    annotations: {} as Record<string, string>,
  };
  try {
    const js = parseDocument(text, { prettyErrors: false }).toJS() as {
      metadata?: { namespace?: unknown; labels?: unknown; annotations?: unknown };
    } | null;
    const m = js?.metadata;
    if (typeof m?.namespace === 'string') facts.namespace = m.namespace;
    for (const [k, v] of Object.entries((m?.labels ?? {}) as Record<string, unknown>)) facts.labels[k] = String(v);
    for (const [k, v] of Object.entries((m?.annotations ?? {}) as Record<string, unknown>)) facts.annotations[k] = String(v);
  } catch {
    // facts stay empty: targets with selectors then do not match
  }
  return facts;
}

/** The values layers of a chart variant, highest precedence first, for a template of the chart or of a subchart. */
function valuesLayers(
  chartDir: string,
  variant: Pick<HelmVariant, 'valuesFiles' | 'set'>,
  template: string,
  docs: (file: string) => ValuesDocument | undefined,
): ValuesLayer[] {
  // `<chart>/charts/<sub>/templates/x.yaml`: values of <sub> sit under `<sub>` in the parent's files.
  const rel = path.relative(chartDir, template).split(path.sep);
  const prefix: string[] = [];
  const chain: string[] = [chartDir];
  for (let i = 0; i + 1 < rel.length && rel[i] === 'charts'; i += 2) {
    prefix.push(rel[i + 1] ?? '');
    chain.push(path.join(chain[chain.length - 1] ?? chartDir, 'charts', rel[i + 1] ?? ''));
  }
  const layers: ValuesLayer[] = [];
  if (variant.set.length > 0) layers.push({ prefix, set: variant.set });
  for (const file of [...variant.valuesFiles].reverse()) {
    const document = docs(file);
    if (document !== undefined) layers.push({ prefix, document });
  }
  chain.forEach((dir, i) => {
    const document = docs(path.join(dir, 'values.yaml'));
    if (document !== undefined) layers.push({ prefix: prefix.slice(i), document });
  });
  return layers;
}

/**
 * SourceMapper maps findings of one render back to the files people edit. Files are read once per mapper; make a
 * new mapper for each new render (the files may have changed).
 */
export class SourceMapper {
  private readonly files = new Map<string, TemplateFile | undefined>();
  private readonly values = new Map<string, ValuesDocument | undefined>();
  private defines: DefineIndex | undefined;
  private tree: KustomizeTree | undefined;

  constructor(
    readonly result: RenderResult,
    readonly input: RenderedInput = toRenderedInput(result),
  ) {}

  private read = (file: string): TemplateFile | undefined => {
    if (!this.files.has(file)) {
      const text = readText(file);
      this.files.set(file, text === undefined ? undefined : new TemplateFile(file, text));
    }
    return this.files.get(file);
  };

  private valuesDocument = (file: string): ValuesDocument | undefined => {
    if (!this.values.has(file)) {
      const text = readText(file);
      this.values.set(file, text === undefined ? undefined : new ValuesDocument({ file, text }));
    }
    return this.values.get(file);
  };

  private chartDefines(): DefineIndex {
    if (this.defines === undefined) {
      // Named templates of the chart and of its subcharts (library charts define most of them).
      const templates = this.result.inputs.filter((f) => f.split(path.sep).includes('templates') && /\.(tpl|ya?ml|txt)$/.test(f));
      this.defines = defineIndex(templates.map(this.read).filter((t): t is TemplateFile => t !== undefined));
    }
    return this.defines;
  }

  /** The YAML tree of each rendered document, parsed at its first use: every finding in it maps through one parse. */
  private readonly trees = new Map<number, { root: unknown }>();
  private yamlOf(index: number): { root: unknown } {
    let t = this.trees.get(index);
    if (t === undefined) {
      t = { root: parseRoot(this.result.documents[index]?.text ?? '') };
      this.trees.set(index, t);
    }
    return t;
  }

  private readonly facts = new Map<number, ReturnType<typeof factsOf>>();
  private factsAt(index: number, text: string): ReturnType<typeof factsOf> {
    let f = this.facts.get(index);
    if (f === undefined) {
      f = factsOf(text);
      this.facts.set(index, f);
    }
    return f;
  }

  /** documentAt: which rendered document holds an offset of the input text. */
  documentAt(offset: number): number {
    const docs = this.input.documents;
    for (let i = 0; i < docs.length; i++) if (offset < (docs[i]?.end ?? 0)) return i;
    return docs.length - 1;
  }

  /** map: the source of the input span starting at `offset` (the key path of the node there, located). */
  map(offset: number): MappedLocation | undefined {
    const index = this.documentAt(offset);
    const bounds = this.input.documents[index];
    if (bounds === undefined) return undefined;
    const doc = this.result.documents[index];
    if (doc === undefined) return undefined;
    const keyPath = nodeAt(doc.text, offset - bounds.start, this.yamlOf(index)).keyPath;
    const mapped = this.locate(index, keyPath);
    return mapped === undefined ? undefined : { ...mapped, keyPath };
  }

  /**
   * mapEdit: a quick-fix edit of the rendered text, made where the value is written: in the values file entry that
   * set it (the variant's own file first), else on a template or patch line whose value is literal. Undefined when
   * the edit is not the replacement of one scalar value, or the value is computed (then no fix is offered).
   */
  mapEdit(start: number, end: number, newText: string): SourceEdit | undefined {
    const index = this.documentAt(start);
    const bounds = this.input.documents[index];
    const doc = this.result.documents[index];
    if (bounds === undefined || doc === undefined || end > bounds.end) return undefined;
    const node = nodeAt(doc.text, start - bounds.start, this.yamlOf(index));
    if (node.scalar === undefined || node.scalar.start !== start - bounds.start || node.scalar.end !== end - bounds.start) return undefined;
    const mapped = this.locate(index, node.keyPath);
    if (mapped === undefined) return undefined;
    const value = mapped.value?.value;
    if (value !== undefined) {
      const text = this.valuesDocument(value.file)?.source.text ?? '';
      return { file: value.file, start: value.start, end: value.end, newText: withQuotes(text.slice(value.start, value.end), newText) };
    }
    if (mapped.value !== undefined || mapped.matched !== node.keyPath.length) return undefined;
    // A literal on the line itself: `key: value` with no template action (also inside an inline patch's block scalar).
    const file = this.read(mapped.location.file);
    if (file === undefined) return undefined;
    const at = mapped.location.start;
    const lineStart = file.text.lastIndexOf('\n', at - 1) + 1;
    const newline = file.text.indexOf('\n', at);
    const lineText = file.text.slice(lineStart, newline < 0 ? file.text.length : newline);
    if (lineText.includes('{{')) return undefined;
    const colon = lineText.indexOf(':', at - lineStart);
    if (colon < 0) return undefined;
    let from = colon + 1;
    if (from < lineText.length && lineText[from] !== ' ' && lineText[from] !== '\t') return undefined;
    while (lineText[from] === ' ' || lineText[from] === '\t') from++;
    const literalText = stripComment(lineText.slice(from)).trimEnd();
    if (literalText === '' || '|>{[&*!'.includes(literalText[0] ?? '')) return undefined;
    return {
      file: file.file,
      start: lineStart + from,
      end: lineStart + from + literalText.length,
      newText: withQuotes(literalText, newText),
    };
  }

  /** locate: where `keyPath` of rendered document `index` is written. */
  locate(index: number, keyPath: KeyPath): MappedLocation | undefined {
    const doc = this.result.documents[index];
    if (doc === undefined) return undefined;
    if (this.result.source.tool === 'kustomize') {
      if (this.tree === undefined) {
        const root = loadKustomization(this.result.rootAbsolute);
        if (root === undefined) return undefined;
        this.tree = readKustomizeTree(root);
      }
      return locateInKustomize(this.tree, doc, keyPath, this.factsAt(index, doc.text), this.read);
    }
    const template = doc.sourceFile === undefined ? undefined : this.read(doc.sourceFile);
    if (template === undefined) return undefined;
    const match = locateInTemplate(
      template,
      keyPath,
      { kind: doc.kind, names: doc.name === undefined ? [] : [doc.name] },
      this.chartDefines(),
    );
    const span = lineSpan(match.file, match.line);
    const mapped: MappedLocation = {
      location: location(match.file.file, match.file.text, span.start, span.end),
      matched: match.matched,
      via: 'template',
    };
    if (match.valueRefs.length > 0) {
      const origin = valueOrigin(
        match.valueRefs,
        valuesLayers(this.result.rootAbsolute, this.result, match.file.file, this.valuesDocument),
      );
      if (origin !== undefined) mapped.value = origin;
    }
    return mapped;
  }
}
