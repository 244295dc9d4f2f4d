// View-model rows of the Live Preemptions & Evictions view, from event records and the UID cache.
import { formatOwner, parsePreemptedNote } from '../core/index';
import type { EventRecord, PodRecord } from '../core/index';
import type { LiveEventRow, LiveEventType } from '../protocol/index';
import { isKueueRecord, kueueRow } from './kueue-rows';
import type { WorkloadLookup } from './kueue-rows';

const typeOf: Record<string, LiveEventType> = {
  Preempted: 'preemption',
  Preempting: 'preemption',
  Evicted: 'eviction',
  TaintManagerEviction: 'eviction',
  BackoffLimitExceeded: 'failure',
  PodFailurePolicy: 'failure',
  OOMKilling: 'failure',
};

export interface PodLookup extends WorkloadLookup {
  byUid(uid: string): PodRecord | undefined;
  byName(namespace: string, name: string): PodRecord | undefined;
}

export function liveEventRow(e: EventRecord, pods: PodLookup): LiveEventRow {
  // Kueue's records (about a Workload) are Kueue evictions, never pod preemptions, whatever their reason.
  if (isKueueRecord(e)) return kueueRow(e, pods);
  const victim =
    (e.regarding.uid !== undefined ? pods.byUid(e.regarding.uid) : undefined) ??
    (e.regarding.kind === 'Pod' ? pods.byName(e.regarding.namespace, e.regarding.name) : undefined);
  const row: LiveEventRow = {
    id: e.uid,
    time: e.time,
    reason: e.reason,
    type: typeOf[e.reason] ?? 'other',
    message: e.note,
    namespace: e.regarding.namespace,
    victim: { name: e.regarding.kind === 'Pod' || e.regarding.kind === '' ? e.regarding.name : `${e.regarding.kind}/${e.regarding.name}` },
  };
  if (e.regarding.uid !== undefined) row.victim.uid = e.regarding.uid;
  if (victim !== undefined) {
    if (victim.priority !== undefined) row.victim.priority = victim.priority;
    if (victim.priorityClassName !== undefined) row.victim.priorityClassName = victim.priorityClassName;
    if (victim.qosClass !== undefined) row.victim.qosClass = victim.qosClass;
    const owner = formatOwner(victim.owners);
    if (owner !== undefined) row.victim.owner = owner;
  }
  const node = victim?.node ?? e.host;
  if (node !== undefined) row.node = node;
  if (e.reason === 'Preempted') {
    const note = parsePreemptedNote(e.note);
    if (note !== undefined) row.node = note.node;
    const uid = note?.preemptorUid ?? e.related?.uid;
    const pre =
      (uid !== undefined ? pods.byUid(uid) : undefined) ??
      (note?.preemptorRef !== undefined ? pods.byName(note.preemptorRef.namespace, note.preemptorRef.name) : undefined) ??
      (e.related !== undefined ? pods.byName(e.related.namespace, e.related.name) : undefined);
    if (pre !== undefined) {
      row.preemptor = { uid: pre.uid, name: pre.name, namespace: pre.namespace, resolved: true };
      if (pre.priority !== undefined) row.preemptor.priority = pre.priority;
      if (pre.priorityClassName !== undefined) row.preemptor.priorityClassName = pre.priorityClassName;
      const owner = formatOwner(pre.owners);
      if (owner !== undefined) row.preemptor.owner = owner;
      if (pre.priority !== undefined && row.victim.priority !== undefined) row.priorityGap = pre.priority - row.victim.priority;
    } else if (e.related !== undefined) {
      row.preemptor = { uid: e.related.uid ?? uid ?? '', name: e.related.name, namespace: e.related.namespace, resolved: true };
    } else if (note?.preemptorRef !== undefined) {
      row.preemptor = { uid: '', name: note.preemptorRef.name, namespace: note.preemptorRef.namespace, resolved: true };
    } else {
      // "unknown (gone before seen)" with the UID: the view shows the UID.
      row.preemptor = { uid: uid ?? '', resolved: false };
    }
  }
  return row;
}
