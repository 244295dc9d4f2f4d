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
spec:
  priorityClassName: high
  priorityClassName: low
\`\`\`

## Valid
\`\`\`yaml
spec:
  priorityClassName: high
\`\`\``,
  check(ctx) {
    reportFileProblems(
      ctx,
      ['duplicate-key'],
      (p) => `${p.message[0]?.toUpperCase() ?? ''}${p.message.slice(1)}; the earlier value is ignored.`,
    );
  },
};
