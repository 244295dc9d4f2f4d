// Reports symbolic-link loops met while walking directories; the loop is skipped.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const pathSymlinkLoop: Rule = {
  id: 'path-symlink-loop',
  summary: 'A symbolic link leads back into a directory already being walked; it was skipped.',
  category: 'syntax',
  defaultSeverity: 'warning',
  scope: 'file',
  docs: `## Why this matters
Following the link would walk the same files forever; it is skipped and every other file is still analysed.

## How to fix
Remove the link, or point it outside the tree.

## Invalid
\`manifests/loop -> ..\`

## Valid
No link back into an ancestor directory.`,
  check(ctx) {
    reportFileProblems(ctx, ['symlink-loop'], (p) => p.message);
  },
};
