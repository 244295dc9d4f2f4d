// Reports symbolic links that lead outside the paths being analysed; they are not followed (a hostile repository
// must not get `/etc/…` or `~/.kube/config` read into a CI report or the editor).
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const pathSymlinkOutside: Rule = {
  id: 'path-symlink-outside',
  summary: 'A symbolic link leads outside the paths being analysed; it was not followed.',
  category: 'syntax',
  defaultSeverity: 'warning',
  scope: 'file',
  docs: `## Why this matters
A repository can hold a link such as \`evil.yaml -> /etc/passwd\` or \`cfg -> ~/.kube\`. Following it would read files
from outside the repository into \`kpl check\` output (a SARIF report uploaded by CI on a pull request) or into the
editor. Links are followed only when their target lies inside the real paths of the PATH arguments (\`kpl check\`,
\`kpl explain\`) or of the workspace folders (editor); any other link is skipped with this finding, and every other
file is still analysed. The target of a link that points outside by its text is never opened or checked.

## How to fix
Copy the manifests into the tree, or analyse the target too: \`kpl check . ../shared-manifests\` (every PATH argument
is a root), \`kpl check --follow-symlinks .\` when you trust the tree, or in the editor add the target's folder to the
workspace (a multi-root workspace). Remove links that should not be there.

## Invalid
\`manifests/prod.yaml -> /etc/kubernetes/admin.conf\`

## Valid
\`manifests/prod.yaml -> ../base/prod.yaml\` inside the tree being analysed.`,
  check(ctx) {
    reportFileProblems(ctx, ['symlink-outside'], (p) => `${p.message}.`);
  },
};
