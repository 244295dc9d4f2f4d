// Reports workloads that other workloads of the workspace or cluster can preempt.
import type { Rule } from './rule';
import { describePreemptors } from './support/describe';

export const preemptionRisk: Rule = {
  id: 'preemption-risk',
  summary: "Other workloads have a strictly higher priority and may preempt this workload's pods.",
  category: 'prediction',
  defaultSeverity: 'info',
  scope: 'cluster',
  docs: `## Why this matters
When a pod cannot be scheduled, kube-scheduler's DefaultPreemption may delete pods of strictly lower priority on one node to make room, if the preemptor's \`preemptionPolicy\` is \`PreemptLowerPriority\`.
The victim gets a \`Preempted\` event naming the preemptor by UID only.

## How to fix
Nothing is wrong by itself; decide whether this workload should be preemptible.
Raise its class, give the preemptors \`preemptionPolicy: Never\`, or make the workload tolerate disruption (PDBs are honoured only on a best-effort basis by preemption).

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 100
---
apiVersion: batch/v1
kind: Job
metadata: {name: eval-runner}
spec:
  template:
    spec:
      priorityClassName: high
      restartPolicy: Never
      containers: [{name: eval, image: eval:2}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: nightly-report}
spec:
  template:
    spec:
      priorityClassName: low
      restartPolicy: Never
      containers: [{name: report, image: report:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
preemptionPolicy: Never   # eval-runner waits for room instead of preempting
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 100
---
apiVersion: batch/v1
kind: Job
metadata: {name: eval-runner}
spec:
  template:
    spec:
      priorityClassName: high
      restartPolicy: Never
      containers: [{name: eval, image: eval:2}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: nightly-report}
spec:
  template:
    spec:
      priorityClassName: low
      restartPolicy: Never
      containers: [{name: report, image: report:1}]
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      if (!w.priority.admission.allowed) continue;
      const count = ctx.model.preemptorCount(w);
      if (count === 0) continue;
      const preemptors = ctx.model.preemptorsOf(w, 3);
      const rank = ctx.model.preemptionRank(w);
      ctx.report({
        file: w.object.file,
        span: w.object.nameSpan,
        object: w.object,
        message: `Pods of ${w.object.kind} ${w.object.name} (priority ${w.priority.priority}) can be preempted by ${describePreemptors(preemptors, count)}. Preemption order: ${rank.position} of ${rank.of} (1 is preempted first: the lowest priority).`,
      });
    }
  },
};
