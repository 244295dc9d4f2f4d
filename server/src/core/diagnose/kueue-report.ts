// Diagnose of a Kueue-managed Job (R-Q.5): which mechanism acted (a Kueue eviction of its Workload, or kube-scheduler's
// preemption of a pod), the Kueue priority next to the pod priority, Kueue's reason in words, the consequence for the
// Job and the fixes. After the fact too: the Workload's conditions (also "Previously: …" once re-admitted) and
// status.schedulingStats.evictions outlive the one-hour event TTL; each fact says where it comes from. Pure.
import { parseKueuePreemptionMessage } from './kueue-messages';
import { kueueReasonText, workloadCondition, workloadConditionController } from './kueue-workload';
import type { WorkloadRecord } from './kueue-workload';
import type { KueueDiagnoseInput, KueueDiagnosis, KueueEvictionFact } from './kueue-types';
import { asString } from './records';
import type { ApiObject, EventRecord } from './records';
import type { DiagnoseReport, FixSuggestion } from './report/types';

export type { KueueDiagnoseInput, KueueDiagnosis, KueueEvictionFact } from './kueue-types';

/** The Workload of a job: by the job's UID (label kueue.x-k8s.io/job-uid), else the owner reference by name. */
export function workloadOfJob(
  workloads: readonly WorkloadRecord[],
  job: { namespace: string; kind: string; name: string; uid?: string },
): WorkloadRecord | undefined {
  const mine = workloads.filter(
    (w) =>
      w.namespace === job.namespace &&
      ((job.uid !== undefined && (w.jobUid === job.uid || w.owner?.uid === job.uid)) ||
        (job.uid === undefined && w.owner?.kind === job.kind && w.owner.name === job.name)),
  );
  // The live one first, then the newest.
  return mine.sort(
    (a, b) =>
      Number(a.deletedAt !== undefined) - Number(b.deletedAt !== undefined) || (b.creationTime ?? '').localeCompare(a.creationTime ?? ''),
  )[0];
}

function preemptorOf(
  workloads: readonly WorkloadRecord[],
  workloadUid: string,
  jobUid: string,
  namespace: string,
): KueueEvictionFact['preemptor'] {
  const w = workloads.find((x) => x.uid === workloadUid) ?? workloads.find((x) => x.jobUid === jobUid || x.owner?.uid === jobUid);
  const p: NonNullable<KueueEvictionFact['preemptor']> = { namespace: w?.namespace ?? namespace, workloadUid, jobUid };
  if (w !== undefined) {
    p.workload = w.name;
    if (w.owner !== undefined) p.job = `${w.owner.kind}/${w.owner.name}`;
    if (w.priority !== undefined) p.priority = w.priority;
    if (w.priorityClassName !== undefined) p.priorityClassName = w.priorityClassName;
  }
  return p;
}

/** The evictions the Workload's events and conditions tell, newest first, one per preemptor (event and condition merged). */
function evictionFacts(w: WorkloadRecord, events: readonly EventRecord[], workloads: readonly WorkloadRecord[]): KueueEvictionFact[] {
  const out = new Map<string, KueueEvictionFact>();
  const add = (key: string, f: KueueEvictionFact) => {
    const had = out.get(key);
    if (had === undefined) out.set(key, f);
    else if (had.source.startsWith('Workload condition') && !f.source.startsWith('Workload condition'))
      out.set(key, { ...f, readmitted: had.readmitted, time: had.time ?? f.time });
  };
  const preempted = workloadCondition(w, 'Preempted');
  const evicted = workloadCondition(w, 'Evicted');
  const readmittedP = preempted?.message?.startsWith('Previously: ') === true;
  for (const e of events) {
    if (e.regarding.kind !== 'Workload' || e.regarding.uid !== w.uid) continue;
    const m = parseKueuePreemptionMessage(e.note);
    const fromCondition = e.reportingController === workloadConditionController;
    if (m !== undefined) {
      const f: KueueEvictionFact = {
        kind: 'preemption',
        reason: m.reason,
        reasonText: kueueReasonText(m.reason),
        time: e.time,
        preemptor: preemptorOf(workloads, m.preemptorWorkloadUid, m.preemptorJobUid, w.namespace),
        readmitted: readmittedP && preempted?.message?.includes(m.preemptorWorkloadUid) === true,
        source: fromCondition
          ? `Workload condition Preempted (reason ${m.reason}), recorded earlier`
          : `event ${e.reason} from ${e.reportingController ?? 'Kueue'}`,
      };
      if (m.preemptorPath !== undefined) f.preemptorPath = m.preemptorPath;
      if (m.preempteePath !== undefined) f.preempteePath = m.preempteePath;
      if (f.preemptor !== undefined && f.preemptor.priority === undefined && m.preemptorPriority !== undefined)
        f.preemptor.priority = m.preemptorPriority.effective;
      add(`p:${m.preemptorWorkloadUid}`, f);
    } else if (fromCondition) {
      add(`e:${e.reason}`, {
        kind: 'eviction',
        reason: e.reason,
        reasonText: kueueReasonText(e.reason),
        time: e.time,
        readmitted: false,
        source: `Workload condition Evicted (reason ${e.reason}), recorded earlier`,
      });
    }
  }
  // The conditions as they are now: evidence that outlives the events (one hour) and this tool's history.
  const m = parseKueuePreemptionMessage(preempted?.message);
  if (preempted !== undefined && m !== undefined) {
    const f: KueueEvictionFact = {
      kind: 'preemption',
      reason: m.reason,
      reasonText: kueueReasonText(m.reason),
      preemptor: preemptorOf(workloads, m.preemptorWorkloadUid, m.preemptorJobUid, w.namespace),
      readmitted: m.previously,
      source: `Workload condition Preempted=${preempted.status} (reason ${preempted.reason ?? m.reason})${m.previously ? ', "Previously:" since the re-admission' : ''}`,
    };
    if (!m.previously && preempted.lastTransitionTime !== undefined) f.time = preempted.lastTransitionTime;
    if (m.preemptorPath !== undefined) f.preemptorPath = m.preemptorPath;
    if (m.preempteePath !== undefined) f.preempteePath = m.preempteePath;
    const key = `p:${m.preemptorWorkloadUid}`;
    const had = out.get(key);
    if (had === undefined) out.set(key, f);
    else {
      had.readmitted = m.previously;
      // The condition read now is the better source than the copy recorded from it earlier.
      if (had.source.startsWith('Workload condition')) had.source = f.source;
    }
  } else if (evicted?.reason !== undefined && evicted.reason !== 'Preempted') {
    const previously = evicted.message?.startsWith('Previously: ') === true;
    if (evicted.status === 'True' || previously) {
      const f: KueueEvictionFact = {
        kind: 'eviction',
        reason: evicted.reason,
        reasonText: kueueReasonText(evicted.reason),
        readmitted: previously,
        source: `Workload condition Evicted=${evicted.status} (reason ${evicted.reason})${previously ? ', "Previously:" since the re-admission' : ''}`,
      };
      if (!previously && evicted.lastTransitionTime !== undefined) f.time = evicted.lastTransitionTime;
      const had = out.get(`e:${evicted.reason}`);
      if (had === undefined) out.set(`e:${evicted.reason}`, f);
      else Object.assign(had, { readmitted: previously, source: f.source });
    }
  }
  return [...out.values()].sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''));
}

function stateOf(w: WorkloadRecord): string {
  const finished = workloadCondition(w, 'Finished');
  if (finished?.status === 'True')
    return `Finished (${finished.reason ?? ''}${finished.message !== undefined ? `: ${finished.message}` : ''})`;
  if (workloadCondition(w, 'Admitted')?.status === 'True')
    return `Admitted${w.clusterQueue !== undefined ? ` by ClusterQueue ${w.clusterQueue}` : ''}: its Job runs`;
  const quota = workloadCondition(w, 'QuotaReserved');
  if (quota?.status === 'False')
    return `Pending: no quota reserved, the Job stays suspended (QuotaReserved ${quota.reason ?? 'False'}${quota.message !== undefined ? `: ${quota.message}` : ''})`;
  return 'Pending: not admitted yet, the Job stays suspended';
}

function policyText(cq: ApiObject | undefined): string | undefined {
  if (cq === undefined) return undefined;
  const p = (cq['spec'] as ApiObject | undefined)?.['preemption'] as ApiObject | undefined;
  const within = asString(p, 'withinClusterQueue') ?? 'Never';
  const reclaim = asString(p, 'reclaimWithinCohort') ?? 'Never';
  const borrow = asString(p, 'borrowWithinCohort', 'policy') ?? 'Never';
  return `withinClusterQueue: ${within}, reclaimWithinCohort: ${reclaim}, borrowWithinCohort: ${borrow}`;
}

/** The Kueue part of a Diagnose report for a job (undefined when no Workload of it is known: not Kueue-managed). */
export function kueueDiagnosis(
  job: { namespace: string; kind: string; name: string; uid?: string },
  events: readonly EventRecord[],
  input: KueueDiagnoseInput,
): KueueDiagnosis | undefined {
  const w = workloadOfJob(input.workloads, job);
  if (w === undefined) return undefined;
  const d: KueueDiagnosis = {
    workload: { namespace: w.namespace, name: w.name, uid: w.uid },
    job: { kind: w.owner?.kind ?? job.kind, name: w.owner?.name ?? job.name },
    kueuePriority: { source: 'Workload spec.priority' },
    state: stateOf(w),
    evictions: evictionFacts(w, events, input.workloads),
    evictionCounts: w.evictions,
  };
  if (w.deletedAt !== undefined) d.workload.deleted = true;
  const jobUid = w.owner?.uid ?? w.jobUid ?? job.uid;
  if (jobUid !== undefined) d.job.uid = jobUid;
  if (w.queueName !== undefined) d.queueName = w.queueName;
  if (w.priority !== undefined) d.kueuePriority.value = w.priority;
  if (w.priorityClassName !== undefined) d.kueuePriority.className = w.priorityClassName;
  if (w.priorityClassSource !== undefined) d.kueuePriority.classKind = w.priorityClassSource;
  const path = d.evictions.find((e) => e.preempteePath !== undefined)?.preempteePath;
  const cqName = w.clusterQueue ?? path?.split('/').pop();
  if (cqName !== undefined && cqName !== '') d.clusterQueue = cqName;
  const policy = policyText(input.clusterQueues?.find((q) => asString(q, 'metadata', 'name') === cqName));
  if (policy !== undefined) d.clusterQueuePolicy = policy;
  return d;
}

/** "Kueue evicted …" headline of a Kueue eviction (the newest one). */
export function kueueHeadline(d: KueueDiagnosis): string | undefined {
  const e = d.evictions[0];
  if (e === undefined) return undefined;
  const wl = `${d.workload.namespace}/${d.workload.name}`;
  if (e.kind === 'eviction') return `Kueue evicted Workload ${wl} of ${d.job.kind} ${d.job.name}: ${e.reason}`;
  const who =
    e.preemptor?.job ??
    (e.preemptor?.workload !== undefined ? `Workload/${e.preemptor.workload}` : `job UID ${e.preemptor?.jobUid ?? '?'}`);
  const prio =
    e.preemptor?.priority !== undefined && d.kueuePriority.value !== undefined
      ? `Kueue priority ${e.preemptor.priority} vs ${d.kueuePriority.value}, `
      : '';
  return `Kueue evicted Workload ${wl} of ${d.job.kind} ${d.job.name}: preempted by ${e.preemptor?.namespace ?? ''}/${who} (${prio}${e.reason})`;
}

/** The consequence for the Job of the mechanism that acted. */
export function kueueConsequence(mechanism: 'kueue' | 'scheduler', jobName: string): string {
  return mechanism === 'kueue'
    ? `Kueue suspended Job ${jobName} (spec.suspend: true) and its pods were deleted without counting as failed: no backoffLimit retry was spent and no podFailurePolicy rule saw it, but the work of the running pods is lost and restarts from zero when Kueue admits the Workload again (activeDeadlineSeconds restarts too).`
    : `kube-scheduler preempted a pod of Job ${jobName} for a higher pod priority after Kueue had admitted it: the pod failed with DisruptionTarget and counts toward backoffLimit unless a podFailurePolicy rule ignores DisruptionTarget. Kueue's priority does not protect admitted pods from kube-scheduler.`;
}

/** Fixes for a Kueue eviction: the WorkloadPriorityClass, the ClusterQueue's preemption policy, the Job. */
export function kueueFixes(d: KueueDiagnosis, mechanism: 'kueue' | 'scheduler'): FixSuggestion[] {
  const target = `${d.job.kind}/${d.workload.namespace}/${d.job.name}`;
  const e = d.evictions[0];
  const fixes: FixSuggestion[] = [];
  if (mechanism === 'scheduler') {
    fixes.push({
      id: 'job-pod-failure-policy',
      target,
      title: `Let Job ${d.job.name} ignore disruptions (podFailurePolicy)`,
      detail: 'A kube-scheduler preemption then costs no backoffLimit retry; Kueue evictions never do.',
      snippet: 'podFailurePolicy:\n  rules:\n    - action: Ignore\n      onPodConditions:\n        - type: DisruptionTarget',
    });
    return fixes;
  }
  if (e?.kind === 'preemption') {
    const needed = e.preemptor?.priority;
    fixes.push({
      id: 'kueue-workload-priority-class',
      target,
      title: `Give ${d.job.kind} ${d.job.name} a higher WorkloadPriorityClass`,
      detail: `Kueue compares Kueue priorities (now ${d.kueuePriority.value ?? '?'}${d.kueuePriority.className !== undefined ? `, from ${d.kueuePriority.classKind ?? 'class'} ${d.kueuePriority.className}` : ''}${needed !== undefined ? ` vs the preemptor's ${needed}` : ''}), not pod PriorityClasses: label the Job with kueue.x-k8s.io/priority-class naming a WorkloadPriorityClass of at least the preemptor's value.`,
      snippet: 'metadata:\n  labels:\n    kueue.x-k8s.io/priority-class: <a WorkloadPriorityClass>',
    });
    fixes.push({
      id: 'kueue-queue-preemption-policy',
      target: `ClusterQueue/${d.clusterQueue ?? '?'}`,
      title: `Review the preemption policy of ClusterQueue ${d.clusterQueue ?? '?'}`,
      detail: `${e.reason === 'InClusterQueue' ? 'withinClusterQueue' : e.reason === 'InCohortReclaimWhileBorrowing' ? 'borrowWithinCohort (maxPriorityThreshold bounds its victims)' : e.reason === 'InCohortFairSharing' ? 'the fair sharing weights' : 'reclaimWithinCohort, or lend less (lendingLimit) / borrow less (borrowingLimit)'} allowed this eviction${d.clusterQueuePolicy !== undefined ? ` (now ${d.clusterQueuePolicy})` : ''}; Never keeps admitted workloads from being preempted that way, at the cost of queueing the other job.`,
    });
  }
  fixes.push({
    id: 'job-pod-failure-policy',
    target,
    title: 'Plan for lost work, not for retries',
    detail:
      'A Kueue eviction costs no backoffLimit retry, so backoffLimit and podFailurePolicy do not help here; checkpoint long work, or keep such jobs where they are not preempted. podFailurePolicy (Ignore DisruptionTarget) still matters for kube-scheduler preemptions of the admitted pods.',
  });
  return fixes;
}

/** Plain lines of the Kueue section of a report (text and Markdown renderers escape them). */
export function kueueLines(
  d: KueueDiagnosis,
  mechanism: 'kueue' | 'scheduler' | 'none',
  podPriority?: number,
  podClass?: string,
): string[] {
  const lines: string[] = [];
  lines.push(
    `Mechanism: ${mechanism === 'kueue' ? 'Kueue evicted the Workload (quota), not a kube-scheduler preemption of the pod' : mechanism === 'scheduler' ? 'kube-scheduler preempted the pod (pod priority), not a Kueue eviction' : 'no eviction recorded'}`,
  );
  lines.push(
    `Workload: ${d.workload.namespace}/${d.workload.name}${d.workload.deleted === true ? ' (deleted)' : ''} of ${d.job.kind} ${d.job.name}; queue ${d.queueName ?? '?'} → ClusterQueue ${d.clusterQueue ?? '?'}`,
  );
  const kp = d.kueuePriority;
  lines.push(
    `Kueue priority: ${kp.value ?? '?'}${kp.className !== undefined ? ` (${kp.classKind ?? 'class'} ${kp.className})` : ''}, from ${kp.source}; pod priority: ${podPriority ?? '?'}${podClass !== undefined ? ` (PriorityClass ${podClass})` : ''}. Kueue orders by the first, kube-scheduler by the second.`,
  );
  lines.push(`State: ${d.state}`);
  for (const e of d.evictions) {
    const who =
      e.preemptor === undefined
        ? ''
        : ` by ${e.preemptor.namespace}/${e.preemptor.job ?? (e.preemptor.workload !== undefined ? `Workload/${e.preemptor.workload}` : `job UID ${e.preemptor.jobUid}`)}${e.preemptor.priority !== undefined ? ` (Kueue priority ${e.preemptor.priority})` : ''}`;
    const paths =
      e.preemptorPath !== undefined || e.preempteePath !== undefined
        ? `; preemptor path ${e.preemptorPath ?? '?'}, preemptee path ${e.preempteePath ?? '?'}`
        : '';
    lines.push(
      `${e.kind === 'preemption' ? 'Preempted' : 'Evicted'}${who}: ${e.reason}, ${e.reasonText}${paths}${e.readmitted ? '; admitted again since' : ''} (source: ${e.source})`,
    );
  }
  if (d.evictionCounts.length > 0)
    lines.push(
      `Evictions counted by Kueue (status.schedulingStats.evictions): ${d.evictionCounts.map((c) => `${c.reason}${c.underlyingCause !== undefined ? `/${c.underlyingCause}` : ''} ×${c.count}`).join(', ')}`,
    );
  if (d.clusterQueuePolicy !== undefined) lines.push(`ClusterQueue ${d.clusterQueue ?? ''} preemption: ${d.clusterQueuePolicy}`);
  if (mechanism !== 'none') lines.push(`Consequence: ${kueueConsequence(mechanism, d.job.name)}`);
  return lines;
}

/** Adds the Kueue part to a pod's report: decides the mechanism from the pod's own cause. */
export function addKueueToReport(report: DiagnoseReport, d: KueueDiagnosis, podCreated?: string): void {
  const scheduler = report.happened.kind === 'preempted-by-scheduler';
  // An eviction before this pod was created was of an earlier run of the Job (its pod then was another one).
  const kueueActed = !scheduler && d.evictions.some((e) => e.time === undefined || podCreated === undefined || e.time >= podCreated);
  report.kueue = { ...d, mechanism: scheduler ? 'scheduler' : kueueActed ? 'kueue' : 'none' };
  if (kueueActed) {
    const h = kueueHeadline(d);
    if (h !== undefined) report.headline = h;
    if (report.happened.kind !== 'oom-killed' && report.happened.kind !== 'evicted-by-kubelet') {
      report.happened.kind = 'evicted-by-kueue';
      report.happened.title = h ?? report.happened.title;
    }
    if (report.job !== undefined) {
      report.job.counted = false;
      report.job.summary = kueueConsequence('kueue', d.job.name);
    }
  }
  if (scheduler && report.job !== undefined)
    report.job.summary = `${report.job.summary} ${kueueConsequence('scheduler', d.job.name)}`.trim();
  const mechanism = report.kueue.mechanism;
  if (mechanism !== 'none') {
    // A Kueue eviction: the pod-level podFailurePolicy fix does not apply (Kueue's says why); otherwise one fix per id.
    const rest = report.fixes.filter((f) => mechanism !== 'kueue' || f.id !== 'job-pod-failure-policy');
    report.fixes = [...kueueFixes(d, mechanism).filter((f) => !rest.some((r) => r.id === f.id)), ...rest];
  }
}
