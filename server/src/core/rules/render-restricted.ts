// Reports a problem the rendering layer met with a Helm chart or a kustomization (server/src/render): the engine never
// runs the tools, it receives the fact as a file problem at a line of the chart's or kustomization's files.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const renderRestricted: Rule = {
  id: 'render-restricted',
  summary: 'The workspace is not trusted (Restricted Mode): charts and kustomizations are not rendered.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
Rendering runs \`helm\` and \`kustomize\` on the workspace's files. In an untrusted workspace (VS Code's Restricted Mode,
or \`kpl lsp\` without \`initializationOptions.trusted\`) no tool is ever executed: the status bar and this finding on the
chart's \`Chart.yaml\` or the kustomization file say so. Plain manifests are analysed as usual.

## How to fix
Trust the workspace (Manage Workspace Trust) if you trust its files, or turn rendering off with
\`kubePriorityLens.render.enabled: false\`.

## Invalid
A chart opened in a workspace that is not trusted.

## Valid
The same chart in a trusted workspace.`,
  check(ctx) {
    reportFileProblems(ctx, ['render-restricted'], (p) => p.message);
  },
};
