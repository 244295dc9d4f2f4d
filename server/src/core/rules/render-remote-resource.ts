// Reports a problem the rendering layer met with a Helm chart or a kustomization (server/src/render): the engine never
// runs the tools, it receives the fact as a file problem at a line of the chart's or kustomization's files.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const renderRemoteResource: Rule = {
  id: 'render-remote-resource',
  summary: 'A kustomization uses a remote resource or helmCharts: it is never fetched, so it was not built.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
Builds never reach the network and never run other programs: a remote \`resources:\` entry (a git or HTTP URL) is not
fetched, and \`helmCharts:\` is not inflated (that needs \`--enable-helm\`). The kustomization is not built, so its
workloads are not analysed. The finding is on the entry.

## How to fix
Vendor the remote base into the repository and reference it by path; render a chart with Helm directly (a chart folder
is rendered on its own) instead of through \`helmCharts:\`.

## Invalid
\`resources: [https://github.com/example/app//deploy?ref=v1.0.0]\`

## Valid
\`resources: [../../vendor/app/deploy]\``,
  check(ctx) {
    reportFileProblems(ctx, ['render-remote-resource'], (p) => p.message);
  },
};
