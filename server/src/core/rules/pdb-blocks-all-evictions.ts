// Reports PodDisruptionBudgets that allow zero disruptions even when every pod is healthy.
import type { Rule } from './rule';

export const pdbBlocksAllEvictions: Rule = {
  id: 'pdb-blocks-all-evictions',
  summary: 'A PodDisruptionBudget allows no disruption even with every pod healthy, blocking drains forever.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'workspace',
  docs: `## Why this matters
With \`minAvailable\` equal to the replicas (or 100%), or \`maxUnavailable: 0\`, \`disruptionsAllowed\` stays 0: every Eviction API call is refused with 429 and \`kubectl drain\` never finishes.
Scheduler preemption still evicts such pods (PDBs are best effort there), so the budget protects against the wrong thing.

## How to fix
Allow at least one disruption: lower \`minAvailable\` below the replica count, or set \`maxUnavailable: 1\`.

## Invalid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 0
  selector: {matchLabels: {app: web}}
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
    metadata: {labels: {app: web}}
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
    for (const { pdb, workloads, estimate } of [...ctx.targets].flatMap((file) => ctx.model.pdbsInFile(file))) {
      const object = pdb.object;
      if (object.origin !== 'workspace' || !ctx.targets.has(object.file)) continue;
      if (workloads.length === 0 || estimate.disruptionsAllowed > 0) continue;
      const field = pdb.maxUnavailable ?? pdb.minAvailable;
      ctx.report({
        file: object.file,
        span: field?.span ?? object.nameSpan,
        object,
        message: `PodDisruptionBudget ${pdb.id} allows 0 disruptions even with all ${estimate.currentHealthy} selected pod(s) healthy (${estimate.explanation}): every eviction is refused and node drains block. Allow at least one disruption.`,
      });
    }
  },
};
