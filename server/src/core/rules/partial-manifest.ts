// Reports a workload that is a fragment (no containers, or a container without an image): it is not analysed on its own.
import type { Rule } from './rule';

export const partialManifest: Rule = {
  id: 'partial-manifest',
  summary:
    'A workload without containers or container images is a fragment (a kustomize patch, a template piece): not analysed on its own.',
  category: 'correctness',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
A kustomize patch or a template fragment names only the fields it changes: a Deployment whose containers carry no
\`image\`, or a pod template without \`containers\`. Submitted as written the apiserver refuses it
(\`spec.template.spec.containers[0].image: Required value\`), so it has no priority, QoS class or preemption rank of
its own. Kube Priority Lens analyses it through the kustomization or chart that completes it (\`kpl check\` renders
kustomizations and skips the patch files they name) and, for a file on its own, says so here instead of reporting the
fragment as an admissible workload.

## How to fix
Nothing, if the file is a patch: analyse the overlay that applies it. If the object is meant to be complete, add the
missing \`containers\` or \`image\`.

## Invalid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        resources:
          requests: {cpu: 500m, memory: 256Mi}
\`\`\`

## Valid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 500m, memory: 256Mi}
\`\`\``,
  check(ctx) {
    for (const file of ctx.targets)
      for (const w of ctx.model.workloadsInFile(file)) {
        if (w.partial === undefined || w.object.origin !== 'workspace') continue;
        ctx.report({
          file: w.object.file,
          span: w.object.nameSpan,
          object: w.object,
          message: `${w.object.kind} ${w.object.name} is a partial manifest (${w.partial}): the apiserver would refuse it as written, so it is not analysed as a workload on its own. Analyse the kustomization or chart that completes it.`,
        });
      }
  },
};
