// Turns a manifest file into Kubernetes objects of interest with identities and spans; never throws.
// `kind: List` (and `*List`) items become objects of their own, as kubectl applies them.
import type { Span } from '../text';
import { decodeUtf8, flat } from '../text';
import { isKindOfInterest, splitDocuments } from '../syntax/documents';
import type { DocumentChunk } from '../syntax/documents';
import { parseYamlDocument } from '../syntax/parse-yaml';
import type { SyntaxProblem } from '../syntax/parse-yaml';
import { entry, get, isMap, isSeq, stringValue } from '../syntax/tree';
import type { YMap, YNode } from '../syntax/tree';
import { FieldReader } from './fields';
import type { FieldProblem } from './fields';

export type Origin = 'workspace' | 'cluster';

/** K8sObject is one object of a kind the engine reads, with where it was written. */
export interface K8sObject {
  file: string;
  origin: Origin;
  kind: string;
  apiVersion: string;
  name: string;
  /** `metadata.namespace` or `default` for namespaced kinds; undefined for cluster-scoped kinds. */
  namespace: string | undefined;
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds. */
  id: string;
  node: YMap;
  /** The whole object. */
  span: Span;
  /** The `metadata.name` value (or the `kind` value when the name is missing), where findings about the object point. */
  nameSpan: Span;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Problems found while reading typed fields of this object. */
  fieldProblems: FieldProblem[];
}

export interface FileProblem {
  kind:
    | SyntaxProblem['kind']
    | 'not-text'
    | 'too-large'
    | 'symlink-loop'
    | 'symlink-outside'
    | 'file-too-large'
    // Reported by the rendering layer (server/src/render) about a Helm chart or a kustomization, at a line of its files.
    | 'render-failed'
    | 'render-tool-missing'
    | 'render-dependency-missing'
    | 'render-remote-resource'
    | 'render-restricted';
  message: string;
  span: Span;
}

export interface ParsedFile {
  file: string;
  /**
   * The file's text; '' when the file holds nothing analysed and nothing to report (no objects, no problems): nothing
   * can point into it, and keeping every CRD bundle's and dashboard's text would double the server's memory.
   */
  text: string;
  objects: K8sObject[];
  problems: FileProblem[];
  /** How many documents the file holds, and how many were fully parsed. */
  documents: number;
  parsedDocuments: number;
}

/** Kinds whose documents carry pod specs with large irrelevant parts (env, probes, volumes) worth pruning before parsing. */
const workloadLike: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
]);

export const clusterScopedKinds: ReadonlySet<string> = new Set([
  'PriorityClass',
  'Namespace',
  'Node',
  'PersistentVolume',
  'RuntimeClass',
  // Kueue's objects other than LocalQueue (kueue-objects.ts kueueClusterScopedKinds, which cannot be imported here).
  'WorkloadPriorityClass',
  'ClusterQueue',
  'Cohort',
  'ResourceFlavor',
]);

/** Documents above this size are not parsed with positions; no real manifest of interest comes close. */
export const maxDocumentBytes = 16 * 1024 * 1024;
/** A file's documents of interest are parsed up to this many bytes in all; the rest is reported, not analysed (memory bound). */
export const maxFileParsedBytes = 16 * 1024 * 1024;
/** At most this many objects are read from one file (`kind: List` items included); the rest is reported, not analysed. */
export const maxObjectsPerFile = 100_000;

export interface SourceInput {
  path: string;
  /** Text, or raw bytes that are decoded strictly (NUL or invalid UTF-8 make the file "not text"). */
  content: string | Uint8Array;
  origin?: Origin;
}

/** parseFile reads every object of interest of one file; the result is cached per file by the analysis host. */
export function parseFile(source: SourceInput): ParsedFile {
  // The path is kept by every object and finding of the file: stored flat, not as the parts it was joined from.
  const input = { ...source, path: flat(source.path) };
  const origin = input.origin ?? 'workspace';
  let text: string;
  if (typeof input.content === 'string') {
    text = input.content;
    if (text.includes('\u0000')) return notText(input.path, text, `contains a NUL byte at offset ${text.indexOf('\u0000')}`);
  } else {
    const decoded = decodeUtf8(input.content);
    if (!decoded.ok) return notText(input.path, '', decoded.reason);
    text = decoded.text;
  }
  // A UTF-8 BOM is not part of the YAML; replacing it with a space keeps every offset valid.
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
  const json = /\.json$/i.test(input.path);
  const chunks = splitDocuments(text, json);
  const result: ParsedFile = { file: input.path, text, objects: [], problems: [], documents: chunks.length, parsedDocuments: 0 };
  let parsedBytes = 0;
  let skipped = 0;
  let firstSkipped: DocumentChunk | undefined;
  for (const chunk of chunks) {
    if (chunk.template || !isKindOfInterest(chunk.kind)) continue;
    // Memory bound for hostile or generated giants: past the budget, documents are counted and reported once.
    if (parsedBytes + (chunk.end - chunk.start) > maxFileParsedBytes && chunk.end - chunk.start <= maxDocumentBytes) {
      if (skipped++ === 0) firstSkipped = chunk;
      continue;
    }
    if (result.objects.length >= maxObjectsPerFile) {
      if (skipped++ === 0) firstSkipped = chunk;
      continue;
    }
    if (chunk.end - chunk.start > maxDocumentBytes) {
      result.problems.push({
        kind: 'too-large',
        message: `document ${chunk.index + 1} (${chunk.kind ?? 'unknown kind'}) is larger than ${maxDocumentBytes / 1024 / 1024} MiB and was not analysed`,
        span: { start: chunk.start, end: chunk.start + 1 },
      });
      continue;
    }
    result.parsedDocuments++;
    parsedBytes += chunk.end - chunk.start;
    const parsed = parseYamlDocument(
      text,
      chunk.start,
      chunk.end,
      json,
      !chunk.flow && chunk.kind !== undefined && workloadLike.has(chunk.kind),
    );
    for (const problem of parsed.problems) result.problems.push(problem);
    if (!isMap(parsed.root)) continue;
    const before = result.objects.length;
    collectObjects(parsed.root, input.path, origin, result.objects, 0);
    if (result.objects.length > maxObjectsPerFile) {
      result.objects.length = maxObjectsPerFile;
      result.problems.push({
        kind: 'too-large',
        message: `document ${chunk.index + 1} holds more than ${maxObjectsPerFile - before} objects; only the first ${maxObjectsPerFile} objects of the file were analysed`,
        span: { start: chunk.start, end: Math.min(chunk.end, chunk.start + 1) },
      });
    }
  }
  if (firstSkipped !== undefined) {
    result.problems.push({
      kind: 'too-large',
      message: `the file holds more than ${maxFileParsedBytes / 1024 / 1024} MiB (or ${maxObjectsPerFile} objects) of manifests of interest: ${skipped} document(s) from document ${firstSkipped.index + 1} on were not analysed`,
      span: { start: firstSkipped.start, end: Math.min(firstSkipped.end, firstSkipped.start + 1) },
    });
  }
  if (result.objects.length === 0 && result.problems.length === 0) result.text = '';
  return result;
}

/**
 * unreadFile stands for a path the IO layer did not read (a link it did not follow, a file over the size bound), with
 * the reason as its one problem; the core never touches the disk, it gets this fact and reports it.
 */
export function unreadFile(file: string, kind: FileProblem['kind'], message: string): ParsedFile {
  return {
    file: flat(file),
    text: '',
    objects: [],
    problems: [{ kind, message, span: { start: 0, end: 0 } }],
    documents: 0,
    parsedDocuments: 0,
  };
}

function notText(file: string, text: string, reason: string): ParsedFile {
  return {
    file,
    text,
    objects: [],
    problems: [{ kind: 'not-text', message: `${file} is not a text manifest: it ${reason}`, span: { start: 0, end: 0 } }],
    documents: 0,
    parsedDocuments: 0,
  };
}

/** collectObjects adds the object of interest `root` is, or the items of a `kind: List`, up to one past the cap. */
export function collectObjects(root: YMap, file: string, origin: Origin, out: K8sObject[], depth: number): void {
  const kind = stringValue(get(root, 'kind'));
  if (kind === undefined) return;
  if (kind.endsWith('List')) {
    const items = get(root, 'items');
    if (isSeq(items) && depth < 2) {
      for (const item of items.items) {
        if (out.length > maxObjectsPerFile) break; // one over the cap tells parseFile to report the rest
        if (isMap(item)) collectObjects(item, file, origin, out, depth + 1);
      }
    }
    return;
  }
  if (!isKindOfInterest(kind)) return;
  // A kind is identified by group and kind: a Volcano `batch.volcano.sh` Job or an OpenKruise `apps.kruise.io`
  // DaemonSet is a custom resource, not the built-in workload, and is not read as one.
  if (!isBuiltInGroup(kind, stringValue(get(root, 'apiVersion')))) return;
  out.push(toObject(root, kind, file, origin));
}

/** The API group each kind of interest belongs to (`extensions` for the removed extensions/v1beta1 workloads). */
const kindGroups: Readonly<Record<string, readonly string[]>> = {
  Pod: [''],
  Namespace: [''],
  Node: [''],
  LimitRange: [''],
  ResourceQuota: [''],
  ReplicationController: [''],
  PersistentVolume: [''],
  PersistentVolumeClaim: [''],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  DaemonSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
  PriorityClass: ['scheduling.k8s.io'],
  PodDisruptionBudget: ['policy'],
  PodMetrics: ['metrics.k8s.io'],
  RuntimeClass: ['node.k8s.io'],
  WorkloadPriorityClass: ['kueue.x-k8s.io'],
  ClusterQueue: ['kueue.x-k8s.io'],
  LocalQueue: ['kueue.x-k8s.io'],
  Cohort: ['kueue.x-k8s.io'],
  ResourceFlavor: ['kueue.x-k8s.io'],
};

/**
 * isBuiltInGroup: whether `apiVersion` names the group the engine reads `kind` from (built-in, or Kueue's for its kinds). A missing apiVersion is left to the
 * built-in reading (kubectl refuses such a manifest anyway, and the other findings still help); an unknown group is a
 * custom resource.
 */
export function isBuiltInGroup(kind: string, apiVersion: string | undefined): boolean {
  if (apiVersion === undefined || apiVersion === '') return true;
  const groups = kindGroups[kind];
  if (groups === undefined) return true;
  const slash = apiVersion.indexOf('/');
  return groups.includes(slash === -1 ? '' : apiVersion.slice(0, slash));
}

/** toObject reads identity, labels and annotations of one object. */
export function toObject(root: YMap, kind: string, file: string, origin: Origin): K8sObject {
  const reader = new FieldReader();
  const metadata = get(root, 'metadata');
  const name = reader.string(metadata, 'name', 'metadata.name');
  const namespaceField = reader.string(metadata, 'namespace', 'metadata.namespace');
  const clusterScoped = clusterScopedKinds.has(kind);
  const namespace = clusterScoped ? undefined : (namespaceField?.value ?? 'default');
  const objectName = name?.value ?? stringValue(get(metadata, 'generateName')) ?? '<unnamed>';
  const labels = reader.stringMap(metadata, 'labels');
  const annotations = reader.stringMap(metadata, 'annotations');
  const kindSpan = entry(root, 'kind')?.value.span ?? root.span;
  return {
    file,
    origin,
    kind,
    apiVersion: stringValue(get(root, 'apiVersion')) ?? '',
    name: objectName,
    namespace,
    id: namespace === undefined ? `${kind}/${objectName}` : `${kind}/${namespace}/${objectName}`,
    node: root,
    span: root.span,
    nameSpan: name?.span ?? kindSpan,
    labels,
    annotations,
    fieldProblems: reader.problems,
  };
}

export type { YNode };
