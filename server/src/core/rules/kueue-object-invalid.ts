// Reports what the apiserver (Kueue's CRD schemas) or Kueue's webhook refuses in ClusterQueues, Cohorts and LocalQueues (R-Q.4).
import type { Rule } from './rule';
import { readKueueObject } from '../semantics/kueue-objects';
import { validateClusterQueue, validateCohort, validateLocalQueue } from '../semantics/kueue-validation';
import type { KueueViolation } from '../semantics/kueue-validation';

export const kueueObjectInvalid: Rule = {
  id: 'kueue-object-invalid',
  summary: "A Kueue ClusterQueue, Cohort or LocalQueue has a field value Kueue's CRD schema or webhook refuses.",
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
Kueue's CRD schemas (enums and CEL rules, checked by the apiserver) and Kueue's validating webhook (while Kueue runs) refuse these objects: the apply fails and the queue, with its preemption policy and quotas, does not exist as written.
Most often: a \`preemption\` value outside its enum, \`borrowWithinCohort.policy\` other than \`Never\` while \`reclaimWithinCohort\` is \`Never\` (its default), a \`borrowingLimit\` or \`lendingLimit\` without a cohort, a \`lendingLimit\` above \`nominalQuota\`, resources not listed in the order of \`coveredResources\`.

## How to fix
Use one of the values the message lists, or make the fields consistent as the message says (for example set \`reclaimWithinCohort: Any\` or \`LowerPriority\` when \`borrowWithinCohort\` should preempt).

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  cohortName: shared
  namespaceSelector: {}
  preemption:
    withinClusterQueue: LowerOrNewerEqualPriority
    borrowWithinCohort: {policy: LowerPriority}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  cohortName: shared
  namespaceSelector: {}
  preemption:
    withinClusterQueue: LowerOrNewerEqualPriority
    reclaimWithinCohort: Any
    borrowWithinCohort: {policy: LowerPriority}
\`\`\``,
  check(ctx) {
    if (!ctx.model.hasKueue()) return;
    for (const object of ctx.model.objectsIn(ctx.targets)) {
      const read = readKueueObject(object)?.read;
      if (read === undefined) continue;
      let violations: KueueViolation[];
      if (read.kind === 'ClusterQueue') violations = validateClusterQueue(read.value);
      else if (read.kind === 'Cohort') violations = validateCohort(read.value);
      else if (read.kind === 'LocalQueue') violations = validateLocalQueue(read.value);
      else continue;
      for (const v of violations) {
        const refusal =
          v.by === 'schema'
            ? `${object.kind}.kueue.x-k8s.io "${object.name}" is invalid: ${v.field}: ${v.message}. The apiserver refuses it (Kueue's CRD schema), so the ${object.kind} is not created or updated as written.`
            : `${v.field}: ${v.message}. Kueue's validating webhook refuses it while Kueue runs, so the ${object.kind} is not created or updated as written.`;
        ctx.report({ file: object.file, span: v.span, object, message: refusal });
      }
    }
  },
};
