// Reports files over the size bound (64 MiB unless configured): they are not read at all, so one giant or sparse file
// cannot take the memory of the language server or of a CI job.
import type { Rule } from './rule';
import { reportFileProblems } from './support/syntax-rules';

export const fileTooLarge: Rule = {
  id: 'file-too-large',
  summary: 'A .yaml/.yml/.json file is larger than the file size limit (64 MiB by default) and was not read.',
  category: 'syntax',
  defaultSeverity: 'info',
  scope: 'file',
  docs: `## Why this matters
The size is checked before a file is read: a file over the limit (64 MiB unless configured) is skipped whole, so a
hostile or generated giant — or a sparse file that claims terabytes — cannot exhaust memory. Every other file is still
analysed.

This is a different bound from [document-too-large](#document-too-large): that one applies inside a file that was read,
to a single YAML document over 16 MiB (a fixed bound of the parser), and the file's other documents are analysed.

## How to fix
Split the file, or exclude it (\`kubePriorityLens.exclude\`). If such files are expected, raise the limit:
\`kpl check --max-file-size 256\` or the \`kubePriorityLens.maxFileSizeMiB\` setting (a machine setting, so a repository
cannot raise it).

## Invalid
A 100 MiB \`all-resources.yaml\` dump.

## Valid
The same objects split into files under the limit.`,
  check(ctx) {
    reportFileProblems(ctx, ['file-too-large'], (p) => `${p.message}.`);
  },
};
