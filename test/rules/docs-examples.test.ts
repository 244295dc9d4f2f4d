// The examples in each rule's docs (server/src/core/rules/<id>.ts, rendered to docs/rules.md) are executed, as Biome
// does with `expect_diagnostic`: every ```yaml block under "## Invalid" must give at least one finding of the rule,
// every one under "## Valid" none. The convention, for rule authors:
//   ```yaml            an example: a complete manifest (several documents allowed), analysed as a one-file workspace
//                      with every rule on; objects it needs (a PriorityClass, the other workload) are written in it
//   ```yaml cluster    the cluster state for the other examples of the same section (what `kpl check --cluster-state`
//                      reads or the editor gets from the cluster); its first line is `# Cluster state...`, which is how
//                      readers of docs/rules.md tell it apart (the fence's info string is not rendered)
//   prose only         for findings about files rather than manifests (binary, too large, symbolic links): an
//                      Invalid section in prose, the rule listed in `exempt` below with the reason; the fixtures in
//                      test/rules/<id>/ cover it. A Valid example of such a rule still runs.
// Examples are complete (apiVersion, kind, metadata.name on every object) and valid YAML with valid fields, unless the
// rule is about exactly that.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { get, rules, stringValue } from '../../server/src/core/index';
import type { Rule } from '../../server/src/core/index';
import { analyze, findingsOf } from '../helpers/analyze';
import type { InputFile } from '../helpers/analyze';

/** Rules whose Invalid/Valid sections are prose: the condition is a fact of the file system, not of a manifest. */
const exempt: Record<string, string> = {
  'document-too-large': 'needs a document over 16 MiB (fixture: a generated case)',
  'file-not-text': 'needs a file of binary or non-UTF-8 bytes (fixtures: invalid.yaml, latin1.yaml)',
  'file-too-large': 'needs a file over the size limit (fixture: a sparse file)',
  'path-symlink-loop': 'needs a symbolic link, found while walking directories (fixture: a directory case)',
  'render-failed': 'needs a chart or kustomization rendered by the render layer (fixture: a directory case)',
  'render-tool-missing': 'needs a chart or kustomization rendered by the render layer (fixture: a directory case)',
  'render-dependency-missing': 'needs a chart or kustomization rendered by the render layer (fixture: a directory case)',
  'render-remote-resource': 'needs a chart or kustomization rendered by the render layer (fixture: a directory case)',
  'render-restricted': 'needs a chart or kustomization rendered by the render layer (fixture: a directory case)',
  'path-symlink-outside': 'needs a symbolic link, found while walking directories (fixture: a directory case)',
};

interface Example {
  section: 'Invalid' | 'Valid';
  /** 1-based line of the opening fence in the docs string. */
  line: number;
  text: string;
  cluster: boolean;
}

/** examplesOf reads the fenced blocks of the "## Invalid" and "## Valid" sections of a rule's docs. */
function examplesOf(rule: Rule): { examples: Example[]; problems: string[] } {
  const examples: Example[] = [];
  const problems: string[] = [];
  let section: string | undefined;
  let open: { info: string; line: number; body: string[] } | undefined;
  rule.docs.split('\n').forEach((line, i) => {
    if (open !== undefined) {
      if (/^```\s*$/.test(line)) {
        if (section === 'Invalid' || section === 'Valid') {
          const [language, ...flags] = open.info.split(/\s+/).filter((w) => w !== '');
          if (language !== 'yaml') problems.push(`line ${open.line}: an example fence must be \`\`\`yaml (got "${open.info}")`);
          else if (flags.some((f) => f !== 'cluster')) problems.push(`line ${open.line}: unknown fence flag in "${open.info}"`);
          else if (flags.includes('cluster') && !(open.body[0] ?? '').startsWith('# Cluster state'))
            problems.push(`line ${open.line}: a cluster block starts with "# Cluster state", so readers of docs/rules.md can tell`);
          else examples.push({ section, line: open.line, text: `${open.body.join('\n')}\n`, cluster: flags.includes('cluster') });
        }
        open = undefined;
      } else open.body.push(line);
      return;
    }
    const heading = /^## (.+)$/.exec(line);
    if (heading !== null) section = heading[1]?.trim();
    const fence = /^```(.*)$/.exec(line);
    if (fence !== null) open = { info: (fence[1] ?? '').trim(), line: i + 1, body: [] };
  });
  if (open !== undefined) problems.push(`line ${open.line}: unclosed code fence`);
  return { examples, problems };
}

const wellFormed = ['yaml-syntax-error', 'yaml-duplicate-key', 'invalid-field-value'];

for (const rule of rules) {
  describe(`docs of ${rule.id}`, () => {
    const { examples, problems } = examplesOf(rule);

    test('the Invalid and Valid sections hold executable examples, or the rule is exempt with a reason', () => {
      assert.deepEqual(problems, []);
      const run = examples.filter((e) => !e.cluster);
      if (rule.id in exempt) {
        // A file-system fact cannot be written as a manifest; a Valid example (a readable manifest) still runs.
        const invalid = run.filter((e) => e.section === 'Invalid');
        assert.deepEqual(invalid, [], `${rule.id} is exempt (${exempt[rule.id]}) but has Invalid examples: remove the exemption`);
        return;
      }
      for (const section of ['Invalid', 'Valid'] as const)
        assert.ok(
          run.some((e) => e.section === section),
          `${rule.id}: the "## ${section}" section needs a \`\`\`yaml example (or an exemption with a reason in test/rules/docs-examples.test.ts)`,
        );
    });

    for (const example of examples.filter((e) => !e.cluster)) {
      test(`${example.section} example (docs line ${example.line})`, () => {
        const cluster: InputFile[] = examples
          .filter((e) => e.cluster && e.section === example.section)
          .map((e, i) => ({ path: `cluster-${i + 1}.yaml`, content: e.text }));
        const { findings, model } = analyze([{ path: 'example.yaml', content: example.text }], cluster.length === 0 ? {} : { cluster });
        const own = findingsOf(findings, rule.id).map((f) => f.message);
        const where = `${rule.id} docs, ${example.section} example at line ${example.line}:\n${example.text}`;
        if (example.section === 'Invalid') assert.ok(own.length > 0, `${where}\ngives no ${rule.id} finding`);
        else assert.deepEqual(own, [], `${where}\ngives ${rule.id} findings`);
        // Complete manifests, so that a reader can paste them: each object has apiVersion, kind and metadata.name.
        const syntaxError = findings.some((f) => f.ruleId === 'yaml-syntax-error');
        assert.ok(model.objects.length > 0 || syntaxError, `${where}\nholds no Kubernetes object`);
        const incomplete = model.objects.filter((o) => o.apiVersion === '' || stringValue(get(o.node, 'metadata', 'name')) === undefined).map((o) => o.id);
        assert.deepEqual(incomplete, [], `${where}\nhas objects without apiVersion or metadata.name`);
        const broken = findings.filter((f) => wellFormed.includes(f.ruleId) && f.ruleId !== rule.id).map((f) => `${f.ruleId}: ${f.message}`);
        assert.deepEqual(broken, [], `${where}\nis not well-formed`);
        const crashed = findings.filter((f) => f.message.startsWith('internal error')).map((f) => f.message);
        assert.deepEqual(crashed, [], `${where}\ncrashes a rule`);
      });
    }
  });
}
