// Renders docs/rules.md from the rule registry: a summary table, then one section per rule (anchor = rule id) with
// its docs, Kubernetes-version notes and a link to its fixtures. test/tidy.test.ts keeps the committed file current.
import { rules } from '../../server/src/core/index';
import type { Rule } from '../../server/src/core/index';

const header = [
  '# Rules',
  '',
  '<!-- Generated from server/src/core/rules/ by test/helpers/rules-doc.ts. Do not edit: run `node scripts/gen-rules-doc.mjs`',
  '     (or `UPDATE_DOCS=1 node scripts/unit-tests.mjs tidy` after `node esbuild.mjs`). -->',
  '',
  "Every finding of `kpl check` and of the editor names one of these rules. Set a rule's severity (or `off`) in `.kpl.yaml`:",
  '',
  '```yaml',
  'rules:',
  '  priority-class-unused: off',
  '  missing-requests: info',
  '```',
  '',
  'Suppress one finding with a comment on the line above it (`# kpl-ignore: <rule-id>[, <rule-id>...]` or `all`), or every',
  'finding of an object with the annotation `kube-priority-lens.io/ignore: "<rule-id>,..."`.',
  '',
  "Each rule's Invalid and Valid examples are complete manifests that the test suite runs (test/rules/docs-examples.test.ts):",
  "an Invalid example gives the rule's finding, a Valid one none. A block that starts with `# Cluster state` is what the",
  'cluster holds (`kpl check --cluster-state`, or the live cluster in the editor), not part of the workspace.',
  '',
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** demoteHeadings turns the rule docs' `##` headings into `###` (outside code fences), so each rule is one section. */
function demoteHeadings(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && /^#{1,5} /.test(line) ? `#${line}` : line;
    })
    .join('\n');
}

function section(rule: Rule): string[] {
  const lines = [
    `## ${rule.id}`,
    '',
    `${rule.summary}`,
    '',
    `Category: **${rule.category}** · Default severity: **${rule.defaultSeverity}** · Depends on: **${rule.scope}**`,
    '',
    demoteHeadings(rule.docs.trim()),
    '',
  ];
  if (rule.versions !== undefined && rule.versions.trim() !== '') lines.push('### Kubernetes versions', '', rule.versions.trim(), '');
  lines.push(`Fixtures: [test/rules/${rule.id}/](../test/rules/${rule.id}/)`, '');
  return lines;
}

export function renderRulesDoc(): string {
  const table = [
    '| Rule | Category | Default severity | Summary |',
    '| --- | --- | --- | --- |',
    ...rules.map((r) => `| [\`${r.id}\`](#${r.id}) | ${r.category} | ${r.defaultSeverity} | ${cell(r.summary)} |`),
  ];
  return [...header, ...table, '', ...rules.flatMap(section)].join('\n').replace(/\n+$/, '\n');
}
