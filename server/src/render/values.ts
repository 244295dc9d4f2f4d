// Finds the values file entry that set a `.Values` path for a variant: `--set`/`set:` entries first, then the
// variant's values files (the last one Helm reads wins), then the chart's own `values.yaml`; a subchart's values are
// looked up under its name in the parent's files, then in its own `values.yaml`.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { SourceLocation, ValueOrigin } from './types';
import type { ValuePath } from './template-refs';

export interface ValuesFile {
  file: string;
  text: string;
}

/** A parsed values file, kept for repeated look-ups. */
export class ValuesDocument {
  private readonly root: unknown;
  private readonly counter = new LineCounter();

  constructor(readonly source: ValuesFile) {
    try {
      this.root = parseDocument(source.text, { lineCounter: this.counter, uniqueKeys: false, prettyErrors: false }).contents;
    } catch {
      this.root = undefined;
    }
  }

  private location(node: YamlNode | null | undefined, fallback: number): SourceLocation {
    const start = node?.range?.[0] ?? fallback;
    const end = node?.range?.[1] ?? start;
    const pos = this.counter.linePos(start);
    return { file: this.source.file, start, end, line: pos.line - 1, character: pos.col - 1 };
  }

  /** lookup: the key and value of `path`, or undefined when the file does not set it. */
  lookup(path: ValuePath): { key: SourceLocation; value: SourceLocation; empty: boolean } | undefined {
    let node: unknown = this.root;
    let keyNode: YamlNode | null | undefined;
    for (const segment of path) {
      if (typeof segment === 'string' && isMap(node)) {
        // Duplicate keys: the last one wins, as when Helm reads the file.
        const pair = [...node.items].reverse().find((p) => (isScalar(p.key) ? String(p.key.value) : undefined) === segment);
        if (pair === undefined) return undefined;
        keyNode = pair.key as YamlNode;
        node = pair.value;
      } else if (typeof segment === 'number' && isSeq(node)) {
        const item: unknown = node.items[segment];
        if (item === undefined) return undefined;
        keyNode = item as YamlNode;
        node = item;
      } else return undefined;
    }
    if (keyNode === undefined) return undefined;
    const value = node as YamlNode | null;
    const empty =
      value === null ||
      (isScalar(value) && (value.value === null || value.value === '' || value.value === false)) ||
      (isMap(value) && value.items.length === 0) ||
      (isSeq(value) && value.items.length === 0);
    const key = this.location(keyNode, 0);
    return { key, value: value === null ? key : this.location(value, key.end), empty };
  }
}

/** One place values come from, with the prefix its paths need (a subchart's values sit under its name). */
export interface ValuesLayer {
  prefix: string[];
  /** A values file, or the variant's `set` entries (`a.b=c`). */
  document?: ValuesDocument;
  set?: readonly string[];
}

function setEntry(entries: readonly string[], path: ValuePath): string | undefined {
  // Helm's --set syntax: `a.b[0].c=value`; later entries win.
  const wanted = path.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`)).join('');
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] ?? '';
    if (entry.startsWith(`${wanted}=`)) return entry;
  }
  return undefined;
}

function underPrefix(path: ValuePath, prefix: readonly string[]): ValuePath {
  // `global` is shared by a chart and its subcharts under the same name.
  return path[0] === 'global' ? path : [...prefix, ...path];
}

/**
 * valueOrigin: which layer sets the first of `refs` that is set to something non-empty (the one `coalesce` and
 * `default` take); when none is, the first that is set at all. Layers are in precedence order, highest first.
 */
export function valueOrigin(refs: readonly ValuePath[], layers: readonly ValuesLayer[]): ValueOrigin | undefined {
  let fallback: ValueOrigin | undefined;
  for (const ref of refs) {
    for (const layer of layers) {
      const path = underPrefix(ref, layer.prefix);
      if (layer.set !== undefined) {
        const entry = setEntry(layer.set, path);
        if (entry !== undefined) return { path: ref.map(String), set: entry };
        continue;
      }
      const found = layer.document?.lookup(path);
      if (found === undefined) continue;
      const origin: ValueOrigin = { path: ref.map(String), key: found.key, value: found.value };
      if (!found.empty) return origin;
      fallback ??= origin;
      break; // a higher layer that sets it empty hides the lower ones
    }
  }
  return fallback;
}
