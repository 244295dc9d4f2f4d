// Reports a container whose request of a resource is larger than its limit: API validation rejects the pod (R-D.9).
import type { Rule } from './rule';
import type { ContainerSpec } from '../model/workload';

/** The pod spec's path in each workload kind, as the apiserver names fields in its validation errors. */
function podSpecPath(kind: string): string {
  if (kind === 'Pod') return 'spec';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

export const requestExceedsLimit: Rule = {
  id: 'request-exceeds-limit',
  summary: 'A container requests more of a resource than its limit, which API validation rejects.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
API validation (ValidateResourceRequirements) requires every request to be less than or equal to the limit of the same
resource. Otherwise the Pod is rejected with \`...resources.requests[memory]: Invalid value: "64Mi": must be less than or
equal to memory limit of 64M\`; for a Deployment, Job or StatefulSet the object is accepted but each Pod its controller
creates is rejected, so nothing runs. Units are easy to mix up: \`64Mi\` (67108864 bytes) is more than \`64M\` (64000000).

## How to fix
Lower the request to the limit (the quick fix), or raise the limit.

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
        requests: {memory: 64Mi}
        limits: {memory: 64M}
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
        requests: {memory: 64Mi}
        limits: {memory: 64Mi}
\`\`\``,
  check(ctx) {
    for (const w of ctx.workloads) {
      const object = w.object;
      if (!ctx.targets.has(object.file)) continue;
      const text = ctx.text(object.file);
      const index = new Map<ContainerSpec, string>();
      let app = 0;
      let init = 0;
      for (const c of w.workload.containers) index.set(c, c.role === 'app' ? `containers[${app++}]` : `initContainers[${init++}]`);
      for (const c of w.workload.containers) {
        for (const [resource, request] of Object.entries(c.requests.values)) {
          const limit = c.limits.values[resource];
          const requestSpan = c.requests.spans[resource];
          const limitSpan = c.limits.spans[resource];
          if (limit === undefined || request <= limit || requestSpan === undefined || limitSpan === undefined) continue;
          const requestText = text.slice(requestSpan.start, requestSpan.end).replace(/^["']|["']$/g, '');
          const limitText = text.slice(limitSpan.start, limitSpan.end).replace(/^["']|["']$/g, '');
          const field = `${podSpecPath(object.kind)}.${index.get(c) ?? 'containers[0]'}.resources.requests[${resource}]`;
          ctx.report({
            file: object.file,
            span: requestSpan,
            object,
            message: `${field}: Invalid value: "${requestText}": must be less than or equal to ${resource} limit of ${limitText}. The apiserver rejects ${object.kind === 'Pod' ? 'this Pod' : `every Pod of this ${object.kind}`}; lower the request to the limit or raise the limit.`,
            fix: {
              description: `Set the ${resource} request to the limit (${limitText})`,
              edits: [{ span: requestSpan, newText: text.slice(limitSpan.start, limitSpan.end) }],
            },
          });
        }
      }
    }
  },
};
