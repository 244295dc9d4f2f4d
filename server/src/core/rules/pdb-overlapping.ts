// Reports workloads whose pods are selected by more than one PodDisruptionBudget.
import type { Rule } from './rule';

export const pdbOverlapping: Rule = {
  id: 'pdb-overlapping',
  summary: 'More than one PodDisruptionBudget selects the same pods; the Eviction API then refuses to evict them.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'workspace',
  docs: `## Why this matters
The Eviction API does not support pods covered by several budgets: it answers \`This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.\` and drains stall.
Scheduler preemption decrements every matching budget.

## How to fix
Make the selectors disjoint so each pod has exactly one PDB.

## Invalid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: frontend}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {tier: frontend}}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      if (w.pdbs.length < 2) continue;
      ctx.report({
        file: w.object.file,
        span: w.object.nameSpan,
        object: w.object,
        message: `Pods of ${w.object.kind} ${w.object.name} are selected by ${w.pdbs.length} PodDisruptionBudgets (${w.pdbs.map((p) => p.pdb.id).join(', ')}): the Eviction API refuses to evict them ("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."). Make the selectors disjoint.`,
      });
    }
  },
};
