// Where a value of a kustomize-built object was written: the last patch (strategic merge or JSON 6902) of the
// kustomizations it passed through that sets the key path, else the resource file it came from (origin annotation),
// else, for generated objects, the generator entry. `namespace`, `namePrefix` and labels are kustomize's own doing:
// the rendered identity is what findings name.
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { identityOf } from './documents';
import { isWithin, location } from './files';
import type { Kustomization, KustomizationPatch, PatchTarget } from './kustomization';
import type { KustomizeTree } from './kustomize';
import { splitYamlStream } from './kustomize';
import { locateInTemplate, lineSpan, TemplateFile } from './locate-template';
import type { KeyPath, MappedLocation, RenderedDocument, SourceLocation } from './types';

/** Reads files once per mapping session. */
export type FileSource = (file: string) => TemplateFile | undefined;

/** The kustomizations between the root and the one that lists `file` (or configured the object), root first. */
export function chainTo(tree: KustomizeTree, home: (k: Kustomization) => boolean): Kustomization[] {
  const seen = new Set<string>();
  const dfs = (k: Kustomization): Kustomization[] | undefined => {
    if (seen.has(k.dir)) return undefined;
    seen.add(k.dir);
    if (home(k)) return [k];
    for (const child of tree.children.get(k.dir) ?? []) {
      const node = tree.nodes.get(child);
      const found = node === undefined ? undefined : dfs(node);
      if (found !== undefined) return [k, ...found];
    }
    return undefined;
  };
  return dfs(tree.root) ?? [tree.root];
}

function listsFile(k: Kustomization, file: string): boolean {
  return k.resources.some((r) => path.resolve(k.dir, r.value) === file);
}

/** matchPattern: kustomize target names are anchored regular expressions; literal and `.*` patterns are matched exactly, others assumed to match. */
export function matchPattern(pattern: string, value: string): boolean {
  const pieces = pattern.split('.*');
  if (pieces.some((p) => /[\\^$.|?*+()[\]{}]/.test(p))) return true;
  if (pieces.length === 1) return pattern === value;
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === 0) {
      if (!value.startsWith(piece)) return false;
      at = piece.length;
    } else if (i === pieces.length - 1) return value.length - piece.length >= at && value.endsWith(piece);
    else {
      const found = value.indexOf(piece, at);
      if (found === -1) return false;
      at = found + piece.length;
    }
  }
  return true;
}

function selectorMatches(selector: string | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined || selector.trim() === '') return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=').map((s) => s.trim());
    if (k === undefined || v === undefined || k.endsWith('!')) return true; // set-based and `!=` forms: assumed to match
    return labels[k] === v;
  });
}

interface Subject {
  kind: string | undefined;
  /** The object's names at each level it may have been patched at. */
  names: string[];
  namespace: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function targets(t: PatchTarget | undefined, s: Subject): boolean {
  if (t === undefined) return true;
  if (t.kind !== undefined && !matchPattern(t.kind, s.kind ?? '')) return false;
  if (t.name !== undefined && !s.names.some((n) => matchPattern(t.name ?? '', n))) return false;
  if (t.namespace !== undefined && s.namespace !== undefined && !matchPattern(t.namespace, s.namespace)) return false;
  return selectorMatches(t.labelSelector, s.labels) && selectorMatches(t.annotationSelector, s.annotations);
}

function jsonPointer(p: string): string[] {
  return p
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function segmentEquals(pointer: string, segment: KeyPath[number]): boolean {
  return typeof segment === 'string' ? pointer === segment : pointer === String(segment.index);
}

/** inlineToFile: an offset in an inline patch's text → the offset in the kustomization file (same line, shifted by the block's indentation). */
function inlineToFile(patchText: string, fileText: string, blockStart: number, offset: number): number {
  const before = patchText.slice(0, offset);
  const n = before.split('\n').length - 1;
  const col = offset - (before.lastIndexOf('\n') + 1);
  let at = blockStart;
  for (let i = 0; i < n; i++) {
    const nl = fileText.indexOf('\n', at);
    if (nl === -1) return Math.min(blockStart + offset, fileText.length);
    at = nl + 1;
  }
  const lineEnd = fileText.indexOf('\n', at);
  const fileLine = fileText.slice(at, lineEnd === -1 ? fileText.length : lineEnd);
  const patchLine = patchText.split('\n')[n] ?? '';
  return at + Math.max(0, fileLine.length - patchLine.length) + col;
}

/** toFile: a span of a patch's own text → a span of the file it is written in. */
function toFile(patch: KustomizationPatch, fileText: string, span: { start: number; end: number }): { start: number; end: number } {
  if (patch.inline === undefined) return span;
  const { text, offset } = patch.inline;
  return { start: inlineToFile(text, fileText, offset, span.start), end: inlineToFile(text, fileText, offset, span.end) };
}

/** In a JSON 6902 patch: the operation that sets `keyPath` (exactly, or an ancestor of it), else one that removes below it. */
function locateJson6902(text: string, keyPath: KeyPath): { start: number; end: number } | undefined {
  let ops: unknown;
  try {
    ops = parseDocument(text, { prettyErrors: false }).contents;
  } catch {
    return undefined;
  }
  if (!isSeq(ops)) return undefined;
  let best: { start: number; end: number; rank: number } | undefined;
  for (const op of ops.items) {
    if (!isMap(op)) continue;
    const field = (k: string) => op.items.find((p) => isScalar(p.key) && p.key.value === k);
    const kind = field('op')?.value;
    const target = field('path')?.value;
    if (!isScalar(kind) || !isScalar(target) || typeof target.value !== 'string') continue;
    const pointer = jsonPointer(target.value);
    const common = pointer.every((p, i) => i >= keyPath.length || segmentEquals(p, keyPath[i]));
    if (!common) continue;
    const sets = ['add', 'replace', 'copy', 'move'].includes(String(kind.value)) && pointer.length <= keyPath.length;
    const removes = kind.value === 'remove' && pointer.length >= keyPath.length;
    const rank = sets ? 2 + pointer.length : removes ? 1 : 0;
    if (rank === 0) continue;
    const node = (field('value')?.key ?? op) as YamlNode;
    const range = node.range ?? [0, 0];
    if (best === undefined || rank >= best.rank) best = { start: range[0], end: range[1], rank };
  }
  return best === undefined ? undefined : { start: best.start, end: best.end };
}

/** In a strategic merge patch: the line of `keyPath` in the document that patches the subject, when it sets it. */
function locateStrategic(
  file: TemplateFile,
  patch: KustomizationPatch,
  s: Subject,
  keyPath: KeyPath,
): { start: number; end: number } | undefined {
  // A list item's `name` in a strategic merge patch is its merge key: it says which container is patched, not what it is called.
  if (keyPath[keyPath.length - 1] === 'name' && typeof keyPath[keyPath.length - 2] === 'object') return undefined;
  // Likewise the patch's kind, apiVersion and metadata name and namespace say which object it patches.
  const joined = keyPath.map((k) => (typeof k === 'string' ? k : `[${k.index}]`)).join('.');
  if (joined === 'kind' || joined === 'apiVersion' || joined === 'metadata.name' || joined === 'metadata.namespace') return undefined;
  const own = patch.inline === undefined ? file : new TemplateFile(file.file, patch.inline.text);
  for (const doc of splitYamlStream(own.text)) {
    const id = identityOf(doc);
    if (patch.target === undefined && (id.kind !== s.kind || !s.names.includes(id.name ?? ''))) continue;
    const match = locateInTemplate(own, keyPath, { kind: id.kind, names: id.name === undefined ? [] : [id.name] });
    if (match.matched === keyPath.length) return lineSpan(own, match.line);
  }
  return undefined;
}

function originalNames(resource: TemplateFile | undefined, kind: string | undefined, rendered: string | undefined): string[] {
  if (resource === undefined || rendered === undefined) return rendered === undefined ? [] : [rendered];
  const names = splitYamlStream(resource.text)
    .map(identityOf)
    .filter((id) => id.kind === kind && id.name !== undefined && rendered.includes(id.name))
    .map((id) => id.name ?? '')
    .sort((a, b) => b.length - a.length);
  return names.length > 0 ? [names[0] ?? rendered] : [rendered];
}

export interface KustomizeSubjectFacts {
  namespace: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** locateInKustomize: where `keyPath` of a rendered document was written. */
export function locateInKustomize(
  tree: KustomizeTree,
  doc: RenderedDocument,
  keyPath: KeyPath,
  facts: KustomizeSubjectFacts,
  read: FileSource,
): MappedLocation | undefined {
  const origin = doc.sourceFile;
  const home =
    origin !== undefined
      ? (k: Kustomization) => listsFile(k, origin)
      : (k: Kustomization) => doc.configuredIn !== undefined && k.file === doc.configuredIn;
  const chain = chainTo(tree, home);
  // Components listed by a kustomization of the chain patch what it accumulated.
  const withComponents = chain.flatMap((k) => [
    k,
    ...k.components.map((c) => tree.nodes.get(path.resolve(k.dir, c.value))).filter((c): c is Kustomization => c !== undefined),
  ]);
  const resource = origin === undefined ? undefined : read(origin);
  const original = originalNames(resource, doc.kind, doc.name);
  // Names at each level, from the resource up: prefixes and suffixes of the kustomizations in between.
  const names = new Set<string>([...original, ...(doc.name === undefined ? [] : [doc.name])]);
  let current = original[0] ?? doc.name ?? '';
  for (const k of [...chain].reverse()) {
    current = `${k.namePrefix}${current}${k.nameSuffix}`;
    names.add(current);
  }
  const subject: Subject = { kind: doc.kind, names: [...names], ...facts };
  for (const k of [...withComponents].reverse()) {
    for (const patch of [...k.patches].reverse()) {
      if (!targets(patch.target, subject)) continue;
      const file = read(patch.file);
      if (file === undefined) continue;
      const found = patch.json6902
        ? locateJson6902(patch.inline?.text ?? file.text, keyPath)
        : locateStrategic(file, patch, subject, keyPath);
      if (found !== undefined) {
        const span = toFile(patch, file.text, found);
        return { location: location(file.file, file.text, span.start, span.end), matched: keyPath.length, via: 'patch' };
      }
    }
  }
  if (resource !== undefined) {
    const match = locateInTemplate(resource, keyPath, { kind: doc.kind, names: original });
    const span = lineSpan(resource, match.line);
    return { location: location(resource.file, resource.text, span.start, span.end), matched: match.matched, via: 'resource' };
  }
  const configured = doc.configuredIn === undefined ? undefined : tree.nodes.get(path.dirname(doc.configuredIn));
  if (configured !== undefined) {
    const entry = configured.generators.find((g) => doc.name !== undefined && doc.name.includes(g.value));
    const at: SourceLocation = location(configured.file, configured.text, entry?.start ?? 0, entry?.end ?? 0);
    return { location: at, matched: 0, via: 'kustomization' };
  }
  return undefined;
}

/** isInTree: the file belongs to one of the tree's folders (for watching and for telling a base file from others). */
export function isInTree(tree: KustomizeTree, file: string): boolean {
  for (const dir of tree.nodes.keys()) if (isWithin(file, dir)) return true;
  return false;
}
