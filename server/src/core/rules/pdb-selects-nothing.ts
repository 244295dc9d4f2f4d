// Reports PodDisruptionBudgets whose selector matches no workload in the workspace or cluster state.
import type { Rule } from './rule';
import { isEmptySelector, formatSelector } from '../semantics/labels';

export const pdbSelectsNothing: Rule = {
  id: 'pdb-selects-nothing',
  summary: 'A PodDisruptionBudget selects no workload (missing, empty or non-matching selector).',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
A PDB protects nothing when its selector matches no pods: drains and evictions proceed unchecked.
A missing (null) selector selects nothing. An empty selector \`{}\` selects every pod of the namespace for the Eviction API in \`policy/v1\`, but kube-scheduler's preemption treats it as selecting nothing.

## How to fix
Set \`spec.selector.matchLabels\` to the labels of the pod template you mean to protect, in the same namespace.

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
  minAvailable: 1
  selector:
    matchLabels: {app: web-typo}
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
  minAvailable: 1
  selector:
    matchLabels: {app: web}
\`\`\``,
  check(ctx) {
    for (const { pdb, workloads } of [...ctx.targets].flatMap((file) => ctx.model.pdbsInFile(file))) {
      const object = pdb.object;
      if (object.origin !== 'workspace' || !ctx.targets.has(object.file)) continue;
      if (pdb.selector === undefined) {
        ctx.report({
          file: object.file,
          span: object.nameSpan,
          object,
          message: `PodDisruptionBudget ${pdb.id} has no spec.selector, so it selects no pods and protects nothing. Add spec.selector.matchLabels.`,
        });
      } else if (isEmptySelector(pdb.selector)) {
        ctx.report({
          file: object.file,
          span: pdb.selector.span,
          object,
          message: `PodDisruptionBudget ${pdb.id} has an empty selector: ${pdb.apiVersion === 'policy/v1' ? 'the Eviction API applies it to every pod of the namespace, but kube-scheduler preemption ignores it' : 'in policy/v1beta1 it selects no pods'}. Select the pods explicitly.`,
        });
      } else if (workloads.length === 0 && ctx.model.hasWorkspaceWorkloads()) {
        ctx.report({
          file: object.file,
          span: pdb.selector.span,
          object,
          message: `PodDisruptionBudget ${pdb.id} selects ${formatSelector(pdb.selector)} but no workload in namespace ${pdb.namespace} has matching pod labels (workspace and cluster state).`,
        });
      }
    }
  },
};
