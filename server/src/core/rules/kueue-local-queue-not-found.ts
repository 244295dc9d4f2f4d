// Reports jobs whose queue label names a LocalQueue that is not in the job's namespace (R-Q.1).
import type { Rule } from './rule';
import { replaceString } from '../edits/text-edits';
import { queueNameLabel } from '../semantics/kueue-objects';
import { didYouMean, jobName, ownLabelSpan, queuedJobs } from './support/kueue';

export const kueueLocalQueueNotFound: Rule = {
  id: 'kueue-local-queue-not-found',
  summary: 'A job names a Kueue LocalQueue that does not exist in its namespace, so Kueue keeps it suspended.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Kueue creates the job's Workload in the LocalQueue named by \`kueue.x-k8s.io/queue-name\`, looked up in the job's own namespace.
A LocalQueue that does not exist admits nothing: the Workload stays pending and the Job stays suspended, with no pod and no error on the Job itself.

## How to fix
Correct the name (the finding suggests the closest LocalQueue of the namespace) or create the LocalQueue.
Known LocalQueues are those in the workspace and those given with \`--cluster-state\`.

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: tests, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: unit
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: test}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: unit, image: unit:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: tests, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: unit
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: tests}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: unit, image: unit:1}]
\`\`\``,
  check(ctx) {
    for (const job of queuedJobs(ctx)) {
      for (const problem of job.problems) {
        if (problem.kind !== 'local-queue-not-found') continue;
        const object = job.workload.object;
        const namespace = object.namespace ?? 'default';
        const known = [...ctx.model.kueue.localQueues.values()].filter((q) => q.namespace === namespace).map((q) => q.name);
        const span = ownLabelSpan(object, queueNameLabel);
        const best = problem.suggestions[0];
        ctx.report({
          file: object.file,
          span,
          object,
          message: `LocalQueue "${problem.queueName}" does not exist in namespace ${namespace}: Kueue keeps ${jobName(job)} suspended and its Workload pending, so it never runs.${didYouMean(problem.suggestions, known, `LocalQueue in namespace ${namespace}`)}`,
          ...(best === undefined || span === object.nameSpan
            ? {}
            : { fix: { description: `Change ${queueNameLabel} to "${best}"`, edits: [replaceString(ctx.text(object.file), span, best)] } }),
        });
      }
    }
  },
};
