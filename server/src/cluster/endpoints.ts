// The read endpoints of the Kubernetes API this project uses, and nothing else: ApiClient sends a request only for a
// path built here (GET; watch for events and pods), so a write, exec, attach, port-forward, log or secret read cannot
// be expressed. Names are validated as Kubernetes validates them, so no `..`, `%2e` or `/` can change the path.

declare const readPathBrand: unique symbol;
/** A path of an allow-listed read endpoint (no query); only the builders below make one. */
export type ReadPath = string & { readonly [readPathBrand]: true };

/** A path outside the allow-list reached ApiClient: a programming error, never sent. */
export class NotAReadEndpointError extends Error {
  constructor(what: string) {
    super(`not an allow-listed read endpoint of Kube Priority Lens: ${what}`);
    this.name = 'NotAReadEndpointError';
  }
}

interface Resource {
  /** Path segments of the API group version: ['api', 'v1'] or ['apis', group, version]. */
  groupVersion: readonly string[];
  plural: string;
  namespaced: boolean;
  /** Listable across all namespaces (namespaced resources) or at all (cluster-scoped ones). */
  list: boolean;
  /** A single object can be read by name (namespaced only). */
  get: boolean;
  /** Can be watched (collections only). */
  watch: boolean;
}

const core = ['api', 'v1'] as const;
export const KUEUE_GROUP = 'kueue.x-k8s.io';
const kueueV1beta2 = ['apis', KUEUE_GROUP, 'v1beta2'] as const;
const kueueV1beta1 = ['apis', KUEUE_GROUP, 'v1beta1'] as const;
/** Every resource the project reads, and how. Adding a row here is the only way to read something new. */
const resources = {
  events: { groupVersion: core, plural: 'events', namespaced: true, list: true, get: false, watch: true },
  pods: { groupVersion: core, plural: 'pods', namespaced: true, list: true, get: true, watch: true },
  nodes: { groupVersion: core, plural: 'nodes', namespaced: false, list: true, get: false, watch: false },
  limitranges: { groupVersion: core, plural: 'limitranges', namespaced: true, list: true, get: false, watch: false },
  priorityclasses: {
    groupVersion: ['apis', 'scheduling.k8s.io', 'v1'],
    plural: 'priorityclasses',
    namespaced: false,
    list: true,
    get: false,
    watch: false,
  },
  poddisruptionbudgets: {
    groupVersion: ['apis', 'policy', 'v1'],
    plural: 'poddisruptionbudgets',
    namespaced: true,
    list: true,
    get: false,
    watch: false,
  },
  jobs: { groupVersion: ['apis', 'batch', 'v1'], plural: 'jobs', namespaced: true, list: false, get: true, watch: false },
  // Diagnose Pod of a pod deleted before the extension started: the ReplicaSet that created it, read by name.
  replicasets: { groupVersion: ['apis', 'apps', 'v1'], plural: 'replicasets', namespaced: true, list: false, get: true, watch: false },
  // Kueue (only when discovery lists the group kueue.x-k8s.io): Workloads watched for the live rows and Diagnose,
  // queues and WorkloadPriorityClasses listed for Diagnose. v1beta2 (storage since v0.16), v1beta1 when only it is served.
  workloads: { groupVersion: kueueV1beta2, plural: 'workloads', namespaced: true, list: true, get: false, watch: true },
  workloadsV1beta1: { groupVersion: kueueV1beta1, plural: 'workloads', namespaced: true, list: true, get: false, watch: true },
  clusterqueues: { groupVersion: kueueV1beta2, plural: 'clusterqueues', namespaced: false, list: true, get: false, watch: false },
  clusterqueuesV1beta1: { groupVersion: kueueV1beta1, plural: 'clusterqueues', namespaced: false, list: true, get: false, watch: false },
  localqueues: { groupVersion: kueueV1beta2, plural: 'localqueues', namespaced: true, list: true, get: false, watch: false },
  localqueuesV1beta1: { groupVersion: kueueV1beta1, plural: 'localqueues', namespaced: true, list: true, get: false, watch: false },
  workloadpriorityclasses: {
    groupVersion: kueueV1beta2,
    plural: 'workloadpriorityclasses',
    namespaced: false,
    list: true,
    get: false,
    watch: false,
  },
  workloadpriorityclassesV1beta1: {
    groupVersion: kueueV1beta1,
    plural: 'workloadpriorityclasses',
    namespaced: false,
    list: true,
    get: false,
    watch: false,
  },
  podmetrics: {
    groupVersion: ['apis', 'metrics.k8s.io', 'v1beta1'],
    plural: 'pods',
    namespaced: true,
    list: true,
    get: false,
    watch: false,
  },
} as const satisfies Record<string, Resource>;

export type ResourceName = keyof typeof resources;
export type ListableResource = { [K in ResourceName]: (typeof resources)[K]['list'] extends true ? K : never }[ResourceName];
export type NamespacedListableResource = {
  [K in ListableResource]: (typeof resources)[K]['namespaced'] extends true ? K : never;
}[ListableResource];
export type GettableResource = { [K in ResourceName]: (typeof resources)[K]['get'] extends true ? K : never }[ResourceName];

const isAlphanumeric = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

/** DNS-1123 label (namespaces): 1-63 of a-z, 0-9 and '-', starting and ending alphanumeric. No regular expression: linear. */
export function isNamespaceName(s: string): boolean {
  if (s.length === 0 || s.length > 63) return false;
  for (const c of s) if (!isAlphanumeric(c) && c !== '-') return false;
  return isAlphanumeric(s[0] ?? '') && isAlphanumeric(s[s.length - 1] ?? '');
}

/** DNS-1123 subdomain (pod and Job names): at most 253 characters, dot-separated labels of a-z, 0-9 and '-'. */
export function isObjectName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  for (const label of s.split('.')) {
    if (label.length === 0) return false;
    for (const c of label) if (!isAlphanumeric(c) && c !== '-') return false;
    if (!isAlphanumeric(label[0] ?? '') || !isAlphanumeric(label[label.length - 1] ?? '')) return false;
  }
  return true;
}

const asPath = (segments: readonly string[]): ReadPath => `/${segments.join('/')}` as ReadPath;

/** Builders of every path the project reads. They throw RangeError for a name Kubernetes would not accept. */
export const readPaths = {
  /** GET /version (reachability probe). */
  version(): ReadPath {
    return asPath(['version']);
  },
  /** GET /apis/kueue.x-k8s.io: API discovery of Kueue's group (404 without Kueue: nothing else of Kueue is read). */
  kueueGroup(): ReadPath {
    return asPath(['apis', KUEUE_GROUP]);
  },
  /** A collection: cluster-wide (no namespace) or in one namespace. */
  list(resource: ListableResource, namespace?: string): ReadPath {
    const r: Resource = resources[resource];
    if (namespace === undefined) return asPath([...r.groupVersion, r.plural]);
    if (!r.namespaced) throw new RangeError(`${resource} are cluster-scoped`);
    if (!isNamespaceName(namespace)) throw new RangeError(`not a namespace name: ${JSON.stringify(namespace.slice(0, 80))}`);
    return asPath([...r.groupVersion, 'namespaces', namespace, r.plural]);
  },
  /** One object by namespace and name. */
  object(resource: GettableResource, namespace: string, name: string): ReadPath {
    const r: Resource = resources[resource];
    if (!isNamespaceName(namespace)) throw new RangeError(`not a namespace name: ${JSON.stringify(namespace.slice(0, 80))}`);
    if (!isObjectName(name)) throw new RangeError(`not an object name: ${JSON.stringify(name.slice(0, 80))}`);
    return asPath([...r.groupVersion, 'namespaces', namespace, r.plural, name]);
  },
};

export type ReadVerb = 'get' | 'watch';

/** What an allow-listed path reads, or undefined when the path is not one (exact segment match, no normalisation). */
export function matchReadPath(path: string, verb: ReadVerb): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const segments = path.slice(1).split('/');
  if (verb === 'get' && segments.length === 1 && segments[0] === 'version') return 'version';
  if (verb === 'get' && segments.length === 2 && segments[0] === 'apis' && segments[1] === KUEUE_GROUP) return 'kueue API group';
  for (const [id, r] of Object.entries(resources) as [ResourceName, Resource][]) {
    const gv = r.groupVersion;
    if (segments.length < gv.length + 1 || gv.some((g, i) => segments[i] !== g)) continue;
    const rest = segments.slice(gv.length);
    const collectionOk = verb === 'watch' ? r.watch : r.list;
    // /<gv>/<plural>: cluster-wide list or watch
    if (rest.length === 1 && rest[0] === r.plural && collectionOk) return `${id} (cluster-wide)`;
    if (!r.namespaced || rest[0] !== 'namespaces' || !isNamespaceName(rest[1] ?? '') || rest[2] !== r.plural) continue;
    // /<gv>/namespaces/<ns>/<plural>: list or watch in one namespace
    if (rest.length === 3 && collectionOk) return `${id} in ${rest[1] ?? ''}`;
    // /<gv>/namespaces/<ns>/<plural>/<name>: get one object (no subresource: nothing follows the name)
    if (rest.length === 4 && verb === 'get' && r.get && isObjectName(rest[3] ?? '')) return `${id} ${rest[1] ?? ''}/${rest[3] ?? ''}`;
  }
  return undefined;
}

/** Query parameters each verb may carry (the watch adds `watch=true` itself). */
const allowedQuery: Record<ReadVerb, ReadonlySet<string>> = {
  get: new Set(['limit', 'continue', 'fieldSelector']),
  watch: new Set(['resourceVersion', 'allowWatchBookmarks', 'timeoutSeconds', 'fieldSelector']),
};

/**
 * The field selectors the project sends, all on events: one reason (`reason=Preempted`: the live streams, so the
 * apiserver filters the storm of Scheduled/Pulled/Created events out before they are serialised; `reason=SuccessfulCreate`:
 * Diagnose's controller events), and one pod's events in one namespace (Diagnose Pod of a pod deleted before the
 * extension started). A selector only filters what the same list would return anyway.
 */
export function eventReasonSelector(reason: string): string {
  if (!isReason(reason)) throw new RangeError(`not an event reason: ${JSON.stringify(reason.slice(0, 80))}`);
  return `reason=${reason}`;
}

/** `involvedObject.kind=Pod,involvedObject.name=<name>` for one pod's events; names are validated first (no `,` or `=`). */
export function eventFieldSelector(kind: 'Pod', name: string): string;
export function eventFieldSelector(reason: 'SuccessfulCreate'): string;
export function eventFieldSelector(what: 'Pod' | 'SuccessfulCreate', name?: string): string {
  if (what === 'SuccessfulCreate') return eventReasonSelector('SuccessfulCreate');
  if (name === undefined || !isObjectName(name)) throw new RangeError(`not an object name: ${JSON.stringify((name ?? '').slice(0, 80))}`);
  return `${podEventsPrefix}${name}`;
}

const podEventsPrefix = 'involvedObject.kind=Pod,involvedObject.name=';

function isReason(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  for (const c of s) if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

/** A field selector this project may send for `what` (the matched endpoint, e.g. `events in ns`) and `verb`. */
function allowedFieldSelector(what: string, verb: ReadVerb, selector: unknown): boolean {
  if (!what.startsWith('events ') || typeof selector !== 'string') return false;
  if (selector.startsWith('reason=')) return isReason(selector.slice('reason='.length));
  // One pod's events: a one-off list in one namespace, never a watch.
  return (
    verb === 'get' && what.includes(' in ') && selector.startsWith(podEventsPrefix) && isObjectName(selector.slice(podEventsPrefix.length))
  );
}

/**
 * Throws NotAReadEndpointError unless `path` is allow-listed for `verb` and the query uses only known parameters. A
 * `fieldSelector` is checked by value (pass the query as a record): see allowedFieldSelector.
 */
export function assertReadPath(path: string, verb: ReadVerb, query: Iterable<string> | Readonly<Record<string, unknown>> = []): void {
  const what = matchReadPath(path, verb);
  if (what === undefined) throw new NotAReadEndpointError(`${verb} ${JSON.stringify(path.slice(0, 200))}`);
  const record = isIterable(query) ? undefined : query;
  const keys = record !== undefined ? Object.keys(record) : [...(query as Iterable<string>)];
  for (const key of keys)
    if (!allowedQuery[verb].has(key))
      throw new NotAReadEndpointError(`${verb} ${path} with query parameter ${JSON.stringify(key.slice(0, 80))}`);
  if (!keys.includes('fieldSelector')) return;
  const selector = record?.['fieldSelector'];
  if (!allowedFieldSelector(what, verb, selector))
    throw new NotAReadEndpointError(
      `${verb} ${path} with fieldSelector ${typeof selector === 'string' ? JSON.stringify(selector.slice(0, 80)) : '(no value)'}`,
    );
}

function isIterable(q: Iterable<string> | Readonly<Record<string, unknown>>): q is Iterable<string> {
  return typeof (q as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
