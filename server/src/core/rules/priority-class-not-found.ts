// Reports workloads whose priorityClassName names no PriorityClass in the workspace, the cluster state or the built-ins.
import type { Rule } from './rule';
import { closest } from '../suggest';
import { replaceString } from '../edits/text-edits';

export const priorityClassNotFound: Rule = {
  id: 'priority-class-not-found',
  summary: 'A workload names a PriorityClass that does not exist, so the apiserver rejects its pods.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'cluster',
  docs: `## Why this matters
The Priority admission plugin looks the class up by name when the pod is created.
An unknown name is rejected with \`pods "..." is forbidden: no PriorityClass with name ... was found\`: a Deployment or Job then never gets a single pod, and only the controller's events say why.

## How to fix
Correct the name (the finding suggests the closest known class) or create the PriorityClass.
Known classes are those in the workspace, those given with \`--cluster-state\` or read from the live cluster, and the built-in \`system-cluster-critical\` and \`system-node-critical\`.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: evaluation-high}
value: 1000
---
apiVersion: batch/v1
kind: Job
metadata: {name: eval}
spec:
  template:
    spec:
      priorityClassName: evaluation-hihg
      restartPolicy: Never
      containers: [{name: eval, image: eval:2}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: evaluation-high}
value: 1000
---
apiVersion: batch/v1
kind: Job
metadata: {name: eval}
spec:
  template:
    spec:
      priorityClassName: evaluation-high
      restartPolicy: Never
      containers: [{name: eval, image: eval:2}]
\`\`\``,
  check(ctx) {
    const names = ctx.model.classIndex.names();
    for (const w of ctx.workloads) {
      const field = w.workload.priorityClassName;
      if (field === undefined || field.value === '' || w.priority.priorityClass !== undefined) continue;
      const suggestions = closest(field.value, names);
      const best = suggestions[0];
      const hint = best === undefined ? ` Known classes: ${names.sort().join(', ')}.` : ` Did you mean "${best}"?`;
      ctx.report({
        file: w.object.file,
        span: field.span,
        object: w.object,
        message: `${w.priority.admission.message ?? `no PriorityClass with name ${field.value} was found`}. The apiserver rejects every pod of this ${w.object.kind}.${hint}`,
        ...(best === undefined
          ? {}
          : {
              fix: {
                description: `Change priorityClassName to "${best}"`,
                edits: [replaceString(ctx.text(w.object.file), field.span, best)],
              },
            }),
      });
    }
  },
};
