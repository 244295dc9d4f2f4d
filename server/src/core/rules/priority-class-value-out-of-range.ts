// Reports user PriorityClasses above the highest user-definable priority (1000000000).
import type { Rule } from './rule';
import { replace } from '../edits/text-edits';
import { highestUserDefinablePriority } from '../semantics/priority-class';

export const priorityClassValueOutOfRange: Rule = {
  id: 'priority-class-value-out-of-range',
  summary: 'A user PriorityClass has a value above 1000000000, which only system classes may use.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
Values above 1000000000 are reserved for \`system-cluster-critical\` and \`system-node-critical\`; the apiserver rejects the class with \`maximum allowed value of a user defined priority is 1000000000\`, and every workload naming it is rejected in turn.

## How to fix
Use a value of at most 1000000000. To protect a pod from node-pressure eviction, use a system class instead (only pods at 2000000000 or above are exempt).

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: platform}
value: 1500000000
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: platform}
value: 1000000000
\`\`\``,
  check(ctx) {
    for (const c of ctx.model.priorityClasses) {
      if (c.object === undefined || !ctx.targets.has(c.object.file) || c.name.startsWith('system-') || c.valueField === undefined) continue;
      if (c.value <= highestUserDefinablePriority) continue;
      ctx.report({
        file: c.object.file,
        span: c.valueField.span,
        object: c.object,
        message: `PriorityClass.scheduling.k8s.io "${c.name}" is invalid: value: Forbidden: maximum allowed value of a user defined priority is ${highestUserDefinablePriority}.`,
        fix: {
          description: `Set value to ${highestUserDefinablePriority}`,
          edits: [replace(c.valueField.span, String(highestUserDefinablePriority))],
        },
      });
    }
  },
};
