// Reports containers without cpu or memory requests after LimitRange defaults.
import type { Rule } from './rule';

export const missingRequests: Rule = {
  id: 'missing-requests',
  summary: 'A container has no cpu or memory request, so the pod is BestEffort or Burstable and first in line for eviction.',
  category: 'correctness',
  defaultSeverity: 'warning',
  versions: `From Kubernetes 1.34 (PodLevelResources beta, on by default) a pod-level \`spec.resources\` stanza with cpu or memory replaces the containers' values for QoS and requests; with \`--kubernetes-version\` 1.33 or older it is ignored.`,
  scope: 'workspace',
  docs: `## Why this matters
Without requests the scheduler places the pod as if it used nothing, and the kubelet ranks it first under memory pressure (any usage exceeds a zero request).
Preemption arithmetic also uses requests: a pod without requests frees nothing when preempted, and needs nothing to fit.

## How to fix
Set \`resources.requests\` for cpu and memory (LimitRange \`defaultRequest\` values count).

## Invalid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - name: app
    image: nginx
\`\`\`

## Valid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 100m, memory: 128Mi}
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      if (w.podLevel !== undefined) continue;
      for (const c of w.containers) {
        const missing = ['cpu', 'memory'].filter((r) => (c.requests[r] ?? 0) === 0);
        if (missing.length === 0) continue;
        ctx.report({
          file: w.object.file,
          span: c.container.resourcesSpan,
          object: w.object,
          message: `Container ${c.container.name} of ${w.object.kind} ${w.object.name} has no ${missing.join(' or ')} request${w.object.namespace !== undefined && (ctx.model.limitRanges.get(w.object.namespace) ?? []).length > 0 ? " (even after the namespace's LimitRange defaults)" : ''}: the pod is ${w.qosClass} and any ${missing.includes('memory') ? 'memory' : 'cpu'} usage exceeds its request. Set resources.requests.`,
        });
      }
    }
  },
};
