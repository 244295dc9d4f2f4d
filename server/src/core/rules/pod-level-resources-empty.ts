// Reports pod-level `spec.resources` stanzas with no cpu, memory or hugepages request or limit (R-C.4).
import type { Rule } from './rule';
import { removeEntry } from '../edits/text-edits';

const supported = (name: string): boolean => name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');

export const podLevelResourcesEmpty: Rule = {
  id: 'pod-level-resources-empty',
  summary: 'A pod-level spec.resources stanza sets no cpu, memory or hugepages value, and its QoS class depends on the Kubernetes version.',
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'file',
  versions: `Pod-level resources are read from Kubernetes 1.34 (beta, on by default); before that the stanza is ignored.
Originally any non-nil \`spec.resources\` (even \`{}\`) switched QoS to the pod-level path and made such a pod BestEffort; the fix behind \`PodLevelResourcesFixKubeletQOSClass\` (2026) requires at least one supported value. kpl follows the fixed rule.`,
  docs: `## Why this matters
An empty (or extended-resources-only) pod-level \`resources\` stanza does nothing under the fixed rule, but on kubelets and apiservers before the fix it makes the whole pod BestEffort whatever its containers request: first in line for eviction.

## How to fix
Remove the empty stanza, or set pod-level cpu/memory requests and limits.

## Invalid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  resources: {}
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 1, memory: 1Gi}
      limits: {cpu: 1, memory: 1Gi}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 1, memory: 1Gi}
      limits: {cpu: 1, memory: 1Gi}
\`\`\``,
  check(ctx) {
    if (ctx.model.options.kubernetesMinor < 34) return;
    for (const w of ctx.workloads) {
      const stanza = w.workload.podResources;
      if (stanza === undefined) continue;
      const names = [...Object.keys(stanza.requests.values), ...Object.keys(stanza.limits.values)];
      if (names.some(supported)) continue;
      const removal =
        names.length === 0 && w.workload.podSpec !== undefined
          ? removeEntry(ctx.text(w.object.file), w.workload.podSpec, 'resources')
          : undefined;
      const ignored =
        names.length === 0 ? 'sets nothing' : `sets only ${[...new Set(names)].join(', ')}, which pod-level resources do not support`;
      ctx.report({
        file: w.object.file,
        span: stanza.span,
        object: w.object,
        message: `The pod-level resources of ${w.object.kind} ${w.object.name} ${ignored}: with the fixed rule the QoS class comes from the containers (${w.qosClass}), but kubelets before the PodLevelResourcesFixKubeletQOSClass fix treat the pod as BestEffort. Remove the stanza or set pod-level cpu/memory.`,
        ...(removal === undefined ? {} : { fix: { description: 'Remove the empty pod-level resources stanza', edits: [removal] } }),
      });
    }
  },
};
