// Reports queued jobs that request a resource their ClusterQueue covers in no resource group (R-Q.1).
import type { Rule } from './rule';
import { queueNameLabel } from '../semantics/kueue-objects';
import { jobName, ownLabelSpan, queuedJobs } from './support/kueue';

export const kueueResourceNotCovered: Rule = {
  id: 'kueue-resource-not-covered',
  summary: 'A queued job requests a resource its ClusterQueue does not cover, so Kueue never admits it.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Kueue assigns every resource a job requests to a flavor of the ClusterQueue's \`resourceGroups\`.
A requested resource that no group lists in \`coveredResources\` cannot be assigned: the Workload stays pending with \`couldn't assign flavors to pod set main: resource … unavailable in ClusterQueue\`, and the Job stays suspended.

Kueue's own Configuration can exclude resources (\`resources.excludeResourcePrefixes\`) or transform them into others (\`resources.transformations\`, e.g. HAMi's \`nvidia.com/gpucores\` counted as \`nvidia.com/total-gpucores\`); manifests do not show that configuration, so with one in place a finding for such a resource is a false positive (suppress it).

## How to fix
Add the resource to a resource group's \`coveredResources\`, with a quota in each of its flavors, or remove the request from the job.

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
  name: train
  namespace: ci
  labels: {kueue.x-k8s.io/queue-name: ci}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: train, image: train:1, resources: {requests: {cpu: "2", memory: 4Gi}}}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu, memory]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 8}, {name: memory, nominalQuota: 32Gi}]
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
  template:
    spec:
      restartPolicy: Never
      containers: [{name: train, image: train:1, resources: {requests: {cpu: "2", memory: 4Gi}}}]
\`\`\``,
  check(ctx) {
    for (const job of queuedJobs(ctx)) {
      for (const problem of job.problems) {
        if (problem.kind !== 'resource-not-covered') continue;
        const object = job.workload.object;
        ctx.report({
          file: object.file,
          span: ownLabelSpan(object, queueNameLabel),
          object,
          message: `Kueue never admits ${jobName(job)}: it requests ${problem.resource}, which no resource group of ClusterQueue ${problem.clusterQueue.name} covers ("${problem.message}"). Its Workload stays pending and the ${object.kind} suspended. Add ${problem.resource} to the coveredResources of a resource group (with a quota in each flavor) or remove the request.`,
        });
      }
    }
  },
};
