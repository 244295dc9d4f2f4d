// Reports duplicate mapping keys, which kubectl accepts with the last value winning.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const yamlDuplicateKey: Rule = {
  id: 'yaml-duplicate-key',
  summary: 'A mapping repeats a key; the last value silently wins.',
  category: 'syntax',
  defaultSeverity: 'warning',
  scope: 'file',
  docs: `## Why this matters
Go's YAML decoder used by kubectl keeps the last value of a repeated key without a word, so an earlier \`priorityClassName\` or \`resources\` block is silently ignored.

## How to fix
Remove the repeated key, keeping the value you mean.

## Invalid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 10
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  priorityClassName: high
  priorityClassName: low   # this one wins
  containers: [{name: app, image: nginx}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  priorityClassName: high
  containers: [{name: app, image: nginx}]
\`\`\``,
  check(ctx) {
    reportFileProblems(
      ctx,
      ['duplicate-key'],
      (p) => `${p.message[0]?.toUpperCase() ?? ''}${p.message.slice(1)}; the earlier value is ignored.`,
    );
  },
};
