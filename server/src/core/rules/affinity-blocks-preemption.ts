// Reports required pod (anti-)affinity that preemption cannot resolve or that cannot be satisfied by the known nodes.
import type { Rule } from './rule';
import { selectorMatches } from '../semantics/labels';
import { get, scalarText } from '../syntax/tree';

export const affinityBlocksPreemption: Rule = {
  id: 'affinity-blocks-preemption',
  summary:
    'Required pod affinity toward lower-priority pods, or anti-affinity with more replicas than topology domains, blocks scheduling by preemption.',
  category: 'prediction',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
kube-scheduler removes all lower-priority pods of a node before checking whether the preemptor fits.
If the preemptor *requires* affinity to pods of lower priority, removing them breaks the affinity, so preemption never helps: the pod stays Pending.
Required anti-affinity against its own pods needs one topology domain (e.g. one node for \`kubernetes.io/hostname\`) per replica; extra replicas stay Pending.

## How to fix
Use \`preferredDuringSchedulingIgnoredDuringExecution\`, or give the pods it depends on at least the same priority; keep replicas at or below the number of domains.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: cache, labels: {app: cache}}   # no class: priority 0
spec:
  containers: [{name: cache, image: redis}]
---
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  priorityClassName: high
  affinity:
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: cache}}
        topologyKey: kubernetes.io/hostname
  containers: [{name: api, image: api:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: cache, labels: {app: cache}}
spec:
  containers: [{name: cache, image: redis}]
---
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  priorityClassName: high
  affinity:
    podAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector: {matchLabels: {app: cache}}
          topologyKey: kubernetes.io/hostname
  containers: [{name: api, image: api:1}]
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      const namespace = w.object.namespace ?? 'default';
      for (const term of w.workload.requiredPodAffinity) {
        const selector = term.labelSelector;
        if (selector === undefined) continue;
        const namespaces = term.namespaces.length > 0 ? term.namespaces : [namespace];
        const targets = ctx.model.workloads.filter(
          (o) =>
            o !== w &&
            namespaces.includes(o.object.namespace ?? 'default') &&
            selectorMatches(selector, o.workload.podLabels, 'everything'), // R-K.1
        );
        const lower = targets.filter((o) => o.priority.priority < w.priority.priority);
        if (lower.length === 0 || lower.length < targets.length) continue;
        ctx.report({
          file: w.object.file,
          span: term.span,
          object: w.object,
          message: `${w.object.kind} ${w.object.name} (priority ${w.priority.priority}) requires pod affinity to ${lower
            .map((o) => `${o.object.kind} ${o.object.name} (priority ${o.priority.priority})`)
            .slice(0, 3)
            .join(
              ', ',
            )}, all of lower priority: preemption removes them first, so it can never make room for this pod. Use preferred affinity or raise their priority.`,
        });
      }
      for (const term of w.workload.requiredPodAntiAffinity) {
        const selector = term.labelSelector;
        if (selector === undefined || w.workload.replicas === undefined || !selectorMatches(selector, w.workload.podLabels, 'everything'))
          continue; // R-K.1
        const domains = new Set<string>();
        for (const node of ctx.model.nodes) {
          const value =
            scalarText(get(node.node, 'metadata', 'labels', term.topologyKey)) ??
            (term.topologyKey === 'kubernetes.io/hostname' ? node.name : undefined);
          if (value !== undefined) domains.add(value);
        }
        if (domains.size === 0 || w.workload.replicas <= domains.size) continue;
        ctx.report({
          file: w.object.file,
          span: term.span,
          object: w.object,
          message: `${w.object.kind} ${w.object.name} wants ${w.workload.replicas} replicas with required anti-affinity on ${term.topologyKey}, but only ${domains.size} topology domain(s) are known: ${w.workload.replicas - domains.size} pod(s) stay Pending, and preemption cannot help against its own pods of equal priority.`,
        });
      }
    }
  },
};
