// Reports workloads whose QoS class differs once the namespace's LimitRange defaults are applied at admission.
import type { Rule } from './rule';

export const limitrangeChangesQos: Rule = {
  id: 'limitrange-changes-qos',
  summary: "A LimitRange in the namespace fills in requests or limits and changes the pod's QoS class.",
  category: 'prediction',
  defaultSeverity: 'info',
  versions: `From Kubernetes 1.34 (PodLevelResources beta, on by default) a pod-level \`spec.resources\` stanza with cpu or memory replaces the containers' values for QoS and requests; with \`--kubernetes-version\` 1.33 or older it is ignored.`,
  scope: 'workspace',
  docs: `## Why this matters
The LimitRanger admission plugin adds the LimitRange's \`default\` limits and \`defaultRequest\` requests to containers that lack them.
The QoS class you read from the manifest is then not the one the pod gets, which changes eviction order and CPU pinning.

## How to fix
Write the requests and limits you want in the manifest, so the LimitRange has nothing to add.

## Invalid
\`\`\`yaml
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team-a}
spec:
  limits:
  - type: Container
    default: {memory: 512Mi}
    defaultRequest: {memory: 256Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: team-a}   # reads as BestEffort, admitted as Burstable
spec:
  containers:
  - name: app
    image: nginx
\`\`\`

## Valid
\`\`\`yaml
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team-a}
spec:
  limits:
  - type: Container
    default: {memory: 512Mi}
    defaultRequest: {memory: 256Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: team-a}
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 250m, memory: 256Mi}
      limits: {cpu: 250m, memory: 256Mi}
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      if (w.limitRange === undefined) continue;
      ctx.report({
        file: w.object.file,
        span: w.object.nameSpan,
        object: w.object,
        message: `${w.object.kind} ${w.object.name} reads as ${w.qosClassWithoutLimitRange} but is admitted as ${w.qosClass}: LimitRange ${w.limitRange} adds default requests/limits to its containers.`,
      });
    }
  },
};
