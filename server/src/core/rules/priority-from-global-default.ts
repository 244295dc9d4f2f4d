// Reports workloads without priorityClassName that silently get the globalDefault class.
import type { Rule } from './rule';
import { insertKey, replaceString } from '../edits/text-edits';

export const priorityFromGlobalDefault: Rule = {
  id: 'priority-from-global-default',
  summary: 'A workload has no priorityClassName and silently gets the globalDefault class.',
  category: 'prediction',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Pods without \`priorityClassName\` get the class marked \`globalDefault: true\` (the one with the lowest value if several), and its \`preemptionPolicy\`.
Nothing in the manifest says so: test pods can end up far below other workloads and be preempted first.

## How to fix
Name the intended class explicitly (the quick fix writes the current default, making today's behaviour visible), or pick a higher class.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: ci-default}
value: 100
globalDefault: true
---
apiVersion: batch/v1
kind: Job
metadata: {name: integration-tests}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: test, image: busybox}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: ci-default}
value: 100
globalDefault: true
---
apiVersion: batch/v1
kind: Job
metadata: {name: integration-tests}
spec:
  template:
    spec:
      priorityClassName: ci-default
      restartPolicy: Never
      containers: [{name: test, image: busybox}]
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      if (w.priority.from !== 'globalDefault' || w.workload.podSpec === undefined) continue;
      const className = w.priority.priorityClassName ?? '';
      const higher = ctx.model.preemptorCount(w);
      // `priorityClassName: ""` is "no class" too: replace the empty value rather than adding a second key.
      const existing = w.workload.priorityClassName;
      const fix =
        existing !== undefined
          ? replaceString(ctx.text(w.object.file), existing.span, className)
          : insertKey(ctx.text(w.object.file), w.workload.podSpec, 'priorityClassName', className);
      ctx.report({
        file: w.object.file,
        span: w.object.nameSpan,
        object: w.object,
        message: `${w.object.kind} ${w.object.name} has no priorityClassName, so its pods get the globalDefault class "${className}" (value ${w.priority.priority}, ${w.priority.preemptionPolicy}).${higher > 0 ? ` ${higher} workload(s) of higher priority can preempt them.` : ''} Set priorityClassName explicitly.`,
        ...(fix === undefined ? {} : { fix: { description: `Set priorityClassName: ${className} explicitly`, edits: [fix] } }),
      });
    }
  },
};
