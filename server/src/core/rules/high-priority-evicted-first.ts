// Reports high-priority workloads that the kubelet evicts before lower-priority ones, because usage can exceed requests.
import type { Rule } from './rule';

export const highPriorityEvictedFirst: Rule = {
  id: 'high-priority-evicted-first',
  summary: 'Priority does not protect this workload from node-pressure eviction: its memory usage can exceed its requests.',
  category: 'prediction',
  defaultSeverity: 'warning',
  versions: `From Kubernetes 1.34 (PodLevelResources beta, on by default) a pod-level \`spec.resources\` stanza with cpu or memory replaces the containers' values for QoS and requests; with \`--kubernetes-version\` 1.33 or older it is ignored.`,
  scope: 'workspace',
  docs: `## Why this matters
Under memory pressure the kubelet first ranks pods whose working set *exceeds their memory request*, and only then by priority.
A high-priority pod without a memory request (or with a limit above it) is evicted before a low-priority pod that stays within its requests.

## How to fix
Set memory requests to the expected usage; with requests equal to limits the pod is Guaranteed and cannot exceed its request.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: batch}   # priority 0, but its memory limit equals its request
spec:
  containers:
  - name: batch
    image: batch:1
    resources:
      requests: {memory: 1Gi}
      limits: {memory: 1Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  priorityClassName: high
  containers:
  - name: api
    image: api:1
    resources: {}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: batch}
spec:
  containers:
  - name: batch
    image: batch:1
    resources:
      requests: {memory: 1Gi}
      limits: {memory: 1Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  priorityClassName: high
  containers:
  - name: api
    image: api:1
    resources:
      requests: {memory: 1Gi}
      limits: {memory: 1Gi}
\`\`\``,
  check(ctx) {
    // The workload is "high priority" when some workload below it stays within its requests; counts use a binary search.
    const lowest = ctx.model.lowestBoundedPriority();
    if (lowest === undefined) return;
    for (const w of ctx.workloads) {
      if (w.evictionTier.tier !== 1 || w.priority.priority <= lowest) continue;
      const lower = ctx.model.boundedBelow(w.priority.priority);
      ctx.report({
        file: w.object.file,
        span: w.object.nameSpan,
        object: w.object,
        message: `${w.object.kind} ${w.object.name} has priority ${w.priority.priority}, yet under node memory pressure the kubelet evicts it before ${lower} lower-priority workload(s) that stay within their requests: ${w.evictionTier.reason}. Set memory requests (ideally equal to limits).`,
      });
    }
  },
};
