// Reports pods that a LimitRange's min, max or maxLimitRequestRatio rejects at admission (R-D.10).
import { limitRangeViolations } from '../semantics/limit-range-validation';
import type { Rule } from './rule';

export const limitrangeViolation: Rule = {
  id: 'limitrange-violation',
  summary: "A container or the pod breaks a LimitRange's min, max or maxLimitRequestRatio: the apiserver rejects the pod.",
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'workspace',
  docs: `## Why this matters
After filling in its defaults, the LimitRanger admission plugin checks every \`min\`, \`max\` and \`maxLimitRequestRatio\` of
the namespace's LimitRanges: items of \`type: Container\` against each container and init container, items of
\`type: Pod\` against the pod's total requests and limits. One violation rejects the pod, e.g.
\`pods "web-…" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi\`. For a Deployment, Job or
StatefulSet the object is accepted and every Pod its controller creates is rejected, so nothing runs.

## How to fix
Bring the value within the LimitRange (or ask for the LimitRange to change). A missing request or limit counts as a
violation when the LimitRange has no default for it: set it explicitly.

## Invalid
\`\`\`yaml
apiVersion: v1
kind: LimitRange
metadata: {name: caps, namespace: team}
spec:
  limits:
  - type: Container
    max: {memory: 1Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          limits: {memory: 2Gi}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: v1
kind: LimitRange
metadata: {name: caps, namespace: team}
spec:
  limits:
  - type: Container
    max: {memory: 1Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          limits: {memory: 512Mi}
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      const limitRanges = ctx.model.limitRanges.get(w.object.namespace ?? 'default') ?? [];
      const podName = w.object.kind === 'Pod' ? w.object.name : `${w.object.name}-…`;
      const who = w.object.kind === 'Pod' ? 'this Pod' : `every Pod of this ${w.object.kind}`;
      for (const v of limitRangeViolations(w.workload, w.containers, w.podLevel, limitRanges)) {
        ctx.report({
          file: w.object.file,
          span: v.span,
          object: w.object,
          message: `pods "${podName}" is forbidden: ${v.cause}. LimitRange ${v.limitRange} sets this ${v.constraint.kind} per ${v.constraint.type}, so the apiserver rejects ${who}; bring the value within the LimitRange.`,
        });
      }
    }
  },
};
