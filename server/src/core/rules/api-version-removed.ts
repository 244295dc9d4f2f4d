// Reports objects in an API version the modelled Kubernetes release no longer serves (R-B.6).
import type { Rule } from './rule';
import { removedApiVersion } from '../semantics/api-versions';
import { entry } from '../syntax/tree';

export const apiVersionRemoved: Rule = {
  id: 'api-version-removed',
  summary: 'An object uses an apiVersion that the modelled Kubernetes version no longer serves, so it is never created.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  versions:
    'Removed in 1.16: extensions/v1beta1, apps/v1beta1 and apps/v1beta2 workloads. 1.21: batch/v2alpha1 CronJob. 1.22: scheduling.k8s.io/v1alpha1 and v1beta1 PriorityClass. 1.25: batch/v1beta1 CronJob, policy/v1beta1 PodDisruptionBudget, node.k8s.io/v1beta1 RuntimeClass. Set the modelled version with `--kubernetes-version` or `kubernetesVersion` in `.kpl.yaml`.',
  docs: `## Why this matters
\`kubectl apply\` fails with \`no matches for kind "PodDisruptionBudget" in version "policy/v1beta1"\`: the apiserver of the
modelled version does not serve that API version, so the object is never created. A PriorityClass that does not exist
gives no pod its priority, a PodDisruptionBudget that does not exist protects nothing, and a workload that does not
exist runs no pods; the analysis leaves such objects out.

## How to fix
Use the replacement apiVersion (the quick fix does it). Check the fields that changed between versions (for example
\`policy/v1\` reads an empty PDB selector as "every pod of the namespace", \`policy/v1beta1\` as "none").

## Invalid
\`\`\`yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
\`\`\``,
  check(ctx) {
    const minor = ctx.model.options.kubernetesMinor;
    for (const object of ctx.model.objectsIn(ctx.targets)) {
      const removed = removedApiVersion(object.kind, object.apiVersion, minor);
      if (removed === undefined) continue;
      const field = entry(object.node, 'apiVersion');
      const span = field?.value.span ?? object.nameSpan;
      const text = ctx.text(object.file);
      const quote = text[span.start];
      const newText = quote === '"' || quote === "'" ? JSON.stringify(removed.replacement) : removed.replacement;
      ctx.report({
        file: object.file,
        span,
        object,
        message: `${object.id} uses apiVersion ${object.apiVersion}, which Kubernetes no longer serves since 1.${removed.removedIn} (modelled version 1.${minor}): kubectl fails with no matches for kind "${object.kind}" in version "${object.apiVersion}" and the object is never created, so it is left out of the analysis. Use apiVersion ${removed.replacement}.`,
        ...(field === undefined ? {} : { fix: { description: `Change apiVersion to ${removed.replacement}`, edits: [{ span, newText }] } }),
      });
    }
  },
};
