// Records the cluster layer keeps (UID cache, event history) and their construction from raw API objects (plain JSON).
// Pure: the objects come from the API server (or a test's hand-written JSON), never from here.
import { qosClassOf } from '../semantics/qos';
import type { QosClass } from '../semantics/qos';
import { parseQuantity } from '../quantity';
import { canonicalQuantity, formatOf } from '../predict/quantity-text';
import { capStrings } from './cap';

/** A loosely typed API object as JSON. */
export type ApiObject = Record<string, unknown>;

export interface OwnerLink {
  kind: string;
  name: string;
  uid?: string;
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ContainerTermination {
  container: string;
  reason?: string;
  exitCode?: number;
  finishedAt?: string;
  /** lastState (a previous restart) rather than the current state. */
  previous?: boolean;
}

/** UID cache record: what is known about a pod, kept after it was deleted. */
export interface PodRecord {
  uid: string;
  name: string;
  namespace: string;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  qosClass?: QosClass;
  /** Owner chain, nearest first: `[ReplicaSet, Deployment]` (Deployment inferred from the ReplicaSet name), `[Job]`, `[Job, CronJob]`. */
  owners: OwnerLink[];
  node?: string;
  nominatedNode?: string;
  schedulerName?: string;
  startTime?: string;
  creationTime?: string;
  deletionTime?: string;
  /** When the cache saw the DELETED watch event. */
  deletedAt?: string;
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: PodCondition[];
  terminations?: ContainerTermination[];
  labels?: Record<string, string>;
  /**
   * Effective pod requests (R-D.3: max(Σ containers + restartable init containers, each init container) + overhead,
   * or the pod-level requests), as canonical quantities. What the scheduler counted on the node; used to rebuild the
   * node as it was when a preemption happened.
   */
  requests?: Record<string, string>;
  /** Last update seen (ISO). */
  seenAt?: string;
  resourceVersion?: string;
}

/** One event (core/v1 or events.k8s.io/v1) reduced to what explanations need; also the history record. */
export interface EventRecord {
  uid: string;
  resourceVersion?: string;
  reason: string;
  type?: string;
  note: string;
  /** Best known time of the (last) occurrence, ISO. */
  time: string;
  firstTime?: string;
  count?: number;
  regarding: { kind: string; namespace: string; name: string; uid?: string };
  related?: { kind: string; namespace: string; name: string; uid?: string };
  reportingController?: string;
  /** Node from the event source / reporting instance, when given. */
  host?: string;
  /** When this process first saw the event (ISO), for measuring delays. */
  seenAt?: string;
  /**
   * UIDs of other events folded into this record: the scheduler reported the same preemption (victim and preemptor)
   * again, e.g. retrying across an apiserver restart. One preemption, one record; `count` counts the reports.
   */
  mergedUids?: string[];
}

export const watchedEventReasons: readonly string[] = [
  'Preempted',
  'Evicted',
  'FailedScheduling',
  'Killing',
  'BackoffLimitExceeded',
  'PodFailurePolicy',
  'OOMKilling',
  'TaintManagerEviction',
  'Preempting',
];

function obj(value: unknown): ApiObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ApiObject) : undefined;
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : undefined;
}
function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function field(o: unknown, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) {
    const m = obj(cur);
    if (m === undefined) return undefined;
    cur = m[p];
  }
  return cur;
}
export const asString = (o: unknown, ...path: string[]): string | undefined => str(field(o, ...path));
export const asNumber = (o: unknown, ...path: string[]): number | undefined => num(field(o, ...path));

/** Deployment name from a ReplicaSet name `<deployment>-<pod-template-hash>` when the pod's hash label agrees. */
export function deploymentOfReplicaSet(rsName: string, podTemplateHash: string | undefined): string | undefined {
  if (podTemplateHash !== undefined && podTemplateHash !== '') {
    return rsName.endsWith(`-${podTemplateHash}`) ? rsName.slice(0, -podTemplateHash.length - 1) : undefined;
  }
  const m = /^(.+)-[a-z0-9]{5,10}$/.exec(rsName);
  return m === null ? undefined : m[1];
}

/** CronJob name from a Job name `<cronjob>-<unix minutes>`. */
function cronJobOfJob(labels: Record<string, string>): string | undefined {
  if (labels['batch.kubernetes.io/cronjob-name'] !== undefined) return labels['batch.kubernetes.io/cronjob-name'];
  return undefined;
}

export function ownerChain(pod: ApiObject): OwnerLink[] {
  const labels = (obj(field(pod, 'metadata', 'labels')) ?? {}) as Record<string, string>;
  const refs = arr(field(pod, 'metadata', 'ownerReferences'))
    .map(obj)
    .filter((r): r is ApiObject => r !== undefined);
  const controller = refs.find((r) => r['controller'] === true) ?? refs[0];
  if (controller === undefined) return [];
  const link: OwnerLink = { kind: str(controller['kind']) ?? '', name: str(controller['name']) ?? '' };
  const uid = str(controller['uid']);
  if (uid !== undefined) link.uid = uid;
  const chain = [link];
  if (link.kind === 'ReplicaSet') {
    const deployment = deploymentOfReplicaSet(link.name, labels['pod-template-hash']);
    if (deployment !== undefined) chain.push({ kind: 'Deployment', name: deployment });
  } else if (link.kind === 'Job') {
    const cron = cronJobOfJob(labels);
    if (cron !== undefined) chain.push({ kind: 'CronJob', name: cron });
  }
  return chain;
}

/** The workload that users edit: the top of the owner chain, or the pod itself. */
export function topOwner(record: Pick<PodRecord, 'owners' | 'name'>): OwnerLink {
  return record.owners[record.owners.length - 1] ?? { kind: 'Pod', name: record.name };
}

export function formatOwner(owners: readonly OwnerLink[]): string | undefined {
  const top = owners[owners.length - 1];
  return top === undefined ? undefined : `${top.kind}/${top.name}`;
}

export function podRecordFromObject(pod: ApiObject, seenAt?: string): PodRecord | undefined {
  const uid = asString(pod, 'metadata', 'uid');
  const name = asString(pod, 'metadata', 'name');
  if (uid === undefined || name === undefined) return undefined;
  const r: PodRecord = { uid, name, namespace: asString(pod, 'metadata', 'namespace') ?? 'default', owners: ownerChain(pod) };
  const set = <K extends keyof PodRecord>(k: K, v: PodRecord[K] | undefined) => {
    if (v !== undefined) r[k] = v;
  };
  set('priority', asNumber(pod, 'spec', 'priority'));
  set('priorityClassName', asString(pod, 'spec', 'priorityClassName'));
  set('preemptionPolicy', asString(pod, 'spec', 'preemptionPolicy'));
  // A pod read from the cluster carries its QoS class in status (R-C.1).
  set('qosClass', qosClassOf(asString(pod, 'status', 'qosClass')));
  set('node', asString(pod, 'spec', 'nodeName'));
  set('nominatedNode', asString(pod, 'status', 'nominatedNodeName'));
  set('schedulerName', asString(pod, 'spec', 'schedulerName'));
  set('startTime', asString(pod, 'status', 'startTime'));
  set('creationTime', asString(pod, 'metadata', 'creationTimestamp'));
  set('deletionTime', asString(pod, 'metadata', 'deletionTimestamp'));
  set('phase', asString(pod, 'status', 'phase'));
  set('reason', asString(pod, 'status', 'reason'));
  set('message', asString(pod, 'status', 'message'));
  set('resourceVersion', asString(pod, 'metadata', 'resourceVersion'));
  set('seenAt', seenAt);
  const labels = obj(field(pod, 'metadata', 'labels'));
  if (labels !== undefined)
    r.labels = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const requests = effectivePodRequests(pod);
  if (requests !== undefined) r.requests = requests;
  const conditions = arr(field(pod, 'status', 'conditions'))
    .map(obj)
    .filter((c): c is ApiObject => c !== undefined)
    .map((c) => {
      const out: PodCondition = { type: str(c['type']) ?? '', status: str(c['status']) ?? '' };
      const reason = str(c['reason']);
      const message = str(c['message']);
      const time = str(c['lastTransitionTime']);
      if (reason !== undefined) out.reason = reason;
      if (message !== undefined) out.message = message;
      if (time !== undefined) out.lastTransitionTime = time;
      return out;
    });
  if (conditions.length > 0) r.conditions = conditions;
  const terminations: ContainerTermination[] = [];
  for (const key of ['initContainerStatuses', 'containerStatuses']) {
    for (const cs of arr(field(pod, 'status', key))) {
      for (const [stateKey, previous] of [
        ['state', false],
        ['lastState', true],
      ] as const) {
        const t = obj(field(cs, stateKey, 'terminated'));
        if (t === undefined) continue;
        const term: ContainerTermination = { container: asString(cs, 'name') ?? '' };
        const reason = str(t['reason']);
        const exitCode = num(t['exitCode']);
        const finishedAt = str(t['finishedAt']);
        if (reason !== undefined) term.reason = reason;
        if (exitCode !== undefined) term.exitCode = exitCode;
        if (finishedAt !== undefined) term.finishedAt = finishedAt;
        if (previous) term.previous = true;
        terminations.push(term);
      }
    }
  }
  if (terminations.length > 0) r.terminations = terminations;
  // status.message and condition messages are free text: bounded like event notes (cap.ts).
  return capStrings(r);
}

function requestsOf(container: unknown): Map<string, { milli: number; text: string }> {
  const out = new Map<string, { milli: number; text: string }>();
  const req = obj(field(container, 'resources', 'requests'));
  for (const [k, v] of Object.entries(req ?? {})) {
    const text = typeof v === 'number' ? String(v) : str(v);
    const milli = text === undefined ? undefined : parseQuantity(text);
    if (text !== undefined && milli !== undefined) out.set(k, { milli, text });
  }
  return out;
}

/**
 * Effective requests of a pod object as the scheduler computes them (R-D.3): the sum over app containers and
 * restartable (sidecar) init containers, at least each regular init container's requests plus the sidecars started
 * before it, plus spec.overhead; pod-level spec.resources.requests replace the container sum for the resources they set.
 */
export function effectivePodRequests(pod: ApiObject): Record<string, string> | undefined {
  const total = new Map<string, { milli: number; text: string }>();
  const add = (into: Map<string, { milli: number; text: string }>, from: Map<string, { milli: number; text: string }>) => {
    for (const [k, v] of from) {
      const cur = into.get(k);
      into.set(k, { milli: (cur?.milli ?? 0) + v.milli, text: cur?.text ?? v.text });
    }
  };
  for (const c of arr(field(pod, 'spec', 'containers'))) add(total, requestsOf(c));
  const sidecars = new Map<string, { milli: number; text: string }>();
  const initMax = new Map<string, { milli: number; text: string }>();
  for (const c of arr(field(pod, 'spec', 'initContainers'))) {
    const r = requestsOf(c);
    if (asString(c, 'restartPolicy') === 'Always') {
      add(sidecars, r);
      add(total, r);
      continue;
    }
    const withSidecars = new Map(sidecars);
    add(withSidecars, r);
    for (const [k, v] of withSidecars) if ((initMax.get(k)?.milli ?? -1) < v.milli) initMax.set(k, v);
  }
  for (const [k, v] of initMax) if ((total.get(k)?.milli ?? -1) < v.milli) total.set(k, v);
  for (const [k, v] of requestsOf({ resources: { requests: field(pod, 'spec', 'resources', 'requests') } })) total.set(k, v);
  add(total, requestsOf({ resources: { requests: field(pod, 'spec', 'overhead') } }));
  if (total.size === 0) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of [...total.entries()].sort((a, b) => a[0].localeCompare(b[0]))) out[k] = canonicalQuantity(v.milli, formatOf(v.text));
  return out;
}

/** A workload to match cluster pods against: `Kind/namespace/name` and its pod template labels. */
export interface WorkloadMatch {
  kind: string;
  namespace: string;
  name: string;
  podLabels?: Record<string, string>;
}

/**
 * Pods (UID cache records) that belong to a workload: by owner chain (Job, ReplicaSet→Deployment, CronJob, …, or the
 * Pod itself); only when none matches that way, by the pod template's labels (all of them, same namespace).
 */
export function podsOfWorkload(pods: readonly PodRecord[], w: WorkloadMatch): PodRecord[] {
  const byOwner = pods.filter(
    (p) =>
      p.namespace === w.namespace &&
      (p.owners.some((o) => o.kind === w.kind && o.name === w.name) || (w.kind === 'Pod' && p.name === w.name)),
  );
  if (byOwner.length > 0) return byOwner;
  const labels = Object.entries(w.podLabels ?? {});
  if (labels.length === 0) return [];
  return pods.filter((p) => p.namespace === w.namespace && labels.every(([k, v]) => p.labels?.[k] === v));
}

/** Merges a newer observation into an older record: fields the newer one lacks (e.g. after deletion) are kept. */
export function mergePodRecord(older: PodRecord | undefined, newer: PodRecord): PodRecord {
  if (older === undefined) return newer;
  return { ...older, ...newer, owners: newer.owners.length > 0 ? newer.owners : older.owners };
}

function objectRef(o: unknown): EventRecord['regarding'] | undefined {
  const m = obj(o);
  if (m === undefined) return undefined;
  const name = str(m['name']);
  if (name === undefined) return undefined;
  const ref: EventRecord['regarding'] = { kind: str(m['kind']) ?? '', namespace: str(m['namespace']) ?? '', name };
  const uid = str(m['uid']);
  if (uid !== undefined) ref.uid = uid;
  return ref;
}

/** core/v1 Event (involvedObject, message, lastTimestamp) or events.k8s.io/v1 Event (regarding, note, eventTime). */
export function eventRecordFromObject(ev: ApiObject, seenAt?: string): EventRecord | undefined {
  const uid = asString(ev, 'metadata', 'uid');
  const reason = str(ev['reason']);
  const regarding = objectRef(ev['regarding']) ?? objectRef(ev['involvedObject']);
  if (uid === undefined || reason === undefined || regarding === undefined) return undefined;
  if (regarding.namespace === '') regarding.namespace = asString(ev, 'metadata', 'namespace') ?? '';
  const series = obj(ev['series']);
  const time =
    str(series?.['lastObservedTime']) ??
    str(ev['lastTimestamp']) ??
    str(ev['deprecatedLastTimestamp']) ??
    str(ev['eventTime']) ??
    str(ev['firstTimestamp']) ??
    str(ev['deprecatedFirstTimestamp']) ??
    asString(ev, 'metadata', 'creationTimestamp') ??
    '';
  const r: EventRecord = { uid, reason, note: str(ev['note']) ?? str(ev['message']) ?? '', time, regarding };
  const rv = asString(ev, 'metadata', 'resourceVersion');
  if (rv !== undefined) r.resourceVersion = rv;
  const type = str(ev['type']);
  if (type !== undefined) r.type = type;
  const first = str(ev['firstTimestamp']) ?? str(ev['deprecatedFirstTimestamp']) ?? str(ev['eventTime']);
  if (first !== undefined) r.firstTime = first;
  const count = num(series?.['count']) ?? num(ev['count']) ?? num(ev['deprecatedCount']);
  if (count !== undefined) r.count = count;
  const related = objectRef(ev['related']);
  if (related !== undefined) r.related = related;
  const controller =
    str(ev['reportingController']) ??
    str(ev['reportingComponent']) ??
    asString(ev, 'source', 'component') ??
    asString(ev, 'deprecatedSource', 'component');
  if (controller !== undefined && controller !== '') r.reportingController = controller;
  const host = asString(ev, 'source', 'host') ?? asString(ev, 'deprecatedSource', 'host');
  if (host !== undefined && host !== '') r.host = host;
  if (seenAt !== undefined) r.seenAt = seenAt;
  // The note is whatever the event's creator wrote: at most maxTextBytes of it is kept (cap.ts).
  return capStrings(r);
}
