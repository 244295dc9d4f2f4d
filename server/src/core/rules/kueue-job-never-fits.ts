// Reports queued jobs whose pods together need more than their ClusterQueue can ever hold in any flavor (R-Q.1).
import type { Rule } from './rule';
import { queueNameLabel } from '../semantics/kueue-objects';
import { jobName, ownLabelSpan, queuedJobs } from './support/kueue';

export const kueueJobNeverFits: Rule = {
  id: 'kueue-job-never-fits',
  summary: "A queued job needs more than its ClusterQueue's nominal quota plus borrowing limit, so Kueue never admits it.",
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Kueue admits a Job's pods all at once: its requests times its pod count (\`parallelism\`, at most \`completions\`) must fit in one flavor of its ClusterQueue.
The most a ClusterQueue can ever reach is its nominal quota plus what it may borrow from its cohort (bounded by \`borrowingLimit\` and by what the other queues lend, \`lendingLimit\`).
A Job above that never fits, however empty the cluster is: its Workload stays pending with Kueue's \`insufficient quota … > maximum capacity\` message and the Job stays suspended.

## How to fix
Lower \`parallelism\` or the requests, or raise the ClusterQueue's \`nominalQuota\` or \`borrowingLimit\` (or put it in a cohort that can lend).

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 4}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: train
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  parallelism: 3
  template:
    spec:
      restartPolicy: Never
      containers: [{name: train, image: train:1, resources: {requests: {cpu: "2"}}}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 4}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: train
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: train, image: train:1, resources: {requests: {cpu: "2"}}}]
\`\`\``,
  check(ctx) {
    for (const job of queuedJobs(ctx)) {
      for (const problem of job.problems) {
        if (problem.kind !== 'never-fits') continue;
        const object = job.workload.object;
        const partial = problem.pods < job.podCount ? ` (of ${job.podCount}: the fewest its job-min-parallelism lets Kueue admit)` : '';
        const pods = `${problem.pods === 1 ? '1 pod' : `${problem.pods} pods`}${partial}`;
        ctx.report({
          file: object.file,
          span: ownLabelSpan(object, queueNameLabel),
          object,
          message: `Kueue never admits ${jobName(job)}: its ${pods} together need more ${problem.resource} than ClusterQueue ${problem.clusterQueue.name} can ever hold in flavor ${problem.flavor}, nominal quota plus what it may borrow ("${problem.message}"). Its Workload stays pending and the ${object.kind} suspended. Lower the pod count or the requests, or raise nominalQuota or borrowingLimit.`,
        });
      }
    }
  },
};
