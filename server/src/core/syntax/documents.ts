// Splits a manifest file into YAML documents and classifies each one cheaply, before any full parse.
// Most bytes of a real repository (CRD schemas, dashboards, ConfigMaps) are irrelevant here; they are never parsed.

export interface DocumentChunk {
  /** 0-based index of the document in its file. */
  index: number;
  start: number;
  end: number;
  /** The top-level `kind`, when a cheap scan finds one. */
  kind: string | undefined;
  /** True when the chunk is a Helm/Go template rather than YAML; only looked for in chunks of a kind of interest (false otherwise). */
  template: boolean;
  /** True when the document is one flow mapping (`{...}`): line-based pruning must not touch it. */
  flow: boolean;
}

/** Kinds whose objects the engine reads. `*List` kinds are read for their items. */
export const kindsOfInterest: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'PriorityClass',
  'PodDisruptionBudget',
  'LimitRange',
  'ResourceQuota',
  'Namespace',
  'Node',
  'PodMetrics',
  // VolumeBinding: a bound claim's PersistentVolume node affinity (R-E.15).
  'PersistentVolumeClaim',
  'PersistentVolume',
  // RuntimeClass admission sets a pod's spec.overhead from overhead.podFixed (R-D.6).
  'RuntimeClass',
  // Kueue (kueue.x-k8s.io v1beta1 and v1beta2, R-Q.1): the queues a job names and the priorities Kueue gives it.
  'WorkloadPriorityClass',
  'ClusterQueue',
  'LocalQueue',
  'Cohort',
  'ResourceFlavor',
]);

export function isKindOfInterest(kind: string | undefined): boolean {
  return kind !== undefined && (kindsOfInterest.has(kind) || kind.endsWith('List'));
}

const separator = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
const topLevelKind = /^["']?kind["']?[ \t]*:[ \t]*["']?([A-Za-z][A-Za-z0-9]*)["']?[ \t]*(?:#.*)?\r?$/m;
const jsonKind = /"kind"\s*:\s*"([A-Za-z][A-Za-z0-9]*)"/g;
// A YAML document written as one flow mapping (`kubectl get -o json` saved as .yaml): `kind` is a flow key, quoted or not.
const flowKind = /[{,\s]["']?kind["']?\s*:\s*["']?([A-Za-z][A-Za-z0-9]*)/g;
const flowStart = /^(?:[ \t]*(?:#.*|%.*|---.*)?\r?\n)*[ \t]*\{/;
// Go-template actions as Helm writes them; a `{{` inside an ordinary string value does not make a template.
const templateAction =
  /\{\{-?\s*(?:\.|\$|-|include|if|else|end|range|with|define|template|toYaml|tpl|printf|default|quote|required|fail|\/\*)/;

/** splitDocuments finds document boundaries by `---`/`...` lines and the top-level kind of each document. */
export function splitDocuments(text: string, json: boolean): DocumentChunk[] {
  if (json) return [classifyJson(text)];
  const chunks: DocumentChunk[] = [];
  let start = 0;
  let index = 0;
  separator.lastIndex = 0;
  for (let match = separator.exec(text); match !== null; match = separator.exec(text)) {
    const at = match.index;
    if (match[0] === '...') {
      const lineEnd = text.indexOf('\n', at);
      const end = lineEnd === -1 ? text.length : lineEnd + 1;
      pushChunk(chunks, text, start, end, index++);
      start = end;
      separator.lastIndex = end;
      continue;
    }
    if (hasContent(text, start, at)) pushChunk(chunks, text, start, at, index++);
    start = at;
    separator.lastIndex = at + 3;
  }
  if (hasContent(text, start, text.length)) pushChunk(chunks, text, start, text.length, index++);
  return chunks;
}

function pushChunk(chunks: DocumentChunk[], text: string, start: number, end: number, index: number): void {
  const body = text.slice(start, end);
  const blockKind = topLevelKind.exec(body)?.[1];
  const flow = blockKind === undefined && flowStart.test(body);
  const kind = blockKind ?? (flow ? scanKind(body, flowKind) : undefined);
  // Most bytes of a repository are in documents of other kinds: never scan those for template actions.
  chunks.push({ index, start, end, kind, template: isKindOfInterest(kind) && templateAction.test(body), flow });
}

/** hasContent is true when the range holds anything but blank lines, comments, directives and a bare `---`. */
function hasContent(text: string, start: number, end: number): boolean {
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    const line = text.slice(lineStart, lineEnd).trim();
    if (line !== '' && !line.startsWith('#') && !line.startsWith('%') && line !== '---' && !/^---\s+#/.test(line)) return true;
    lineStart = lineEnd + 1;
  }
  return false;
}

function classifyJson(text: string): DocumentChunk {
  const kind = scanKind(text, jsonKind);
  return { index: 0, start: 0, end: text.length, kind, template: isKindOfInterest(kind) && templateAction.test(text), flow: true };
}

/** scanKind: the first `kind` of interest anywhere (a List's items carry theirs), else the first kind at all. */
function scanKind(text: string, pattern: RegExp): string | undefined {
  let kind: string | undefined;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const found = match[1];
    if (isKindOfInterest(found)) return found;
    kind ??= found;
  }
  return kind;
}
