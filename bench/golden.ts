// Dumps everything the engine derives from a tree (objects, spans, problems, summaries, findings) as one JSON line per file,
// so an engine change made for speed can be proven behaviour-identical: `node out/bench/golden.js DIR > a.jsonl`, diff before/after.
// `node out/bench/golden.js --surfaces > s.jsonl` dumps what users see instead (bench/golden-surfaces.ts): kpl explain,
// check, simulate and evict JSON per scenario and example, the diagnose tests' reports, and the language server's
// hovers, code lenses, quick fixes and Priority Map per rule fixture.
import { AnalysisHost, parseFile } from '../server/src/core/index';
import { summarizeFile } from '../server/src/core/analysis/summary';
import { fastParserActive } from '../server/src/core/syntax/parse-yaml';
import { defaultCorpus, loadTree } from './corpus';
import { cliSurfaces, diagnoseSurfaces, lspSurfaces } from './golden-surfaces';

if (process.argv[2] === '--surfaces') {
  const emit = (record: unknown): void => void process.stdout.write(`${JSON.stringify(record)}\n`);
  cliSurfaces(emit);
  diagnoseSurfaces(emit);
  void lspSurfaces(emit).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
} else engineDump(process.argv[2] ?? defaultCorpus);

function engineDump(root: string): void {
  const files = loadTree(root);
  const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
  process.stderr.write(`fast parser: ${fastParserActive}\n`);
  const lines: string[] = [];
  for (const f of files) {
    const parsed = parseFile({ path: f.path, content: f.bytes });
    host.addParsed(parsed);
    const objects = parsed.objects.map((o) => [o.id, o.span, o.nameSpan, o.labels, o.annotations, o.fieldProblems, dump(o.node)]);
    lines.push(
      JSON.stringify(
        {
          file: f.path,
          documents: parsed.documents,
          parsedDocuments: parsed.parsedDocuments,
          problems: parsed.problems,
          summary: summarizeFile(parsed),
          objects,
        },
        big,
      ),
    );
  }
  const { findings } = host.analyze();
  for (const [file, list] of [...findings].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    if (list.length > 0) lines.push(JSON.stringify({ file, findings: list }));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
/** The whole located tree, bounded (alias graphs). */
function dump(node: import('../server/src/core/index').YNode, depth = 0, budget = { n: 50_000 }): unknown {
  if (depth > 100 || --budget.n < 0) return '…';
  switch (node.type) {
    case 'scalar':
      return [node.span.start, node.span.end, node.value, node.source, node.quoted];
    case 'seq':
      return [node.span.start, node.span.end, node.flow, node.items.map((i) => dump(i, depth + 1, budget))];
    case 'map':
      return [
        node.span.start,
        node.span.end,
        node.flow,
        node.entries.map((e) => [e.key, e.keySpan.start, e.keySpan.end, dump(e.value, depth + 1, budget)]),
      ];
  }
}
