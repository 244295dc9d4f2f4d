// What the live side keeps of a Kueue Workload (kueue.x-k8s.io v1beta2, or v1beta1's field shapes): its job, queue,
// priority, the conditions Kueue writes when it evicts (Evicted, Preempted, Requeued, QuotaReserved, Admitted,
// Finished) and status.schedulingStats.evictions. A compact record (like PodRecord), and the Workload's evictions as
// event-like records so that they join the live rows and the history next to Kueue's own events, after the event TTL too.
import { capStrings } from './cap';
import { parseKueuePreemptionMessage, parsePodsReadyTimeout } from './kueue-messages';
import type { ApiObject, EventRecord } from './records';

export interface WorkloadCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface WorkloadEvictionCount {
  reason: string;
  underlyingCause?: string;
  count: number;
}

export interface WorkloadRecord {
  uid: string;
  namespace: string;
  name: string;
  /** The `kueue.x-k8s.io/job-uid` label: the UID of the job the Workload stands for. */
  jobUid?: string;
  /** The controlling owner (the Job). */
  owner?: { kind: string; name: string; uid?: string };
  queueName?: string;
  /** spec.priority: the Kueue priority Kueue resolved when it created the Workload. */
  priority?: number;
  /** The class it came from: v1beta2 spec.priorityClassRef.name, v1beta1 spec.priorityClassName. */
  priorityClassName?: string;
  /** v1beta2 priorityClassRef.kind (`WorkloadPriorityClass` or `PriorityClass`), v1beta1 priorityClassSource. */
  priorityClassSource?: string;
  /** status.admission.clusterQueue, while admitted. */
  clusterQueue?: string;
  conditions: WorkloadCondition[];
  evictions: WorkloadEvictionCount[];
  creationTime?: string;
  resourceVersion?: string;
  /** When the cache saw it deleted. */
  deletedAt?: string;
}

const keptConditions = new Set(['Evicted', 'Preempted', 'Requeued', 'QuotaReserved', 'Admitted', 'Finished', 'PodsReady']);

function obj(v: unknown): ApiObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as ApiObject) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The record of a Workload object as the apiserver returns it (either API version); undefined without a UID or name. */
export function workloadRecordFromObject(o: ApiObject): WorkloadRecord | undefined {
  const meta = obj(o['metadata']);
  const uid = str(meta?.['uid']);
  const name = str(meta?.['name']);
  if (uid === undefined || name === undefined) return undefined;
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const labels = obj(meta?.['labels']);
  const r: WorkloadRecord = { uid, name, namespace: str(meta?.['namespace']) ?? '', conditions: [], evictions: [] };
  const jobUid = str(labels?.['kueue.x-k8s.io/job-uid']);
  if (jobUid !== undefined) r.jobUid = jobUid;
  const owners = arr(meta?.['ownerReferences']).map(obj);
  const owner = owners.find((x) => x?.['controller'] === true) ?? owners[0];
  const ownerKind = str(owner?.['kind']);
  const ownerName = str(owner?.['name']);
  if (ownerKind !== undefined && ownerName !== undefined) {
    r.owner = { kind: ownerKind, name: ownerName };
    const ownerUid = str(owner?.['uid']);
    if (ownerUid !== undefined) r.owner.uid = ownerUid;
  }
  const queueName = str(spec?.['queueName']);
  if (queueName !== undefined) r.queueName = queueName;
  const priority = spec?.['priority'];
  if (typeof priority === 'number' && Number.isFinite(priority)) r.priority = priority;
  const ref = obj(spec?.['priorityClassRef']);
  const className = str(ref?.['name']) ?? str(spec?.['priorityClassName']);
  if (className !== undefined && className !== '') r.priorityClassName = className;
  const source = str(ref?.['kind']) ?? str(spec?.['priorityClassSource']);
  if (source !== undefined && source !== '') r.priorityClassSource = source;
  const cq = str(obj(status?.['admission'])?.['clusterQueue']);
  if (cq !== undefined) r.clusterQueue = cq;
  for (const c of arr(status?.['conditions']).map(obj)) {
    const type = str(c?.['type']);
    if (type === undefined || !keptConditions.has(type)) continue;
    const cond: WorkloadCondition = { type, status: str(c?.['status']) ?? '' };
    const reason = str(c?.['reason']);
    if (reason !== undefined) cond.reason = reason;
    const message = str(c?.['message']);
    if (message !== undefined) cond.message = message;
    const t = str(c?.['lastTransitionTime']);
    if (t !== undefined) cond.lastTransitionTime = t;
    r.conditions.push(cond);
  }
  for (const e of arr(obj(status?.['schedulingStats'])?.['evictions']).map(obj)) {
    const reason = str(e?.['reason']);
    const count = e?.['count'];
    if (reason === undefined || typeof count !== 'number') continue;
    const ev: WorkloadEvictionCount = { reason, count };
    const cause = str(e?.['underlyingCause']);
    if (cause !== undefined && cause !== '') ev.underlyingCause = cause;
    r.evictions.push(ev);
  }
  const created = str(meta?.['creationTimestamp']);
  if (created !== undefined) r.creationTime = created;
  const rv = str(meta?.['resourceVersion']);
  if (rv !== undefined) r.resourceVersion = rv;
  return capStrings(r);
}

export function workloadCondition(w: WorkloadRecord, type: string): WorkloadCondition | undefined {
  return w.conditions.find((c) => c.type === type);
}

/** Marks the event-like records made from Workload conditions (never a real event's controller name). */
export const workloadConditionController = 'kueue (Workload condition)';

/**
 * The Workload's eviction, as an event-like record, when its conditions show one now (`Evicted`/`Preempted` True) or
 * earlier (`Previously: …` after re-admission): reason `Preempted` with Kueue's message for a preemption, else the
 * `Evicted` condition's reason (`PodsReadyTimeout`, `AdmissionCheck`, `ClusterQueueStopped`, …). Its UID is stable
 * across the flip to "Previously:" (the preemptor Workload's UID names the preemption), so one eviction is one record.
 */
export function workloadEvictionRecord(w: WorkloadRecord, seenAt?: string): EventRecord | undefined {
  const preempted = workloadCondition(w, 'Preempted');
  const evicted = workloadCondition(w, 'Evicted');
  const regarding = { kind: 'Workload', namespace: w.namespace, name: w.name, uid: w.uid };
  const base = (c: WorkloadCondition) => ({
    time: c.lastTransitionTime ?? w.creationTime ?? '',
    regarding,
    ...(seenAt !== undefined ? { seenAt } : {}),
  });
  const parsed = parseKueuePreemptionMessage(preempted?.message);
  if (preempted !== undefined && parsed !== undefined) {
    const note = (preempted.message ?? '').replace(/^Previously: /, '');
    const r: EventRecord = {
      uid: `kueue-condition:${w.uid}:${parsed.preemptorWorkloadUid}`,
      reason: 'Preempted',
      note,
      // The note without "Previously: ": the flip on re-admission is the same preemption, not a change.
      resourceVersion: note,
      reportingController: workloadConditionController,
      ...base(preempted),
    };
    return r;
  }
  if (evicted === undefined || evicted.reason === undefined || evicted.reason === 'Preempted') return undefined;
  const message = evicted.message ?? '';
  const previously = message.startsWith('Previously: ');
  if (evicted.status !== 'True' && !previously) return undefined;
  const note = message.replace(/^Previously: /, '');
  const r: EventRecord = {
    uid: `kueue-condition:${w.uid}:${evicted.reason}`,
    reason: evicted.reason,
    note,
    resourceVersion: note,
    reportingController: workloadConditionController,
    ...base(evicted),
  };
  return r;
}

/** Reasons of the Evicted condition other than Preempted, in Kueue's words. */
export const kueueEvictionReasons: Readonly<Record<string, string>> = {
  PodsReadyTimeout: "its pods were not all ready within waitForPodsReady's timeout",
  AdmissionCheck: 'an admission check was rejected or needs a retry',
  ClusterQueueStopped: 'its ClusterQueue was stopped (stopPolicy)',
  LocalQueueStopped: 'its LocalQueue was stopped (stopPolicy)',
  NodeFailures: 'a node it ran on failed',
  Deactivated: 'it was deactivated (spec.active false)',
  DeactivatedDueToRequeuingLimitExceeded: 'it exceeded the maximum number of re-queuing retries',
};

/** The Workload named by a PodsReadyTimeout message, for the check that the message is Kueue's own. */
export function podsReadyTimeoutOf(note: string): { namespace: string; name: string } | undefined {
  return parsePodsReadyTimeout(note);
}

/** Kueue's preemption reasons in words: Kueue's own phrase (HumanReadablePreemptionReasons) and what it means. */
export const kueuePreemptionReasonText: Readonly<Record<string, string>> = {
  InClusterQueue:
    "prioritization in the ClusterQueue: a workload of the same ClusterQueue needed the quota, and the queue's withinClusterQueue policy let it preempt",
  InCohortReclamation:
    "reclamation within the cohort: another ClusterQueue of the cohort took back its nominal quota, which this workload's ClusterQueue was borrowing (reclaimWithinCohort)",
  InCohortReclaimWhileBorrowing:
    'reclamation within the cohort while borrowing: a higher-priority workload of another ClusterQueue preempted it while borrowing itself (borrowWithinCohort)',
  InCohortFairSharing:
    "Fair Sharing within the cohort: this workload's ClusterQueue used more than its fair share of the cohort (weighted share), so a queue below its share preempted",
};

/** Any reason of a Kueue row or report, in words. */
export function kueueReasonText(reason: string): string {
  return kueuePreemptionReasonText[reason] ?? kueueEvictionReasons[reason] ?? reason;
}

/**
 * `kueue:<Workload UID>:<preemptor Workload UID>` of a record about a Kueue preemption (Kueue's event or the Workload's
 * condition): one preemption, one key, whichever told it. Undefined for anything else.
 */
export function kueuePreemptionKey(e: EventRecord): string | undefined {
  if (e.regarding.kind !== 'Workload' || e.regarding.uid === undefined) return undefined;
  const m = parseKueuePreemptionMessage(e.note);
  return m === undefined ? undefined : `kueue:${e.regarding.uid}:${m.preemptorWorkloadUid}`;
}
