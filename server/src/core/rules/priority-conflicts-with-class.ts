// Reports pods whose own spec.priority or spec.preemptionPolicy disagrees with what admission computes from the class.
import type { Rule } from './rule';
import { removeEntry } from '../edits/text-edits';

export const priorityConflictsWithClass: Rule = {
  id: 'priority-conflicts-with-class',
  summary: 'spec.priority or spec.preemptionPolicy is set and differs from the value of the PriorityClass.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'cluster',
  docs: `## Why this matters
The Priority admission plugin computes \`spec.priority\` and \`spec.preemptionPolicy\` from the (named or default) class.
A pod that carries a different value is rejected: \`the integer value of priority (N) must not be provided in pod spec; priority admission controller computed M from the given PriorityClass name\`.

## How to fix
Remove \`spec.priority\` (and \`spec.preemptionPolicy\`) from the manifest and let admission fill them in; choose the priority through \`priorityClassName\`.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  priorityClassName: high
  priority: 5
  containers: [{name: app, image: nginx}]
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
metadata: {name: app}
spec:
  priorityClassName: high
  containers: [{name: app, image: nginx}]
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      const message = w.priority.admission.message;
      if (
        w.priority.admission.allowed ||
        message === undefined ||
        (w.priority.priorityClass === undefined && w.workload.priorityClassName !== undefined)
      )
        continue;
      const field = message.includes('integer value of priority') ? w.workload.priority : w.workload.preemptionPolicy;
      if (field === undefined) continue;
      const key = field === w.workload.priority ? 'priority' : 'preemptionPolicy';
      const removal = w.workload.podSpec === undefined ? undefined : removeEntry(ctx.text(w.object.file), w.workload.podSpec, key);
      ctx.report({
        file: w.object.file,
        span: field.span,
        object: w.object,
        message: `${message}. The apiserver rejects every pod of this ${w.object.kind}.`,
        ...(removal === undefined ? {} : { fix: { description: `Remove spec.${key} and let admission set it`, edits: [removal] } }),
      });
    }
  },
};
