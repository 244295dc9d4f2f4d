// Reports PriorityClass preemptionPolicy values other than PreemptLowerPriority and Never.
import type { Rule } from './rule';
import { closest } from '../suggest';
import { replaceString } from '../edits/text-edits';

const allowed = ['PreemptLowerPriority', 'Never'];

export const priorityClassInvalidPreemptionPolicy: Rule = {
  id: 'priority-class-invalid-preemption-policy',
  summary: 'A PriorityClass (or pod) has a preemptionPolicy other than PreemptLowerPriority or Never.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
The apiserver accepts only \`PreemptLowerPriority\` (the default) and \`Never\`; anything else (wrong case included) rejects the object.

## How to fix
Use one of the two values exactly.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: batch}
value: 1000
preemptionPolicy: never
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: batch}
value: 1000
preemptionPolicy: Never
\`\`\``,
  check(ctx) {
    const fields = [
      ...ctx.model.priorityClasses.map((c) => ({ object: c.object, field: c.preemptionPolicyField })),
      ...ctx.workloads.map((w) => ({ object: w.object, field: w.workload.preemptionPolicy })),
    ];
    for (const { object, field } of fields) {
      if (object === undefined || field === undefined || !ctx.targets.has(object.file) || allowed.includes(field.value)) continue;
      const best = closest(field.value, allowed)[0];
      ctx.report({
        file: object.file,
        span: field.span,
        object,
        message: `preemptionPolicy: Unsupported value: "${field.value}": supported values: "Never", "PreemptLowerPriority". The apiserver rejects this ${object.kind}.`,
        ...(best === undefined
          ? {}
          : {
              fix: { description: `Change preemptionPolicy to ${best}`, edits: [replaceString(ctx.text(object.file), field.span, best)] },
            }),
      });
    }
  },
};
