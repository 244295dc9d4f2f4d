// Rows of Kueue evictions in the live view: Kueue's `Preempted` events on Workloads (component kueue-admission) and
// the Workloads' own Evicted/Preempted conditions, never read as pod preemptions. Victim = the evicted Workload's Job,
// preemptor = the preempting Workload's Job (the JobUID in Kueue's message), priorities = Kueue priorities.
import { kueuePreemptionKey, kueueReasonText, parseKueuePreemptionMessage, workloadConditionController } from '../core/index';
import type { EventRecord, WorkloadRecord } from '../core/index';
import type { LiveEventRow, LiveKueueInfo } from '../protocol/index';

export interface WorkloadLookup {
  workloadByUid?(uid: string): WorkloadRecord | undefined;
  workloadByJobUid?(jobUid: string): WorkloadRecord | undefined;
}

/** Records about a Workload are Kueue's (its events and the condition records of kueue-live.ts). */
export function isKueueRecord(e: EventRecord): boolean {
  return e.regarding.kind === 'Workload';
}

export function kueueRow(e: EventRecord, lookup: WorkloadLookup): LiveEventRow {
  const wl = e.regarding.uid !== undefined ? lookup.workloadByUid?.(e.regarding.uid) : undefined;
  const message = parseKueuePreemptionMessage(e.note);
  const preemption = e.reason === 'Preempted' || message !== undefined;
  const reason = message?.reason ?? e.reason;
  const kueue: LiveKueueInfo = {
    workload: `${e.regarding.namespace}/${e.regarding.name}`,
    reason,
    reasonText: kueueReasonText(reason),
    source: e.reportingController === workloadConditionController ? 'workload-condition' : 'event',
  };
  if (message?.preemptorPath !== undefined) kueue.preemptorPath = message.preemptorPath;
  if (message?.preempteePath !== undefined) kueue.preempteePath = message.preempteePath;
  const cond = wl?.conditions.find((c) => c.type === (preemption ? 'Preempted' : 'Evicted'));
  if (cond?.message?.startsWith('Previously: ') === true) kueue.readmitted = true;
  const job = wl?.owner;
  const row: LiveEventRow = {
    // One preemption, one row: Kueue's event and the Workload's condition share the id (the view upserts by id).
    id: kueuePreemptionKey(e) ?? e.uid,
    time: e.time,
    reason,
    type: preemption ? 'kueue-preemption' : 'kueue-eviction',
    message: e.note,
    namespace: e.regarding.namespace,
    victim: { name: job !== undefined ? `${job.kind}/${job.name}` : `Workload/${e.regarding.name}` },
    kueue,
  };
  const victimUid = job?.uid ?? wl?.jobUid;
  if (victimUid !== undefined) row.victim.uid = victimUid;
  const victimPriority = wl?.priority ?? message?.preempteePriority?.effective;
  if (victimPriority !== undefined) row.victim.priority = victimPriority;
  if (wl?.priorityClassName !== undefined) row.victim.priorityClassName = wl.priorityClassName;
  if (job !== undefined) row.victim.owner = `${job.kind}/${job.name}`;
  if (message !== undefined) {
    const pre =
      (message.preemptorWorkloadUid !== 'UNKNOWN' ? lookup.workloadByUid?.(message.preemptorWorkloadUid) : undefined) ??
      lookup.workloadByJobUid?.(message.preemptorJobUid);
    const prePriority = pre?.priority ?? message.preemptorPriority?.effective;
    if (pre !== undefined) {
      row.preemptor = {
        uid: pre.owner?.uid ?? pre.jobUid ?? message.preemptorJobUid,
        name: pre.owner?.name ?? pre.name,
        namespace: pre.namespace,
        resolved: true,
      };
      row.preemptor.owner = pre.owner !== undefined ? `${pre.owner.kind}/${pre.owner.name}` : `Workload/${pre.name}`;
      if (pre.priorityClassName !== undefined) row.preemptor.priorityClassName = pre.priorityClassName;
    } else {
      // The preemptor's Workload is gone (or was never seen): its job's UID from the message.
      row.preemptor = { uid: message.preemptorJobUid, resolved: false };
    }
    if (prePriority !== undefined) row.preemptor.priority = prePriority;
    if (prePriority !== undefined && victimPriority !== undefined) row.priorityGap = prePriority - victimPriority;
  }
  return row;
}

/** One row per id (Kueue's event and the Workload's condition of one preemption): the event's, which says more. */
export function dedupeKueueRows(rows: LiveEventRow[]): LiveEventRow[] {
  const byId = new Map<string, number>();
  const out: LiveEventRow[] = [];
  for (const r of rows) {
    const at = r.kueue === undefined ? undefined : byId.get(r.id);
    if (at === undefined) {
      if (r.kueue !== undefined) byId.set(r.id, out.length);
      out.push(r);
    } else if (out[at]?.kueue?.source === 'workload-condition' && r.kueue?.source === 'event') out[at] = r;
  }
  return out;
}
