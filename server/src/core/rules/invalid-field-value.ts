// Reports fields the engine reads whose value has the wrong type or format (Go's decoder would reject them).
import type { Rule } from './rule';

export const invalidFieldValue: Rule = {
  id: 'invalid-field-value',
  summary: 'A priority-, resource- or disruption-related field has a value of the wrong type or format.',
  category: 'correctness',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
kubectl and the apiserver reject the object (\`replicas: "abc"\`, \`cpu: lots\`, \`value: 1e400\`); the analysis treats the field as unset so that the rest of the object is still analysed.

## How to fix
Use the type the field expects: an integer for \`replicas\`, \`value\`, \`priority\` and \`backoffLimit\`, a quantity like \`500m\` or \`1Gi\` for resources, an integer or percentage for \`minAvailable\`/\`maxUnavailable\`, strings for labels.

## Invalid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: "three"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
\`\`\``,
  check(ctx) {
    for (const object of ctx.model.objectsIn(ctx.targets)) {
      if (object.origin !== 'workspace') continue;
      for (const p of ctx.model.fieldProblems.get(object) ?? [])
        ctx.report({ file: object.file, span: p.span, object, message: `${object.kind} ${object.name}: ${p.message}.` });
    }
  },
};
