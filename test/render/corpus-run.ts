// `npm run corpus` (render part): renders every chart and kustomization root of ../shared/rendered with the real tools
// (default values, or the values file SOURCES.md names in _values/), and the kustomization roots of ../shared/corpus;
// analyses each render with the engine and maps every finding back to its template, values or patch line. Fails on a
// crash, on a chart or kustomization that neither renders nor gets one finding, and on any location outside its file.
//   node out/test/render/corpus-run.js [--json FILE] [--no-corpus]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, LineIndex, newestKubernetesMinor, parseFile } from '../../server/src/core/index';
import { formatKeyPath, RenderCache, Renderer, SourceMapper, toRenderedInput } from '../../server/src/render/index';
import type { RenderResult, SourceLocation } from '../../server/src/render/index';
import { realTools, renderRequestsUnder, sharedCorpus, sharedRendered } from './tools';

interface Row {
  tool: string;
  root: string;
  variant: string;
  rendered: boolean;
  documents: number;
  objects: number;
  findings: number;
  mapped: number;
  exact: number;
  valueOrigins: number;
  problems: string[];
  toolMs: number;
  analysisMs: number;
}

const failures: string[] = [];

function inside(loc: SourceLocation, what: string): void {
  let text: string;
  try {
    text = fs.readFileSync(loc.file, 'utf8');
  } catch {
    failures.push(`${what}: location in ${loc.file}, which cannot be read`);
    return;
  }
  const lines = new LineIndex(text).lineCount;
  if (loc.start < 0 || loc.end > text.length || loc.start > loc.end || loc.line >= lines)
    failures.push(
      `${what}: location ${loc.file}:${loc.line + 1} (offsets ${loc.start}-${loc.end}) is outside the file (${text.length} chars, ${lines} lines)`,
    );
}

function analyse(result: RenderResult): Omit<Row, 'tool' | 'root' | 'variant' | 'rendered' | 'problems' | 'toolMs'> {
  const started = performance.now();
  const input = toRenderedInput(result);
  const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
  const parsed = parseFile({ path: input.path, content: input.text });
  host.addParsed(parsed);
  const findings = [...host.analyze().findings.values()].flat();
  const mapper = new SourceMapper(result, input);
  let mapped = 0;
  let exact = 0;
  let valueOrigins = 0;
  for (const f of findings) {
    if (f.file !== input.path) continue;
    const m = mapper.map(f.span.start);
    if (m === undefined) continue;
    mapped++;
    if (m.matched > 0) exact++;
    if (process.argv.includes('--verbose')) {
      const line = fs.readFileSync(m.location.file, 'utf8').split('\n')[m.location.line]?.trim() ?? '';
      const value = m.value?.key === undefined ? '' : ` ← ${path.basename(m.value.key.file)}:${m.value.key.line + 1}`;
      console.log(
        `    ${f.ruleId} ${formatKeyPath(m.keyPath ?? [])} → ${path.basename(m.location.file)}:${m.location.line + 1} [${m.via}, ${m.matched}] ${line.slice(0, 90)}${value}`,
      );
    }
    inside(m.location, `${input.path} ${f.ruleId}`);
    if (m.value?.key !== undefined) {
      valueOrigins++;
      inside(m.value.key, `${input.path} ${f.ruleId} value origin`);
    }
  }
  return {
    documents: result.documents.length,
    objects: parsed.objects.length,
    findings: findings.length,
    mapped,
    exact,
    valueOrigins,
    analysisMs: performance.now() - started,
  };
}

async function renderTree(renderer: Renderer, dir: string, withValues: boolean): Promise<Row[]> {
  const requests = await renderRequestsUnder(dir, withValues);
  const rows: Row[] = [];
  for (const request of requests) {
    let result: RenderResult;
    try {
      result = await renderer.render(request);
    } catch (error) {
      failures.push(`${request.display}: the renderer threw ${String(error)}`);
      continue;
    }
    for (const p of result.problems) inside(p.location, `${request.display} ${p.kind}`);
    const rendered = result.problems.length === 0 && result.documents.length > 0;
    if (!rendered && result.problems.length === 0) failures.push(`${request.display}: neither rendered nor reported`);
    let analysis;
    try {
      analysis = analyse(result);
    } catch (error) {
      failures.push(`${request.display}: analysis threw ${String(error)}`);
      continue;
    }
    rows.push({
      tool: result.source.tool,
      root: request.display,
      variant: result.source.variant,
      rendered,
      problems: result.problems.map((p) => `${p.kind}: ${p.message.slice(0, 160)}`),
      toolMs: result.toolMs,
      ...analysis,
    });
  }
  return rows;
}

function summary(label: string, rows: Row[]): string {
  const charts = rows.filter((r) => r.tool === 'helm');
  const kusts = rows.filter((r) => r.tool === 'kustomize');
  const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
  return (
    `${label}: ${charts.filter((r) => r.rendered).length} of ${charts.length} charts and ${kusts.filter((r) => r.rendered).length} of ${kusts.length} kustomization roots rendered; ` +
    `${sum((r) => r.documents)} documents, ${sum((r) => r.objects)} objects analysed, ${sum((r) => r.findings)} findings (${sum((r) => r.mapped)} mapped to a source line, ` +
    `${sum((r) => r.exact)} at their key or an enclosing key, ${sum((r) => r.valueOrigins)} with a values file entry); tool ${(sum((r) => r.toolMs) / 1000).toFixed(1)} s, analysis ${(sum((r) => r.analysisMs) / 1000).toFixed(1)} s`
  );
}

async function main(): Promise<void> {
  const tools = realTools();
  if (tools === undefined) throw new Error('rendering tools are missing: run scripts/render/build.sh');
  if (!fs.existsSync(sharedRendered)) throw new Error(`${sharedRendered} is absent (the shared rendered corpus)`);
  const renderer = new Renderer({
    helm: tools.helm,
    kustomize: tools.kustomize,
    trusted: true,
    kubeVersion: `v1.${newestKubernetesMinor}.0`,
    cache: new RenderCache(),
  });
  const started = performance.now();
  const rows = await renderTree(renderer, sharedRendered, true);
  const renderedSeconds = (performance.now() - started) / 1000;
  for (const r of rows)
    console.log(
      `  ${r.tool === 'helm' ? 'chart' : 'kustomization'} ${r.root}${r.tool === 'helm' ? ` [${r.variant}]` : ''}: ${r.rendered ? `${r.documents} documents, ${r.objects} objects, ${r.findings} findings (${r.mapped} mapped), tool ${r.toolMs} ms, analysis ${r.analysisMs.toFixed(0)} ms` : r.problems.join('; ')}`,
    );
  console.log(`${summary('rendered corpus', rows)}; wall ${renderedSeconds.toFixed(1)} s`);
  let corpusRows: Row[] = [];
  if (!process.argv.includes('--no-corpus') && fs.existsSync(sharedCorpus)) {
    const t = performance.now();
    corpusRows = await renderTree(renderer, sharedCorpus, false);
    console.log(`${summary('kustomizations of the corpus', corpusRows)}; wall ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (const r of corpusRows.filter((x) => !x.rendered)) console.log(`  not rendered: ${r.root}: ${r.problems.join('; ')}`);
  }
  const json = process.argv.indexOf('--json');
  if (json !== -1 && process.argv[json + 1] !== undefined)
    fs.writeFileSync(process.argv[json + 1] ?? '', JSON.stringify({ rows, corpusRows }, null, 1));
  if (failures.length > 0) {
    console.error(`render corpus: ${failures.length} failure(s)\n${failures.slice(0, 50).join('\n')}`);
    process.exit(1);
  }
  console.log('render corpus: no crash, every chart and kustomization rendered or reported, every location inside its file');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
