// Reports ClusterQueue flavors that name no ResourceFlavor (R-Q.1): the ClusterQueue is inactive.
import type { Rule } from './rule';
import { closest } from '../suggest';
import { replaceString } from '../edits/text-edits';
import { readKueueObject } from '../semantics/kueue-objects';
import { didYouMean } from './support/kueue';

export const kueueResourceFlavorNotFound: Rule = {
  id: 'kueue-resource-flavor-not-found',
  summary: 'A ClusterQueue quota names a ResourceFlavor that does not exist, so the queue admits nothing.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
Every flavor of a ClusterQueue's \`resourceGroups\` must name a ResourceFlavor object.
While one is missing, Kueue keeps the ClusterQueue inactive (condition \`Active\` False, reason \`FlavorNotFound\`): none of its Workloads is admitted and every job queued there stays suspended.

## How to fix
Correct the name (the finding suggests the closest ResourceFlavor) or create the ResourceFlavor.

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: default-flavor}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default
      resources: [{name: cpu, nominalQuota: 8}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: default-flavor}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 8}]
\`\`\``,
  check(ctx) {
    if (!ctx.model.hasKueue()) return;
    const known = [...ctx.model.kueue.flavors.keys()];
    for (const object of ctx.model.objectsIn(ctx.targets)) {
      const read = readKueueObject(object)?.read;
      if (read?.kind !== 'ClusterQueue') continue;
      for (const group of read.value.resourceGroups)
        for (const flavor of group.flavors) {
          if (flavor.name === '' || ctx.model.kueue.flavors.has(flavor.name)) continue;
          const suggestions = closest(flavor.name, known);
          const best = suggestions[0];
          const effect = `Kueue keeps ClusterQueue ${read.value.name} inactive (FlavorNotFound): it admits no Workload, and every job queued there stays suspended.`;
          ctx.report({
            file: object.file,
            span: flavor.nameSpan,
            object,
            message: `ResourceFlavor "${flavor.name}" does not exist: ${effect}${didYouMean(suggestions, known, 'ResourceFlavor')}`,
            ...(best === undefined
              ? {}
              : {
                  fix: {
                    description: `Change the flavor to "${best}"`,
                    edits: [replaceString(ctx.text(object.file), flavor.nameSpan, best)],
                  },
                }),
          });
        }
    }
  },
};
