// Reports PriorityClasses using the reserved `system-` prefix that the apiserver rejects.
import type { Rule } from './rule';
import { validatePriorityClass } from '../semantics/priority-class';

export const priorityClassReservedName: Rule = {
  id: 'priority-class-reserved-name',
  summary: 'A PriorityClass uses the reserved "system-" name prefix without being an exact built-in class.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
Names starting with \`system-\` are reserved: only \`system-cluster-critical\` (2000000000) and \`system-node-critical\` (2000001000), with \`globalDefault: false\`, are accepted. Anything else is rejected on \`metadata.name\`.

## How to fix
Rename the class (for example drop the \`system-\` prefix), or use the built-in class directly: it exists in every cluster.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: system-important}
value: 1000
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: important}
value: 1000
\`\`\``,
  check(ctx) {
    for (const c of ctx.model.priorityClasses) {
      if (c.object === undefined || !ctx.targets.has(c.object.file)) continue;
      for (const v of validatePriorityClass(c)) {
        if (v.field !== 'metadata.name') continue;
        ctx.report({
          file: c.object.file,
          span: c.object.nameSpan,
          object: c.object,
          message: `PriorityClass.scheduling.k8s.io "${c.name}" is invalid: metadata.name: Forbidden: ${v.message}.`,
        });
      }
    }
  },
};
