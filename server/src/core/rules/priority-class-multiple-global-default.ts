// Reports a second PriorityClass with globalDefault: true, which the apiserver refuses to create.
import type { Rule } from './rule';
import { replace } from '../edits/text-edits';

export const priorityClassMultipleGlobalDefault: Rule = {
  id: 'priority-class-multiple-global-default',
  summary: 'A PriorityClass is marked globalDefault while another default exists: admission refuses it.',
  category: 'admission',
  defaultSeverity: 'error',
  scope: 'cluster',
  docs: `## Why this matters
The Priority admission plugin refuses to create a class with \`globalDefault: true\` while a default class exists, and
to mark an existing class as default while the current default has another name:
\`PriorityClass <existing> is already marked as default. Only one default can exist\`. If a race lets several exist,
the current default is the one with the *lowest* value: pods without a class silently get it, updating it (still
default) is allowed, and updating any other default class with \`globalDefault: true\` is refused.

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
    // The Priority admission plugin's validatePriorityClass (R-B.4), replayed over the workspace's classes in file
    // order on top of the cluster's: a class with globalDefault true is refused on CREATE when a default exists, and on
    // UPDATE when the existing default (the lowest-valued default, getDefaultPriorityClass) has another name.
    const existing = new Map<string, { name: string; value: number; globalDefault: boolean }>();
    for (const c of ctx.model.clusterPriorityClasses) existing.set(c.name, c);
    for (const c of ctx.model.priorityClasses) {
      if (c.source !== 'workspace') continue;
      let current: { name: string; value: number } | undefined;
      for (const e of [...existing.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)))
        if (e.globalDefault && (current === undefined || e.value < current.value)) current = e;
      const create = !existing.has(c.name);
      const refused = c.globalDefault && current !== undefined && (create || current.name !== c.name);
      if (!refused) {
        existing.set(c.name, c);
        continue;
      }
      if (c.object === undefined || !ctx.targets.has(c.object.file) || c.globalDefaultField === undefined || current === undefined)
        continue;
      ctx.report({
        file: c.object.file,
        span: c.globalDefaultField.span,
        object: c.object,
        message: `priorityclasses "${c.name}" is forbidden: PriorityClass ${current.name} is already marked as default. Only one default can exist. ${create ? 'Creating another default class' : 'Marking this class as default'} is refused; pods without a priorityClassName get the lowest-valued default.`,
        fix: { description: 'Set globalDefault to false', edits: [replace(c.globalDefaultField.span, 'false')] },
      });
    }
  },
};
