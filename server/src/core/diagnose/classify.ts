// What happened to a pod, from its status, conditions, events and history records (no cluster access here).
import { normalizeDisruptionReason, parseEvictedMessage, parsePreemptedNote, parseSchedulerDisruptionMessage } from './messages';
import type { DisruptionReason, EvictedMessage, PreemptedNote } from './messages';
import type { EventRecord, PodCondition, PodRecord } from './records';

export type CauseKind =
  | 'preempted-by-scheduler'
  | 'evicted-by-kueue'
  | 'evicted-by-kubelet'
  | 'preempted-by-kubelet'
  | 'eviction-api'
  | 'oom-killed'
  | 'taint-manager'
  | 'pod-gc'
  | 'job-backoff-exhausted'
  | 'pending-unschedulable'
  | 'no-disruption-seen'
  | 'unknown';

export interface Classification {
  kind: CauseKind;
  /** One-line human summary. */
  title: string;
  time?: string;
  node?: string;
  /** The facts the classification rests on, as short human-readable lines. */
  evidence: string[];
  disruptionReason?: DisruptionReason;
  preemption?: {
    note?: PreemptedNote;
    preemptorUid?: string;
    preemptorRef?: { namespace: string; name: string };
    /** `related` object of the Preempted event (the preemptor), when the event had one. */
    related?: { namespace: string; name: string; uid?: string };
    schedulerName?: string;
    event?: EventRecord;
  };
  eviction?: EvictedMessage & { message: string };
  oom?: { container: string; exitCode?: number };
  taint?: { message: string };
  /** FailedScheduling notes of the pod (newest last). */
  failedScheduling?: string[];
}

/** Events whose regarding object is this pod (by UID, or by namespace/name when the event has no UID). */
export function eventsOfPod(events: readonly EventRecord[], target: { namespace: string; name: string; uid?: string }): EventRecord[] {
  return events
    .filter(
      (e) =>
        e.regarding.kind === 'Pod' &&
        e.regarding.namespace === target.namespace &&
        e.regarding.name === target.name &&
        (target.uid === undefined || e.regarding.uid === undefined || e.regarding.uid === target.uid),
    )
    .sort((a, b) => a.time.localeCompare(b.time));
}

function disruptionCondition(pod: PodRecord | undefined): PodCondition | undefined {
  return pod?.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
}

export function classifyPod(pod: PodRecord | undefined, podEvents: readonly EventRecord[], jobFailedReason?: string): Classification {
  const evidence: string[] = [];
  const condition = disruptionCondition(pod);
  const reason = normalizeDisruptionReason(condition?.reason);
  if (condition !== undefined)
    evidence.push(`condition DisruptionTarget=True, reason ${condition.reason ?? '-'}: ${condition.message ?? ''}`.trim());
  const last = <T>(xs: readonly T[]): T | undefined => xs[xs.length - 1];
  const preempted = last(podEvents.filter((e) => e.reason === 'Preempted'));
  const evicted = last(podEvents.filter((e) => e.reason === 'Evicted'));
  const kubeletPreempting = last(podEvents.filter((e) => e.reason === 'Preempting'));
  const taint = last(podEvents.filter((e) => e.reason === 'TaintManagerEviction'));
  const failedScheduling = podEvents.filter((e) => e.reason === 'FailedScheduling').map((e) => e.note);
  const withCommon = (c: Classification): Classification => {
    if (reason !== undefined) c.disruptionReason = reason;
    if (failedScheduling.length > 0) c.failedScheduling = failedScheduling;
    const node = c.node ?? pod?.node;
    if (node !== undefined) c.node = node;
    return c;
  };

  // 1. Scheduler preemption: DisruptionTarget PreemptionByScheduler and/or the Preempted event.
  if (reason === 'PreemptionByScheduler' || preempted !== undefined) {
    const note = parsePreemptedNote(preempted?.note);
    const fromCondition = parseSchedulerDisruptionMessage(condition?.message);
    if (preempted !== undefined) evidence.push(`event Preempted (${preempted.time}): ${preempted.note}`);
    const c: Classification = {
      kind: 'preempted-by-scheduler',
      title: 'Preempted by the scheduler to make room for a higher-priority pod',
      evidence,
      preemption: {},
    };
    const p = c.preemption!;
    if (preempted !== undefined) p.event = preempted;
    if (note !== undefined) {
      p.note = note;
      if (note.preemptorUid !== undefined) p.preemptorUid = note.preemptorUid;
      if (note.preemptorRef !== undefined) p.preemptorRef = note.preemptorRef;
      c.node = note.node;
    }
    if (preempted?.related !== undefined && preempted.related.kind === 'Pod') {
      const rel: { namespace: string; name: string; uid?: string } = {
        namespace: preempted.related.namespace,
        name: preempted.related.name,
      };
      if (preempted.related.uid !== undefined) rel.uid = preempted.related.uid;
      p.related = rel;
      if (p.preemptorUid === undefined && rel.uid !== undefined) p.preemptorUid = rel.uid;
    }
    if (p.preemptorRef === undefined && fromCondition?.preemptorRef !== undefined) p.preemptorRef = fromCondition.preemptorRef;
    if (fromCondition?.schedulerName !== undefined) p.schedulerName = fromCondition.schedulerName;
    const time = preempted?.time ?? condition?.lastTransitionTime;
    if (time !== undefined) c.time = time;
    return withCommon(c);
  }

  // 2. Kubelet: critical-pod admission preemption, then node-pressure / local-storage eviction.
  const kubeletMessage = reason === 'TerminationByKubelet' ? condition?.message : undefined;
  const statusEvicted = pod?.reason === 'Evicted' ? pod.message : undefined;
  const statusPreempting = pod?.reason === 'Preempting' ? (pod.message ?? 'Preempted in order to admit critical pod') : undefined;
  const criticalText =
    statusPreempting ??
    kubeletPreempting?.note ??
    (kubeletMessage !== undefined && parseEvictedMessage(kubeletMessage).kind === 'critical-pod' ? kubeletMessage : undefined);
  if (criticalText !== undefined) {
    if (kubeletPreempting !== undefined) evidence.push(`event Preempting (${kubeletPreempting.time}): ${kubeletPreempting.note}`);
    if (statusPreempting !== undefined) evidence.push(`status.reason Preempting: ${statusPreempting}`);
    const c: Classification = {
      kind: 'preempted-by-kubelet',
      title: 'Preempted by the kubelet to admit a critical pod on its node',
      evidence,
    };
    const time = kubeletPreempting?.time ?? condition?.lastTransitionTime;
    if (time !== undefined) c.time = time;
    return withCommon(c);
  }
  const evictionText = evicted?.note ?? statusEvicted ?? kubeletMessage;
  if (evictionText !== undefined && (evicted !== undefined || statusEvicted !== undefined || reason === 'TerminationByKubelet')) {
    if (evicted !== undefined) evidence.push(`event Evicted (${evicted.time}): ${evicted.note}`);
    if (statusEvicted !== undefined) evidence.push(`status.reason Evicted: ${statusEvicted}`);
    const parsed = parseEvictedMessage(evictionText);
    const what =
      parsed.kind === 'local-storage'
        ? `exceeding its local ephemeral storage limit`
        : parsed.kind === 'admission'
          ? `node conditions at admission (${(parsed.conditions ?? []).join(', ')})`
          : parsed.resource !== undefined
            ? `${parsed.resource} pressure (${parsed.nodeCondition ?? ''})`
            : 'node pressure';
    const c: Classification = {
      kind: 'evicted-by-kubelet',
      title: `Evicted by the kubelet for ${what}`,
      evidence,
      eviction: { ...parsed, message: evictionText },
    };
    const time = evicted?.time ?? condition?.lastTransitionTime;
    if (time !== undefined) c.time = time;
    if (evicted?.host !== undefined) c.node = evicted.host;
    return withCommon(c);
  }

  // 3. Eviction API, taint manager, PodGC: only the condition (and the taint manager's event) tell.
  if (reason === 'EvictionByEvictionAPI') {
    const c: Classification = {
      kind: 'eviction-api',
      title: 'Evicted through the Eviction API (kubectl drain, a descheduler, an autoscaler or another client)',
      evidence,
    };
    if (condition?.lastTransitionTime !== undefined) c.time = condition.lastTransitionTime;
    return withCommon(c);
  }
  if (reason === 'DeletionByTaintManager' || taint !== undefined) {
    if (taint !== undefined) evidence.push(`event TaintManagerEviction (${taint.time}): ${taint.note}`);
    const c: Classification = {
      kind: 'taint-manager',
      title: 'Deleted by the taint manager: its node got a NoExecute taint the pod does not tolerate',
      evidence,
      taint: { message: taint?.note ?? condition?.message ?? '' },
    };
    const time = taint?.time ?? condition?.lastTransitionTime;
    if (time !== undefined) c.time = time;
    return withCommon(c);
  }
  if (reason === 'DeletionByPodGC') {
    const c: Classification = {
      kind: 'pod-gc',
      title: 'Deleted by the pod garbage collector (its node is gone or the pod was orphaned)',
      evidence,
    };
    if (condition?.lastTransitionTime !== undefined) c.time = condition.lastTransitionTime;
    return withCommon(c);
  }

  // 4. OOMKilled container (current or previous state); the kubelet's OOMKilling node event names no pod reliably.
  const oom = pod?.terminations?.find((t) => t.reason === 'OOMKilled');
  if (oom !== undefined) {
    evidence.push(
      `container ${oom.container} terminated: OOMKilled${oom.exitCode !== undefined ? ` (exit code ${oom.exitCode})` : ''}${oom.previous === true ? ' (previous restart)' : ''}`,
    );
    const c: Classification = {
      kind: 'oom-killed',
      title: `Container ${oom.container} was OOMKilled: it used more memory than its limit`,
      evidence,
      oom: { container: oom.container },
    };
    if (oom.exitCode !== undefined) c.oom!.exitCode = oom.exitCode;
    if (oom.finishedAt !== undefined) c.time = oom.finishedAt;
    return withCommon(c);
  }

  if (jobFailedReason === 'BackoffLimitExceeded') {
    evidence.push('owning Job failed with reason BackoffLimitExceeded');
    return withCommon({
      kind: 'job-backoff-exhausted',
      title: "The owning Job exhausted its backoffLimit (the pod's own failure cause is not recorded any more)",
      evidence,
    });
  }
  if (pod?.phase === 'Pending' && failedScheduling.length > 0) {
    evidence.push(`event FailedScheduling: ${failedScheduling[failedScheduling.length - 1] ?? ''}`);
    return withCommon({ kind: 'pending-unschedulable', title: 'Pending: the scheduler cannot place it', evidence });
  }
  if (
    pod !== undefined &&
    pod.deletionTime === undefined &&
    pod.deletedAt === undefined &&
    (pod.phase === 'Running' || pod.phase === 'Pending' || pod.phase === 'Succeeded')
  ) {
    return withCommon({ kind: 'no-disruption-seen', title: `No preemption or eviction recorded (phase ${pod.phase})`, evidence });
  }
  return withCommon({
    kind: 'unknown',
    title: pod === undefined ? 'Pod not found in the cluster or the history' : 'No preemption, eviction or OOM kill recorded for this pod',
    evidence,
  });
}
