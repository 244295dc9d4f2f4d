// Reports documents too large to analyse with positions (bounded time and memory on hostile input).
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const documentTooLarge: Rule = {
  id: 'document-too-large',
  summary: 'A manifest document is larger than 16 MiB and was not analysed.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
No real workload, PriorityClass or PDB comes close to this size; reading it with positions would cost seconds and hundreds of megabytes, so it is skipped to keep the editor responsive.

This bound applies to one document inside a file that was read; the file's other documents are analysed. A whole file over the file size limit (64 MiB by default) is not read at all: see [file-too-large](#file-too-large).

## How to fix
Split generated \`List\` documents into smaller files.

## Invalid
A 20 MiB \`kind: List\` document.

## Valid
The same items split into several files.`,
  check(ctx) {
    reportFileProblems(ctx, ['too-large'], (p) => `${p.message[0]?.toUpperCase() ?? ''}${p.message.slice(1)}.`);
  },
};
