// Reports a problem the rendering layer met with a Helm chart or a kustomization (server/src/render): the engine never
// runs the tools, it receives the fact as a file problem at a line of the chart's or kustomization's files.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const renderFailed: Rule = {
  id: 'render-failed',
  summary: 'A Helm chart or kustomization could not be rendered: the tool failed, timed out or printed too much.',
  category: 'syntax',
  defaultSeverity: 'error',
  scope: 'file',
  docs: `## Why this matters
What a chart or an overlay ships is only known once \`helm template\` or \`kustomize build\` has run. When it fails,
none of its workloads are analysed, so no preemption, eviction or PDB finding can be given for them; the cluster would
reject the same input at deploy time. The finding is on the line the tool names (\`template: app/templates/x.yaml:12:3\`),
otherwise on \`Chart.yaml\` or the kustomization file. Other charts and plain files are still analysed.

## How to fix
Fix the error the message quotes (run \`helm template <chart>\` or \`kustomize build <dir>\` to see it in full). A render
that is stopped after the timeout (30 s by default) can be given more time with \`kubePriorityLens.render.timeoutSeconds\`
or \`kpl check --render-timeout SECONDS\`.

## Invalid
A template that calls \`{{ required "image.tag is required" .Values.image.tag }}\` with no \`image.tag\` in the values.

## Valid
The same chart with \`image.tag\` set in \`values.yaml\` or in the variant's values file.`,
  check(ctx) {
    reportFileProblems(ctx, ['render-failed'], (p) => p.message);
  },
};
