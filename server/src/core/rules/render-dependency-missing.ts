// Reports a problem the rendering layer met with a Helm chart or a kustomization (server/src/render): the engine never
// runs the tools, it receives the fact as a file problem at a line of the chart's or kustomization's files.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const renderDependencyMissing: Rule = {
  id: 'render-dependency-missing',
  summary: 'A chart dependency is not vendored in charts/: it is never fetched, so the chart was not rendered.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
Rendering never reaches the network: a dependency of \`Chart.yaml\` that is not in the chart's \`charts/\` folder (as a
folder or a \`.tgz\`) is not downloaded, and \`helm template\` cannot render the chart without it. The finding is on the
dependency's entry in \`Chart.yaml\`.

## How to fix
Run \`helm dependency build\` and commit \`charts/\`, or vendor the subchart's folder.

## Invalid
\`dependencies: [{name: redis, repository: https://charts.example.com, version: 1.x}]\` with an empty \`charts/\`.

## Valid
The same \`Chart.yaml\` with \`charts/redis-1.2.3.tgz\` committed.`,
  check(ctx) {
    reportFileProblems(ctx, ['render-dependency-missing'], (p) => p.message);
  },
};
