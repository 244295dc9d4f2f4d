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
# eval-runner (priority 1000) and this Job (priority 100) share a cluster
spec:
  template:
    spec:
      priorityClassName: low
\`\`\`

## Valid
\`\`\`yaml
spec:
  template:
    spec:
      priorityClassName: system-cluster-critical
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      if (!w.priority.admission.allowed) continue;
      const count = ctx.model.preemptorCount(w);
      if (count === 0) continue;
      const preemptors = ctx.model.preemptorsOf(w, 3);
      ctx.report({
        file: w.object.file,
        span: w.object.nameSpan,
        object: w.object,
        message: `Pods of ${w.object.kind} ${w.object.name} (priority ${w.priority.priority}) can be preempted by ${describePreemptors(preemptors, count)}. Preemption rank ${w.preemptionRank.position} of ${w.preemptionRank.of} from the bottom.`,
      });
    }
  },
};
