// Reads a kustomization file (never runs anything): what it references (local folders and files, remote URLs,
// `helmCharts`), its patches with their targets, and its name transformations, with the positions of each entry.
// Discovery, the remote-resource preflight, the cache key and the patch locator all read kustomizations this way.
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { readText } from './files';

export const kustomizationFileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A reference of a kustomization to something else, with the span of the entry in the kustomization file. */
export interface KustomizationRef {
  field: string;
  value: string;
  start: number;
  end: number;
}

export interface PatchTarget {
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface KustomizationPatch {
  /** A patch file (absolute), or the kustomization file itself for an inline patch. */
  file: string;
  /** For inline patches: the patch text and where it starts in the kustomization file. */
  inline?: { text: string; offset: number };
  target?: PatchTarget;
  /** `patchesJson6902` or a patch whose text is a list of operations. */
  json6902: boolean;
}

export interface Kustomization {
  dir: string;
  file: string;
  text: string;
  kind: 'Kustomization' | 'Component';
  /** Local folders and files of `resources`/`bases`, and `components`. */
  resources: KustomizationRef[];
  components: KustomizationRef[];
  /** References to URLs or git repositories (never fetched). */
  remote: KustomizationRef[];
  /** `helmCharts` / `helmChartInflationGenerator` entries (never inflated: that needs --enable-helm). */
  helmCharts: KustomizationRef[];
  patches: KustomizationPatch[];
  namePrefix: string;
  nameSuffix: string;
  /** Generator entries (`configMapGenerator`, `secretGenerator`) by name, for objects kustomize creates. */
  generators: KustomizationRef[];
  /** Set when the file is not valid YAML or not a mapping. */
  error?: string;
}

/** findKustomizationFile: the kustomization file of a folder, in kustomize's order of preference. */
export function findKustomizationFile(dir: string, exists: (file: string) => boolean): string | undefined {
  for (const name of kustomizationFileNames) if (exists(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/** isRemote: a reference kustomize would fetch (URL, git repository, `github.com/...` shorthand). */
export function isRemote(value: string): boolean {
  const v = value.trim();
  if (v.includes('://') || v.startsWith('git@') || v.startsWith('git::') || v.startsWith('ssh:')) return true;
  return /^(?:github\.com|gitlab\.com|bitbucket\.org)[/:]/.test(v) || v.includes('?ref=') || v.includes('.git//');
}

const fileFields = ['configurations', 'crds', 'generators', 'transformers', 'validators', 'replacements'];

function str(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

function ref(field: string, node: unknown): KustomizationRef | undefined {
  const value = str(node);
  const range = (node as YamlNode | undefined)?.range;
  return value === undefined || range === undefined || range === null ? undefined : { field, value, start: range[0], end: range[1] };
}

function get(map: YAMLMap, key: string): unknown {
  return map.items.find((p) => str(p.key) === key)?.value;
}

function spanOf(map: YAMLMap, key: string): [number, number] {
  const pair = map.items.find((p) => str(p.key) === key);
  const range = (pair?.key as YamlNode | undefined)?.range;
  return range === undefined || range === null ? [0, 0] : [range[0], range[1]];
}

function target(node: unknown): PatchTarget | undefined {
  if (!isMap(node)) return undefined;
  const t: PatchTarget = {};
  for (const key of ['kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const v = str(get(node, key));
    if (v !== undefined) t[key] = v;
  }
  return t;
}

function looksLikeJson6902(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('[') || t.startsWith('- op:') || t.startsWith('- {') || /^- +(?:op|path|value|from): /m.test(t.slice(0, 200));
}

/** readKustomization parses a kustomization file; patch file contents are read to tell JSON 6902 from strategic merge. */
export function readKustomization(file: string, text: string): Kustomization {
  const dir = path.dirname(file);
  const k: Kustomization = {
    dir,
    file,
    text,
    kind: 'Kustomization',
    resources: [],
    components: [],
    remote: [],
    helmCharts: [],
    patches: [],
    namePrefix: '',
    nameSuffix: '',
    generators: [],
  };
  let root: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length > 0) k.error = doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML';
    root = doc.contents;
  } catch (error) {
    k.error = String(error);
  }
  if (!isMap(root)) {
    k.error ??= 'not a YAML mapping';
    return k;
  }
  if (str(get(root, 'kind')) === 'Component') k.kind = 'Component';
  k.namePrefix = str(get(root, 'namePrefix')) ?? '';
  k.nameSuffix = str(get(root, 'nameSuffix')) ?? '';
  const local = (field: string, into: KustomizationRef[]) => {
    const list = get(root, field);
    if (!isSeq(list)) return;
    for (const item of list.items) {
      const r = ref(field, item);
      if (r !== undefined) (isRemote(r.value) ? k.remote : into).push(r);
    }
  };
  local('resources', k.resources);
  local('bases', k.resources);
  local('components', k.components);
  for (const field of fileFields) {
    const list = get(root, field);
    if (isSeq(list)) for (const item of list.items) if (isRemote(str(item) ?? '')) k.remote.push(ref(field, item) as KustomizationRef);
  }
  for (const field of ['helmCharts', 'helmChartInflationGenerator', 'helmGlobals']) {
    const node = get(root, field);
    if (node !== undefined && node !== null) {
      const [start, end] = spanOf(root, field);
      k.helmCharts.push({ field, value: field, start, end });
    }
  }
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    const list = get(root, field);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      if (!isMap(item)) continue;
      const name = ref(field, get(item, 'name'));
      if (name !== undefined) k.generators.push(name);
      for (const sub of ['files', 'envs', 'env']) {
        const files = get(item, sub);
        for (const f of isSeq(files) ? files.items : [files]) {
          const r = ref(`${field}.${sub}`, f);
          if (r !== undefined && isRemote(r.value.replace(/^[^=]*=/, ''))) k.remote.push(r);
        }
      }
    }
  }
  const openapi = get(root, 'openapi');
  if (isMap(openapi)) {
    const r = ref('openapi.path', get(openapi, 'path'));
    if (r !== undefined && isRemote(r.value)) k.remote.push(r);
  }
  readPatches(k, root);
  return k;
}

function readPatches(k: Kustomization, root: YAMLMap): void {
  const addFile = (field: string, node: unknown, t: PatchTarget | undefined, json: boolean | undefined) => {
    const r = ref(field, node);
    if (r === undefined) return;
    if (isRemote(r.value)) {
      k.remote.push(r);
      return;
    }
    const file = path.resolve(k.dir, r.value);
    const content = json === undefined ? readText(file, 1024 * 1024) : undefined;
    k.patches.push({ file, target: t, json6902: json ?? (content !== undefined && looksLikeJson6902(content)) });
  };
  const addInline = (node: unknown, t: PatchTarget | undefined, json: boolean | undefined) => {
    const text = str(node);
    const range = (node as YamlNode | undefined)?.range;
    if (text === undefined || range === undefined || range === null) return;
    // A block scalar's content starts on the line after its `|` indicator.
    const source = k.text.slice(range[0], range[1]);
    const offset = source.startsWith('|') || source.startsWith('>') ? range[0] + source.indexOf('\n') + 1 : range[0];
    k.patches.push({ file: k.file, inline: { text, offset }, target: t, json6902: json ?? looksLikeJson6902(text) });
  };
  const patches = get(root, 'patches');
  if (isSeq(patches))
    for (const item of patches.items) {
      if (!isMap(item)) continue;
      const t = target(get(item, 'target'));
      if (get(item, 'path') !== undefined) addFile('patches', get(item, 'path'), t, undefined);
      else if (get(item, 'patch') !== undefined) addInline(get(item, 'patch'), t, undefined);
    }
  const smp = get(root, 'patchesStrategicMerge');
  if (isSeq(smp))
    for (const item of smp.items) {
      const value = str(item) ?? '';
      if (value.includes('\n') || value.trimStart().startsWith('apiVersion') || value.includes('kind:')) addInline(item, undefined, false);
      else addFile('patchesStrategicMerge', item, undefined, false);
    }
  const json = get(root, 'patchesJson6902');
  if (isSeq(json))
    for (const item of json.items) {
      if (!isMap(item)) continue;
      const t = target(get(item, 'target'));
      if (get(item, 'path') !== undefined) addFile('patchesJson6902', get(item, 'path'), t, true);
      else if (get(item, 'patch') !== undefined) addInline(get(item, 'patch'), t, true);
    }
}

/** loadKustomization reads the kustomization of a folder, or undefined when it has none (or it cannot be read). */
export function loadKustomization(dir: string): Kustomization | undefined {
  for (const name of kustomizationFileNames) {
    const file = path.join(dir, name);
    const text = readText(file, 4 * 1024 * 1024);
    if (text !== undefined) return readKustomization(file, text);
  }
  return undefined;
}
