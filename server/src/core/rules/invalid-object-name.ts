// Reports an object name the apiserver's validation of that kind refuses (R-B.7).
import { get, isScalar, stringValue } from '../syntax/tree';
import { entry } from '../syntax/tree';
import { nameProblems } from '../semantics/object-names';
import type { Rule } from './rule';

/** `Kind.group` as the apiserver names a kind in its errors (`Deployment.apps`, `Pod`). */
function qualifiedKind(kind: string, apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

export const invalidObjectName: Rule = {
  id: 'invalid-object-name',
  summary: 'The object name breaks the rule the apiserver validates for that kind (DNS subdomain, DNS label, ...).',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
The apiserver validates \`metadata.name\` per kind and refuses the object:
\`PriorityClass.scheduling.k8s.io "High" is invalid: metadata.name: Invalid value: "High": a lowercase RFC 1123 subdomain must consist of ...\`.
Most kinds (Pod, Deployment, PriorityClass, Node, LimitRange, ...) take a DNS-1123 subdomain (lower case letters,
digits, \`-\` and \`.\`, at most 253 characters); a Namespace and a StatefulSet a DNS-1123 label (no dots, at most 63);
a CronJob a subdomain of at most 52 characters (its Jobs append a suffix); a PodDisruptionBudget only may not be
\`.\` or \`..\` or contain \`/\` or \`%\`.

## How to fix
Rename the object to lower case letters, digits and \`-\` (and \`.\` where the kind allows it), and update the
references to it (\`priorityClassName\`, \`namespace\`, ...).

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: High_Priority}
value: 1000
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-priority}
value: 1000
\`\`\``,
  check(ctx) {
    for (const object of ctx.model.objectsIn(ctx.targets)) {
      if (object.origin !== 'workspace') continue;
      const metadata = get(object.node, 'metadata');
      const nameEntry = entry(metadata, 'name');
      const name = stringValue(nameEntry?.value);
      const generateName = stringValue(get(metadata, 'generateName'));
      const who = `${qualifiedKind(object.kind, object.apiVersion)} "${name ?? generateName ?? ''}"`;
      if (name === undefined || name === '') {
        // Without a name the object needs generateName, checked as a prefix; a non-string name is invalid-field-value's.
        if (nameEntry !== undefined && isScalar(nameEntry.value) && nameEntry.value.value !== null && nameEntry.value.value !== '')
          continue;
        if (generateName === undefined || generateName === '') {
          ctx.report({
            file: object.file,
            span: object.nameSpan,
            object,
            message: `${who} is invalid: metadata.name: Required value: name or generateName is required. The apiserver refuses an object without a name; set metadata.name.`,
          });
          continue;
        }
        const problems = nameProblems(object.kind, generateName, true);
        if (problems.length === 0) continue;
        const span = entry(metadata, 'generateName')?.value.span ?? object.nameSpan;
        ctx.report({
          file: object.file,
          span,
          object,
          message: `${who} is invalid: ${problems.map((p) => `metadata.generateName: Invalid value: "${generateName}": ${p}`).join(', ')}. Rename it.`,
        });
        continue;
      }
      const problems = nameProblems(object.kind, name);
      if (problems.length === 0 || nameEntry === undefined) continue;
      const causes = problems.map((p) => `metadata.name: Invalid value: "${name}": ${p}`);
      ctx.report({
        file: object.file,
        span: nameEntry.value.span,
        object,
        message: `${who} is invalid: ${causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`}. The apiserver refuses the object; rename it (and what refers to it).`,
      });
    }
  },
};
