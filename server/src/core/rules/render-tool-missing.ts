// Reports a problem the rendering layer met with a Helm chart or a kustomization (server/src/render): the engine never
// runs the tools, it receives the fact as a file problem at a line of the chart's or kustomization's files.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const renderToolMissing: Rule = {
  id: 'render-tool-missing',
  summary: 'helm, or kustomize/kubectl, was not found: a chart or kustomization was not rendered.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
Charts and kustomizations are rendered with the real \`helm\` and \`kustomize\` (or \`kubectl kustomize\`); nothing is
downloaded. Without the tool, the workloads they produce are not analysed. Plain manifests are analysed as before.

## How to fix
Install the tool, or name it: the machine-scoped settings \`kubePriorityLens.render.helmPath\` and
\`kubePriorityLens.render.kustomizePath\` (which may name a \`kubectl\` binary), or \`kpl check --helm PATH\` and
\`--kustomize PATH\`. To skip rendering on purpose: \`kubePriorityLens.render.enabled: false\` or \`kpl check --no-render\`.
\`kpl check --require-render\` makes a missing tool fail the run, so CI cannot pass with nothing rendered.

## Invalid
A folder with \`Chart.yaml\` on a machine without \`helm\`.

## Valid
The same folder with \`helm\` on \`PATH\`.`,
  check(ctx) {
    reportFileProblems(ctx, ['render-tool-missing'], (p) => p.message);
  },
};
