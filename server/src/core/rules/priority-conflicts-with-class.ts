// Reports pods whose own spec.priority or spec.preemptionPolicy disagrees with what admission computes from the class.
import type { Rule } from './rule';
import { removeLine } from '../edits/text-edits';

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
spec:
  priorityClassName: high   # value 1000
  priority: 5
\`\`\`

## Valid
\`\`\`yaml
spec:
  priorityClassName: high
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
      ctx.report({
        file: w.object.file,
        span: field.span,
        object: w.object,
        message: `${message}. The apiserver rejects every pod of this ${w.object.kind}.`,
        fix: {
          description: `Remove spec.${field === w.workload.priority ? 'priority' : 'preemptionPolicy'} and let admission set it`,
          edits: [removeLine(ctx.text(w.object.file), { start: field.keySpan.start, end: field.span.end })],
        },
      });
    }
  },
};
