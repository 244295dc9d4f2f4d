// Reports workspace PriorityClasses that change the immutable value or preemptionPolicy of the class in the cluster.
import type { Rule } from './rule';
import { replace } from '../edits/text-edits';

export const priorityClassValueImmutable: Rule = {
  id: 'priority-class-value-immutable',
  summary: 'A PriorityClass changes value or preemptionPolicy of the existing class in the cluster; both are immutable.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'cluster',
  docs: `## Why this matters
\`value\` and \`preemptionPolicy\` of a PriorityClass cannot be updated (\`value: Forbidden: may not be changed in an update.\`, \`preemptionPolicy: Invalid value: ...: field is immutable\`), so \`kubectl apply\` fails.
Even a delete-and-recreate does not change running pods: their integer priority was fixed at creation.

## How to fix
Create a new class with the new value and move workloads to it, or keep the cluster's value.
This rule needs cluster state: \`kpl check --cluster-state\` or cluster-aware analysis in the editor.

## Invalid
\`\`\`yaml cluster
# Cluster state: the class as it exists in the cluster
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
\`\`\`

\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 2000
\`\`\`

## Valid
\`\`\`yaml cluster
# Cluster state: the class as it exists in the cluster
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
\`\`\`

\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-v2}
value: 2000
\`\`\``,
  check(ctx) {
    for (const c of ctx.model.priorityClasses) {
      const existing = ctx.model.classIndex.clusterVersions.get(c.name);
      if (existing === undefined || c.object === undefined || !ctx.targets.has(c.object.file)) continue;
      // A missing value decodes as 0 and is compared as such (R-B.3).
      if (c.value !== existing.value) {
        const missing = c.valueField === undefined ? ' (value is missing, which the apiserver reads as 0)' : '';
        ctx.report({
          file: c.object.file,
          span: c.valueField?.span ?? c.object.nameSpan,
          object: c.object,
          message: `PriorityClass.scheduling.k8s.io "${c.name}" is invalid: value: Forbidden: may not be changed in an update. The cluster's class has value ${existing.value}${missing}; running pods keep their priority anyway.`,
          ...(c.valueField !== undefined
            ? {
                fix: {
                  description: `Keep the cluster's value ${existing.value}`,
                  edits: [replace(c.valueField.span, String(existing.value))],
                },
              }
            : {}),
        });
      }
      if (c.preemptionPolicy !== existing.preemptionPolicy) {
        ctx.report({
          file: c.object.file,
          span: c.preemptionPolicyField?.span ?? c.object.nameSpan,
          object: c.object,
          message: `PriorityClass.scheduling.k8s.io "${c.name}" is invalid: preemptionPolicy: Invalid value: "${c.preemptionPolicy}": field is immutable (the cluster's class has ${existing.preemptionPolicy}).`,
        });
      }
    }
  },
};
