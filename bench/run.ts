// `npm run bench [-- --quick] [-- --runs N] [-- --sizes 1000,10000]`: the performance benchmark of issue 8.
// Plain Node, no test runner. Prints a table and writes bench/results.json. All ratios come from the same run, with
// engine and floors interleaved round by round so that machine load hits both alike; figures are medians after warm-up.
// The parts: measure.ts (timing, machine), floors.ts (cold analysis vs js-yaml/yaml, kpl check), lsp.ts (the language
// server through the tests' LSP client), simulate.ts (kpl simulate), report.ts (targets and tables); the
// yaml-language-server anchor is anchor-schema.ts.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastParserActive } from '../server/src/core/syntax/parse-yaml';
import { loadAnchorSchema, runAnchor } from './anchor-schema';
import type { AnchorFigures, AnchorSchema } from './anchor-schema';
import { defaultCorpus, loadTree } from './corpus';
import type { CorpusFile } from './corpus';
import { coldAnalysis, kplCheck } from './floors';
import { coldCliVsPeers } from './peers';
import { generateWorkspace } from './generate';
import { lsp } from './lsp';
import { editLatencyWithRenders, printRendered, renderTimes } from './render';
import { log, machine, repo, round } from './measure';
import { computeTargets, printTable } from './report';
import type { CorpusResult } from './report';
import { simulateAvailable, simulateFigures } from './simulate';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const runs = Number(option('--runs') ?? (quick ? 3 : 5));
const sizes = (option('--sizes') ?? (quick ? '1000,10000' : '1000,10000,50000'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const withSimulate = !argv.includes('--no-simulate');
const corpusDir = option('--corpus') ?? defaultCorpus;
const withAnchor = !quick && !argv.includes('--no-anchor');
// --quick (CI) writes its own file so that it never replaces the full figures quoted in bench/README.md.
const outFile = option('--out') ?? join(repo, 'bench', quick ? 'results-quick.json' : 'results.json');
const work = mkdtempSync(join(tmpdir(), 'kpl-bench-'));

// The Kubernetes schema yaml-language-server's `kubernetes` association uses, rebuilt from the upstream swagger.json of
// k8s.io/kubernetes (Go module cache) by bench/anchor-schema.ts; its small inline schema only when that is unavailable.
let anchorSchema: AnchorSchema | undefined;
async function anchor(files: readonly CorpusFile[]): Promise<AnchorFigures | { skipped: string; schema: string }> {
  if (anchorSchema === undefined) {
    anchorSchema = loadAnchorSchema();
    log(`anchor schema: ${anchorSchema.label}`);
  }
  return runAnchor(files, anchorSchema);
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: CorpusResult[] = [];
  const startMachine = machine();
  log(`quick=${quick} runs=${runs} sizes=${sizes.join(',')} fastParser=${fastParserActive} work=${work}`);
  const sets: Array<{ name: string; dir: string; editFile?: string }> = [];
  if (existsSync(corpusDir)) sets.push({ name: 'corpus', dir: corpusDir });
  else log(`real-world corpus not found at ${corpusDir} (set --corpus or KPL_CORPUS): corpus figures skipped`);
  for (const size of sizes) {
    const dir = join(work, `ws-${size}`);
    const ws = generateWorkspace(dir, size);
    log(`generated ${size} workloads: ${ws.files} files, ${(ws.bytes / 1048576).toFixed(1)} MiB`);
    sets.push({ name: `generated-${size / 1000}k`, dir, editFile: ws.editFile });
  }
  for (const set of sets) {
    const files = loadTree(set.dir);
    log(`${set.name}: cold analysis vs floors (${runs} runs)`);
    const cold = coldAnalysis(files, runs, quick);
    log(`${set.name}: engine ${cold.engineMs} ms, js-yaml ${cold.jsYamlMs} ms, yaml ${cold.yamlMs} ms`);
    const result: CorpusResult = { name: set.name, cold, kplCheck: kplCheck(set.dir, quick) };
    if (set.name === 'corpus') {
      log('corpus: cold CLI vs kubeconform and a js-yaml process (alternating)');
      result.coldCli = coldCliVsPeers(set.dir, quick);
      log(`corpus: ${JSON.stringify(result.coldCli)}`);
    }
    if (withAnchor && (set.name === 'corpus' || set.name === 'generated-1k')) {
      log(`${set.name}: yaml-language-server anchor`);
      result.anchor = await anchor(files);
      const a = result.anchor as { wallMs?: number };
      if (a.wallMs !== undefined) result.anchorRatio = round(a.wallMs / cold.engineMs, 1);
    }
    if (set.editFile !== undefined) {
      log(`${set.name}: language server`);
      result.lsp = await lsp(set.dir, set.editFile, cold.bytes, quick);
    }
    results.push(result);
  }
  // Rendered input: render time per chart/kustomization of ../shared/rendered, and plain-file edits while renders run.
  log('rendered input: ../shared/rendered and edits while rendering');
  const renderedDir = option('--rendered') ?? process.env['KPL_RENDERED'] ?? join(repo, '..', 'shared', 'rendered');
  const renderFigures: Record<string, unknown> = { times: await renderTimes(renderedDir) };
  const small = sets.find((s) => s.editFile !== undefined);
  if (small?.editFile !== undefined) {
    const copy = join(work, 'render-ws');
    cpSync(small.dir, copy, { recursive: true });
    renderFigures['editWhileRendering'] = await editLatencyWithRenders(copy, small.editFile, quick);
  }
  let simulateResults: unknown;
  if (!withSimulate) simulateResults = { skipped: '--no-simulate' };
  else if (simulateAvailable()) {
    simulateResults = [];
    for (const nodes of quick ? [500] : [500, 5000]) {
      log(`kpl simulate: ${nodes} nodes`);
      (simulateResults as unknown[]).push(simulateFigures(work, nodes, 20, quick));
    }
  } else simulateResults = { skipped: '`kpl simulate` does not exist yet in dist/kpl.js: simulate figures skipped' };

  const targets = computeTargets(results, simulateResults);
  const output = {
    date: new Date().toISOString(),
    quick,
    runs,
    fastParser: fastParserActive,
    machine: { ...startMachine, loadAverageAtEnd: loadavg().map((l) => round(l, 2)) },
    durationS: round((Date.now() - started) / 1000),
    corpora: results,
    rendered: renderFigures,
    simulate: simulateResults,
    targets,
  };
  writeFileSync(outFile, `${JSON.stringify(output, null, 2)}\n`);
  printTable(results, simulateResults, targets);
  printRendered(renderFigures);
  console.log(`\nwritten ${outFile} in ${output.durationS} s`);
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(work, { recursive: true, force: true });
    // A benchmark is a batch job: exit once the results are written, whatever handles the measured code left open.
    process.exit(process.exitCode ?? 0);
  });
