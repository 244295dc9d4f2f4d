// Reports a Pod whose recorded status.qosClass cannot follow from its spec (R-C.1: the recorded class is kept).
import type { Rule } from './rule';
import { computePodQos } from '../semantics/qos';
import { entry, get } from '../syntax/tree';

export const statusQosClassContradictsSpec: Rule = {
  id: 'status-qos-class-contradicts-spec',
  summary: "A Pod's recorded status.qosClass is not the class its spec gives; the recorded class is used, but the dump may be hand-edited.",
  category: 'correctness',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
The apiserver computes \`status.qosClass\` once, from the pod's requests and limits, and it never changes (in-place
resize keeps it). A live-object dump whose recorded class cannot follow from its spec (requests and limits set, status
says BestEffort) has been edited by hand or mixed from two objects. The analysis keeps the recorded class for a live
pod, as the kubelet does, so a wrong dump silently changes eviction tiers and explanations: this finding says so.

## How to fix
Take the dump again (\`kubectl get pod -o yaml\`), or remove \`status.qosClass\` to let the class be computed from the spec.

## Invalid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - name: app
      image: app:1
      resources:
        requests: {cpu: 100m, memory: 64Mi}
        limits: {cpu: 100m, memory: 64Mi}
status:
  qosClass: BestEffort
\`\`\`

## Valid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - name: app
      image: app:1
      resources:
        requests: {cpu: 100m, memory: 64Mi}
        limits: {cpu: 100m, memory: 64Mi}
status:
  qosClass: Guaranteed
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      const recorded = w.workload.statusQosClass;
      if (w.object.kind !== 'Pod' || recorded === undefined || !ctx.targets.has(w.object.file)) continue;
      const computed = computePodQos(w.containers, w.podLevel);
      if (computed === recorded) continue;
      const field = entry(get(w.object.node, 'status'), 'qosClass');
      ctx.report({
        file: w.object.file,
        span: field?.value.span ?? w.object.nameSpan,
        object: w.object,
        message: `${w.object.id} records status.qosClass ${recorded}, but its spec gives ${computed} (the apiserver sets the class once from requests and limits). The recorded class is used; if this dump was edited, take it again or remove status.qosClass.`,
      });
    }
  },
};
