// Reports workspace PriorityClasses that no workload uses (directly or as the global default).
import type { Rule } from './rule';

export const priorityClassUnused: Rule = {
  id: 'priority-class-unused',
  summary: 'A PriorityClass in the workspace is used by no workload.',
  category: 'correctness',
  defaultSeverity: 'hint',
  scope: 'workspace',
  // The class can be deleted: editors fade it out.
  tags: ['unnecessary'],
  docs: `## Why this matters
An unused class is often a sign of a typo in a \`priorityClassName\` elsewhere, or of a leftover that still shifts the priority scale.

## How to fix
Use it, fix the misspelt reference, or delete it.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: nightly}
value: 50
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: report, image: report:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: nightly}
value: 50
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          priorityClassName: nightly
          restartPolicy: Never
          containers: [{name: report, image: report:1}]
\`\`\``,
  check(ctx) {
    if (ctx.model.workloadCount() === 0) return;
    const used = ctx.model.usedClassNames();
    for (const c of ctx.model.priorityClasses) {
      if (c.object === undefined || !ctx.targets.has(c.object.file) || used.has(c.name) || c.globalDefault) continue;
      ctx.report({
        file: c.object.file,
        span: c.object.nameSpan,
        object: c.object,
        message: `PriorityClass ${c.name} (value ${c.value}) is not used by any workload in the workspace.`,
      });
    }
  },
};
