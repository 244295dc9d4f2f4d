// Reports queued jobs whose namespace their ClusterQueue's namespaceSelector does not select (R-Q.1).
import type { Rule } from './rule';
import { queueNameLabel } from '../semantics/kueue-objects';
import { jobName, ownLabelSpan, queuedJobs } from './support/kueue';

export const kueueNamespaceNotAdmitted: Rule = {
  id: 'kueue-namespace-not-admitted',
  summary: "A queued job's namespace is not selected by its ClusterQueue's namespaceSelector, so Kueue never admits it.",
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
A ClusterQueue admits Workloads only from namespaces its \`namespaceSelector\` selects; an absent selector selects none, \`{}\` selects all.
A job from another namespace stays pending (its Workload is inadmissible) and its Job suspended, although its LocalQueue points to the ClusterQueue.
Labels of a Namespace that is not in the workspace are unknown: only selectors decided by the name alone (\`kubernetes.io/metadata.name\`) or an absent selector are judged then.

## How to fix
Label the Namespace so that the selector matches, widen the selector (\`namespaceSelector: {}\` for every namespace), or queue the job in a LocalQueue of a ClusterQueue that admits its namespace.

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 8}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: unit
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: unit, image: unit:1, resources: {requests: {cpu: "1"}}}]
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
      resources: [{name: cpu, nominalQuota: 8}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: unit
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: unit, image: unit:1, resources: {requests: {cpu: "1"}}}]
\`\`\``,
  check(ctx) {
    for (const job of queuedJobs(ctx)) {
      for (const problem of job.problems) {
        if (problem.kind !== 'namespace-not-admitted') continue;
        const object = job.workload.object;
        const why = problem.selectorIsNil
          ? 'has no namespaceSelector, which selects no namespace'
          : `has a namespaceSelector that does not select namespace ${problem.namespace}`;
        ctx.report({
          file: object.file,
          span: ownLabelSpan(object, queueNameLabel),
          object,
          message: `Kueue never admits ${jobName(job)}: ClusterQueue ${problem.clusterQueue.name} ${why}. Its Workload stays pending and the ${object.kind} suspended. Label the Namespace to match, widen the selector (namespaceSelector: {} selects every namespace), or use a queue that admits ${problem.namespace}.`,
        });
      }
    }
  },
};
