// Reports a second PriorityClass with globalDefault: true, which the apiserver refuses to create.
import type { Rule } from './rule';
import { replace } from '../edits/text-edits';

export const priorityClassMultipleGlobalDefault: Rule = {
  id: 'priority-class-multiple-global-default',
  summary: 'More than one PriorityClass is marked globalDefault; only one can exist.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'cluster',
  docs: `## Why this matters
Admission refuses a second default class: \`PriorityClass <existing> is already marked as default. Only one default can exist\`.
If a race lets two exist, pods without a class silently get the one with the *lowest* value.

## How to fix
Keep \`globalDefault: true\` on one class only.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 100
globalDefault: true
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: normal}
value: 1000
globalDefault: true
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 100
globalDefault: true
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: normal}
value: 1000
\`\`\``,
  check(ctx) {
    const defaults = [...ctx.model.clusterPriorityClasses, ...ctx.model.priorityClasses].filter((c) => c.globalDefault);
    // Cluster classes exist first; in the workspace the first default in file order is the one admitted.
    const seen = new Map<string, (typeof defaults)[number]>();
    for (const c of defaults) if (!seen.has(c.name) || c.source === 'workspace') seen.set(c.name, c);
    const ordered = [...seen.values()].sort((a, b) => (a.source === b.source ? 0 : a.source === 'cluster' ? -1 : 1));
    const first = ordered[0];
    if (first === undefined) return;
    for (const c of ordered.slice(1)) {
      if (c.source !== 'workspace' || c.object === undefined || !ctx.targets.has(c.object.file) || c.globalDefaultField === undefined)
        continue;
      ctx.report({
        file: c.object.file,
        span: c.globalDefaultField.span,
        object: c.object,
        message: `priorityclasses "${c.name}" is forbidden: PriorityClass ${first.name} is already marked as default. Only one default can exist. Pods without a priorityClassName would get the default with the lowest value.`,
        fix: { description: 'Set globalDefault to false', edits: [replace(c.globalDefaultField.span, 'false')] },
      });
    }
  },
};
