// The engine's cold analysis against its floors on the same bytes, in the same process: js-yaml `loadAll` (plain
// objects, no positions) and yaml `parseAllDocuments` (AST with ranges); and `kpl check` as a process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as core from '../server/src/core/index';
import { AnalysisHost, parseFile } from '../server/src/core/index';
import { totalBytes } from './corpus';
import type { CorpusFile } from './corpus';
import { kplJs, median, round, time } from './measure';
import type { Sample } from './measure';

const jsYaml = require('js-yaml') as { loadAll(text: string): unknown[] };
const yaml = require('yaml') as { parseAllDocuments(text: string): unknown };
const decoder = new TextDecoder();

function jsYamlFloor(files: readonly CorpusFile[]): number {
  let failures = 0;
  for (const f of files) {
    try {
      jsYaml.loadAll(decoder.decode(f.bytes));
    } catch {
      failures++;
    }
  }
  return failures;
}
function yamlFloor(files: readonly CorpusFile[]): void {
  for (const f of files) yaml.parseAllDocuments(decoder.decode(f.bytes));
}
function engineCold(files: readonly CorpusFile[]): { findings: number; workloads: number; parsedDocuments: number; documents: number } {
  const host = new AnalysisHost({ kubernetesMinor: core.newestKubernetesMinor }, { severities: {} });
  let parsedDocuments = 0;
  let documents = 0;
  for (const f of files) {
    const parsed = parseFile({ path: f.path, content: f.bytes });
    parsedDocuments += parsed.parsedDocuments;
    documents += parsed.documents;
    host.addParsed(parsed);
  }
  const result = host.analyze();
  let findings = 0;
  for (const list of result.findings.values()) findings += list.length;
  return { findings, workloads: result.model.workloads.length, parsedDocuments, documents };
}

export interface ColdFigures {
  files: number;
  bytes: number;
  documents: number;
  parsedDocuments: number;
  workloads: number;
  findings: number;
  runs: number;
  engineMs: number;
  engineCpuMs: number;
  jsYamlMs: number;
  jsYamlCpuMs: number;
  jsYamlFailedFiles: number;
  yamlMs: number;
  yamlCpuMs: number;
  ratioToJsYaml: number;
  ratioToJsYamlCpu: number;
  ratioToYaml: number;
  ratioToYamlCpu: number;
}

/** Cold analysis vs the floors on the same bytes, `runs` rounds after a warm-up (fewer yaml rounds when `quick`). */
export function coldAnalysis(files: readonly CorpusFile[], runs: number, quick: boolean): ColdFigures {
  const engine: Sample[] = [];
  const floor: Sample[] = [];
  const yamlRuns: Sample[] = [];
  const yamlEvery = quick || files.length > 20_000 ? runs : 1; // the yaml AST floor is ~8x slower: one round in --quick and on huge trees
  let facts = engineCold(files); // warm-up
  let failures = jsYamlFloor(files);
  // No forced GC between timed runs: a forced full GC shrinks the young generation and made the next
  // allocation-heavy run up to 2x slower (engine more than js-yaml), which measured the GC, not the parsers.
  for (let r = 0; r < runs; r++) {
    // Alternate the order so neither side always runs right after the other's garbage.
    const order = r % 2 === 0 ? ['engine', 'js'] : ['js', 'engine'];
    for (const which of order) {
      if (which === 'engine') engine.push(time(() => (facts = engineCold(files))));
      else floor.push(time(() => (failures = jsYamlFloor(files))));
    }
  }
  // The yaml floor runs after the engine rounds: it shares the yaml library's code with the engine, and running its
  // different shapes first made the engine's later rounds ~40% slower (polymorphic inline caches).
  for (let r = 0; r < runs; r += yamlEvery) yamlRuns.push(time(() => yamlFloor(files)));
  const e = median(engine.map((s) => s.wall));
  const ec = median(engine.map((s) => s.cpu));
  const j = median(floor.map((s) => s.wall));
  const jc = median(floor.map((s) => s.cpu));
  const y = median(yamlRuns.map((s) => s.wall));
  const yc = median(yamlRuns.map((s) => s.cpu));
  return {
    files: files.length,
    bytes: totalBytes(files),
    documents: facts.documents,
    parsedDocuments: facts.parsedDocuments,
    workloads: facts.workloads,
    findings: facts.findings,
    runs,
    engineMs: round(e),
    engineCpuMs: round(ec),
    jsYamlMs: round(j),
    jsYamlCpuMs: round(jc),
    jsYamlFailedFiles: failures,
    yamlMs: round(y),
    yamlCpuMs: round(yc),
    ratioToJsYaml: round(e / j, 3),
    ratioToJsYamlCpu: round(ec / jc, 3),
    ratioToYaml: round(e / y, 3),
    ratioToYamlCpu: round(ec / yc, 3),
  };
}

/** Wall time of `kpl check --format json DIR` (process start, walk, read, analysis, JSON output). */
export function kplCheck(dir: string, quick: boolean): { wallMs: number; runs: number; exitCode: number | null } | { skipped: string } {
  if (!existsSync(kplJs)) return { skipped: 'dist/kpl.js missing: run `node esbuild.mjs`' };
  const times: number[] = [];
  let exitCode: number | null = null;
  const n = quick ? 1 : 3;
  for (let r = 0; r < n; r++) {
    const t = performance.now();
    const result = spawnSync(process.execPath, [kplJs, 'check', '--format', 'json', '--no-render', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    times.push(performance.now() - t);
    exitCode = result.status;
  }
  return { wallMs: round(median(times)), runs: n, exitCode };
}
