// Reports YAML syntax errors in documents that look like Kubernetes objects of interest.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const yamlSyntaxError: Rule = {
  id: 'yaml-syntax-error',
  summary: 'A manifest document of a kind the tool reads is not valid YAML.',
  category: 'syntax',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
\`kubectl apply\` rejects the whole file, and this document cannot be analysed. Other documents of the file are still analysed.

## How to fix
Fix the YAML at the reported position (indentation, unclosed quotes or brackets, a tab used for indentation).

## Invalid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata:
  name: "unterminated
spec:
  containers: [{name: app, image: nginx}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: v1
kind: Pod
metadata:
  name: terminated
spec:
  containers: [{name: app, image: nginx}]
\`\`\``,
  check(ctx) {
    reportFileProblems(
      ctx,
      ['syntax', 'too-deep', 'alias'],
      (p) => `YAML error: ${p.message}. This document is skipped; the rest of the file is still analysed.`,
    );
  },
};
