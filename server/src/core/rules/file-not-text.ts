// Reports manifest-named files that are not UTF-8 text (NUL bytes, invalid UTF-8), once per file.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const fileNotText: Rule = {
  id: 'file-not-text',
  summary: 'A .yaml/.yml/.json file is not UTF-8 text and was not analysed.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
Binary or mis-encoded files cannot be manifests; they are skipped so they cannot hide findings elsewhere.

## How to fix
Re-save the file as UTF-8, or exclude it (\`kubePriorityLens.exclude\`).

## Invalid
A file \`blob.yaml\` holding NUL bytes.

## Valid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers: [{name: app, image: nginx}]
\`\`\``,
  check(ctx) {
    reportFileProblems(ctx, ['not-text'], (p) => `${p.message}; it was not analysed.`);
  },
};
