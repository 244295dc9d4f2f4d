// Reports jobs whose kueue.x-k8s.io/priority-class label names no WorkloadPriorityClass: Kueue creates no Workload (R-Q.2).
import type { Rule } from './rule';
import { replaceString } from '../edits/text-edits';
import { closest } from '../suggest';
import { workloadPriorityClassLabel } from '../semantics/kueue-objects';
import { didYouMean, jobName, ownLabelSpan, queuedJobs } from './support/kueue';

export const kueuePriorityClassNotFound: Rule = {
  id: 'kueue-priority-class-not-found',
  summary: 'A queued job names a WorkloadPriorityClass that does not exist, so Kueue creates no Workload and the job never runs.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Kueue takes a job's priority from the WorkloadPriorityClass named by the label \`kueue.x-k8s.io/priority-class\`.
When that class does not exist there is no fallback to the pod's PriorityClass: Kueue's reconcile fails with \`WorkloadPriorityClass.kueue.x-k8s.io "…" not found\` (logged only: Kueue v0.19 writes no event), no Workload is created, and the job stays suspended without a word on the job itself.

## How to fix
Correct the name (the finding suggests the closest WorkloadPriorityClass) or create the class.

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: WorkloadPriorityClass
metadata: {name: evaluation}
value: 1000
---
apiVersion: batch/v1
kind: Job
metadata:
  name: eval
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci, kueue.x-k8s.io/priority-class: evaluaton}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: eval, image: eval:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: WorkloadPriorityClass
metadata: {name: evaluation}
value: 1000
---
apiVersion: batch/v1
kind: Job
metadata:
  name: eval
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci, kueue.x-k8s.io/priority-class: evaluation}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: eval, image: eval:1}]
\`\`\``,
  check(ctx) {
    for (const job of queuedJobs(ctx)) {
      const p = job.priority;
      if (p.problem?.kind !== 'workload-priority-class-not-found') continue;
      const object = job.workload.object;
      const name = p.className ?? '';
      const known = [...ctx.model.kueue.workloadPriorityClasses.keys()];
      const suggestions = closest(name, known);
      const best = suggestions[0];
      const span = ownLabelSpan(object, workloadPriorityClassLabel);
      ctx.report({
        file: object.file,
        span,
        object,
        message: `${p.problem.message}: Kueue creates no Workload for ${jobName(job)} (no fallback to the pod's PriorityClass), so it stays suspended and never runs.${didYouMean(suggestions, known, 'WorkloadPriorityClass')}`,
        ...(best === undefined || span === object.nameSpan
          ? {}
          : {
              fix: {
                description: `Change ${workloadPriorityClassLabel} to "${best}"`,
                edits: [replaceString(ctx.text(object.file), span, best)],
              },
            }),
      });
    }
  },
};
