// Reports an object name the apiserver's validation of that kind refuses (R-B.7).
import { get, isScalar, stringValue } from '../syntax/tree';
import { entry } from '../syntax/tree';
import { labelValue, nameProblems } from '../semantics/object-names';
import type { K8sObject } from '../model/objects';
import type { Rule } from './rule';

/** `Kind.group` as the apiserver names a kind in its errors (`Deployment.apps`, `Pod`). */
function qualifiedKind(kind: string, apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/**
 * Labels the apiserver derives from the name before validating: a Namespace gets `kubernetes.io/metadata.name`
 * (namespaceStrategy.Canonicalize), a Job's pod template `job-name` and `batch.kubernetes.io/job-name` unless
 * `manualSelector: true` or the template sets both (jobStrategy.PrepareForCreate, generateSelector). A name that is
 * not a label value (more than 63 characters, or characters a label refuses) is refused there too.
 */
function derivedLabelCauses(object: K8sObject, name: string): string[] {
  let path: string | undefined;
  if (object.kind === 'Namespace' && object.apiVersion === 'v1') path = 'metadata.labels';
  else if (object.kind === 'Job' && object.apiVersion === 'batch/v1') {
    const spec = get(object.node, 'spec');
    const labels = get(get(get(spec, 'template'), 'metadata'), 'labels');
    const manual = get(spec, 'manualSelector');
    const generated = !(isScalar(manual) && manual.value === true);
    const missing = ['job-name', 'batch.kubernetes.io/job-name'].some((k) => entry(labels, k) === undefined);
    if (generated && missing) path = 'spec.template.labels';
  }
  return path === undefined ? [] : labelValue(name).map((p) => `${path}: Invalid value: "${name}": ${p}`);
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
\`.\` or \`..\` or contain \`/\` or \`%\`. Some names also become label values, which the apiserver validates in
the same request: a Namespace's \`kubernetes.io/metadata.name\` label, and a Job's \`job-name\` labels on its pod
template (unless \`manualSelector: true\`), so a Job name longer than 63 characters is refused.

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
      const causes = [
        ...nameProblems(object.kind, name).map((p) => `metadata.name: Invalid value: "${name}": ${p}`),
        ...derivedLabelCauses(object, name),
      ];
      if (causes.length === 0 || nameEntry === undefined) continue;
      ctx.report({
        file: object.file,
        span: nameEntry.value.span,
        object,
        message: `${who} is invalid: ${causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`}. The apiserver refuses the object; rename it (and what refers to it).`,
      });
    }
  },
};
