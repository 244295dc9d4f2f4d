// Reports queued jobs that Kueue and kube-scheduler order oppositely (R-Q.2 against R-A.*): Kueue may admit one first
// and kube-scheduler then preempt its running pods for the other.
import type { Rule } from './rule';
import type { KueueJob } from '../facts/kueue-facts';
import { describeKueuePriority } from '../semantics/kueue-priority';
import { kueueJobLabelsMap, queueNameLabel, workloadPriorityClassLabel } from '../semantics/kueue-objects';
import { jobName, ownLabelSpan, queuedJobs } from './support/kueue';

export const kueuePriorityInversion: Rule = {
  id: 'kueue-priority-inversion',
  summary:
    'Two queued jobs that compete for the same quota are ordered one way by their Kueue priorities and the other way by their pod priorities.',
  category: 'prediction',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Kueue orders and preempts Workloads by their Kueue priority (a WorkloadPriorityClass, else the pod's PriorityClass value); kube-scheduler preempts pods by their pod priority.
A job labelled with a WorkloadPriorityClass keeps the pod priority of its template (often 0 or the globalDefault).
When two jobs of the same ClusterQueue or cohort are ordered oppositely, Kueue may admit the first and kube-scheduler then preempt its running pods for the second's: each system undoes what the other decided, and a scheduler preemption counts toward the Job's \`backoffLimit\`.

## How to fix
Give the pods a PriorityClass that orders them like their WorkloadPriorityClasses (or drop the WorkloadPriorityClass label, so that Kueue uses the pod's PriorityClass), or give the batch PriorityClasses \`preemptionPolicy: Never\`.

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec: {namespaceSelector: {}}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: batch-high}
value: 1000
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: WorkloadPriorityClass
metadata: {name: urgent}
value: 10000
---
apiVersion: batch/v1
kind: Job
metadata:
  name: urgent-eval
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci, kueue.x-k8s.io/priority-class: urgent}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: eval, image: eval:1}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: nightly
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  template:
    spec:
      priorityClassName: batch-high
      restartPolicy: Never
      containers: [{name: nightly, image: nightly:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec: {namespaceSelector: {}}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: batch-high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: batch-urgent}
value: 10000
---
apiVersion: batch/v1
kind: Job
metadata:
  name: urgent-eval
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  template:
    spec:
      priorityClassName: batch-urgent
      restartPolicy: Never
      containers: [{name: eval, image: eval:1}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: nightly
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  template:
    spec:
      priorityClassName: batch-high
      restartPolicy: Never
      containers: [{name: nightly, image: nightly:1}]
\`\`\``,
  check(ctx) {
    const targets = queuedJobs(ctx).filter(comparable);
    if (targets.length === 0) return;
    const kueue = ctx.model.kueue;
    // Jobs compete for quota within one ClusterQueue or one cohort tree.
    const groupOf = (job: KueueJob): string => {
      const cq = job.clusterQueue;
      return cq === undefined ? '' : (kueue.forest.rootOf(cq) ?? `cq:${cq.name}`);
    };
    const groups = new Map<string, KueueJob[]>();
    for (const job of kueue.jobs) {
      if (!comparable(job)) continue;
      const key = groupOf(job);
      groups.set(key, [...(groups.get(key) ?? []), job]);
    }
    for (const job of targets) {
      const k = job.priority.value ?? 0;
      const pod = job.workload.priority.priority;
      const inverted = (groups.get(groupOf(job)) ?? []).filter((other) => {
        if (other === job) return false;
        const ok = other.priority.value ?? 0;
        const op = other.workload.priority.priority;
        return (k > ok && pod < op) || (k < ok && pod > op);
      });
      const first = inverted[0];
      if (first === undefined) continue;
      const object = job.workload.object;
      const wpcLabel = kueueJobLabelsMap(object)?.entries.some((e) => e.key === workloadPriorityClassLabel) === true;
      const span = ownLabelSpan(object, wpcLabel ? workloadPriorityClassLabel : queueNameLabel);
      const podOf = (j: KueueJob): string =>
        `${j.workload.priority.priority}${j.workload.priority.priorityClassName === undefined ? '' : ` (PriorityClass ${j.workload.priority.priorityClassName})`}`;
      const more = inverted.length > 1 ? ` (and ${inverted.length - 1} more queued job(s) in the same way)` : '';
      const ahead = k > (first.priority.value ?? 0);
      const [kueueFirst, schedulerFirst] = ahead ? [jobName(job), jobName(first)] : [jobName(first), jobName(job)];
      // The other direction: Kueue itself may evict the lower Kueue priority's Workload for the higher's.
      const [kueueVictim, kueuePreemptor] = ahead ? [first, job] : [job, first];
      const way = kueue.preemptorsOf(kueueVictim).find((p) => p.job === kueuePreemptor);
      const byKueue =
        way === undefined
          ? ''
          : ` Kueue in turn can preempt ${jobName(kueueVictim)} for ${jobName(kueuePreemptor)} (${[...new Set(way.paths.map((x) => x.reason))].join('/')}).`;
      ctx.report({
        file: object.file,
        span,
        object,
        message: `Kueue and kube-scheduler order ${jobName(job)} and ${jobName(first)}${more} oppositely: Kueue priority ${describeKueuePriority(job.priority)} against ${describeKueuePriority(first.priority)}, but pod priority ${podOf(job)} against ${podOf(first)}. Kueue may admit ${kueueFirst} first and kube-scheduler then preempt its running pods for the pods of ${schedulerFirst} (which counts toward backoffLimit).${byKueue} Align the pods' PriorityClass with the Kueue priority, or give batch PriorityClasses preemptionPolicy: Never.`,
      });
    }
  },
};

/** A job both orders apply to: Kueue gives it a priority and a ClusterQueue, and its pods are admitted. */
function comparable(job: KueueJob): boolean {
  return job.priority.value !== undefined && job.clusterQueue !== undefined && job.workload.priority.admission.allowed;
}
