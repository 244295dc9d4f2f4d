// Reports LocalQueues whose spec.clusterQueue names a ClusterQueue that does not exist (R-Q.1).
import type { Rule } from './rule';
import { closest } from '../suggest';
import { replaceString } from '../edits/text-edits';
import { readKueueObject } from '../semantics/kueue-objects';
import { didYouMean } from './support/kueue';

export const kueueClusterQueueNotFound: Rule = {
  id: 'kueue-cluster-queue-not-found',
  summary: 'A Kueue LocalQueue points to a ClusterQueue that does not exist, so no job queued there is ever admitted.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
A LocalQueue only forwards Workloads to the ClusterQueue named by \`spec.clusterQueue\`, which holds the quota.
If that ClusterQueue does not exist, every Workload of the LocalQueue stays pending and every job that names the LocalQueue stays suspended.

## How to fix
Correct the name (the finding suggests the closest ClusterQueue) or create the ClusterQueue.
Known ClusterQueues are those in the workspace and those given with \`--cluster-state\`.

## Invalid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec: {namespaceSelector: {}}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: tests, namespace: ci}
spec: {clusterQueue: cl}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec: {namespaceSelector: {}}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: tests, namespace: ci}
spec: {clusterQueue: ci}
\`\`\``,
  check(ctx) {
    if (!ctx.model.hasKueue()) return;
    const known = [...ctx.model.kueue.clusterQueues.keys()];
    for (const object of ctx.model.objectsIn(ctx.targets)) {
      const read = readKueueObject(object)?.read;
      if (read?.kind !== 'LocalQueue') continue;
      const field = read.value.clusterQueue;
      if (field === undefined || field.value === '' || ctx.model.kueue.clusterQueues.has(field.value)) continue;
      const suggestions = closest(field.value, known);
      const best = suggestions[0];
      ctx.report({
        file: object.file,
        span: field.span,
        object,
        message: `ClusterQueue "${field.value}" does not exist: LocalQueue ${read.value.namespace}/${read.value.name} forwards its Workloads nowhere, so every job queued in it stays suspended.${didYouMean(suggestions, known, 'ClusterQueue')}`,
        ...(best === undefined
          ? {}
          : { fix: { description: `Change clusterQueue to "${best}"`, edits: [replaceString(ctx.text(object.file), field.span, best)] } }),
      });
    }
  },
};
