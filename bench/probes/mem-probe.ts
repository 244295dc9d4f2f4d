// Memory of the engine's retained state for a workspace: `node --expose-gc out/bench/probes/mem-probe.js DIR [snapshot.heapsnapshot]`.
// Loads every file into an AnalysisHost as the language server does, analyses, collects garbage and prints heap figures
// per retained part; with a second argument it also writes a heap snapshot to summarise with `heap-summary.js`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { AnalysisHost } from '../../server/src/core/analysis/host';

const dir = process.argv[2] ?? '.';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
function walk(d: string, out: string[]): string[] {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}
const files = walk(dir, []);
let bytes = 0;
gc();
const base = process.memoryUsage();
const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
for (const f of files) {
  const b = fs.readFileSync(f);
  bytes += b.length;
  host.setFile({ path: f, content: b });
}
const result = host.analyze();
let findings = 0;
for (const list of result.findings.values()) findings += list.length;
gc();
const m = process.memoryUsage();
const mib = (n: number): string => (n / 1048576).toFixed(1);
console.log(`${files.length} files, ${mib(bytes)} MiB, ${findings} findings`);
console.log(
  `heapUsed +${mib(m.heapUsed - base.heapUsed)} MiB (${((m.heapUsed - base.heapUsed) / bytes).toFixed(2)}x bytes), rss ${mib(m.rss)} MiB (${(m.rss / bytes).toFixed(2)}x), external ${mib(m.external)} MiB, arrayBuffers ${mib(m.arrayBuffers)}`,
);
// Where the committed heap goes (new space, old space, large objects, code): what RSS holds beyond the live objects.
for (const space of v8.getHeapSpaceStatistics())
  if (space.space_size > 0)
    console.log(
      `  ${space.space_name.padEnd(24)} committed ${mib(space.space_size).padStart(7)} MiB, used ${mib(space.space_used_size).padStart(7)} MiB`,
    );
if (process.argv[3] !== undefined) v8.writeHeapSnapshot(process.argv[3]);
// keep everything alive until here
if (result.model === undefined) console.log('');
if (process.env['KPL_MEM_PARTS'] === '1') {
  // What each retained part costs: drop it from every parsed file and measure again (the host is unusable afterwards).
  const filesMap = (host as unknown as { files: Map<string, { parsed: { text: string; objects: Array<{ node: unknown }> } }> }).files;
  const step = (label: string, drop: () => void): void => {
    gc();
    const before = process.memoryUsage().heapUsed;
    drop();
    gc();
    console.log(`${label}: -${mib(before - process.memoryUsage().heapUsed)} MiB`);
  };
  step('file texts', () => {
    for (const f of filesMap.values()) f.parsed.text = '';
  });
  step('object trees', () => {
    for (const f of filesMap.values()) for (const o of f.parsed.objects) o.node = undefined;
  });
  step('model', () => {
    (result as { model: unknown }).model = undefined;
    (host as unknown as { model: unknown }).model = undefined;
  });
  step('findings', () => {
    result.findings.clear();
  });
  step('parsed files', () => {
    filesMap.clear();
  });
}
const mu = process.memoryUsage();
console.log(`final: heapTotal ${mib(mu.heapTotal)} MiB heapUsed ${mib(mu.heapUsed)} rss ${mib(mu.rss)}`);
if (process.env['KPL_MEM_PARTS'] === '2') {
  const model = result.model as unknown as { workloads: Array<Record<string, unknown>>; [k: string]: unknown };
  const step = (label: string, drop: () => void): void => {
    gc();
    const before = process.memoryUsage().heapUsed;
    drop();
    gc();
    console.log(`${label}: -${mib(before - process.memoryUsage().heapUsed)} MiB`);
  };
  for (const field of ['containers', 'podLevel', 'requests', 'priority', 'evictionTier', 'pdbs']) {
    step(`workload.${field}`, () => {
      for (const w of model.workloads) w[field] = undefined;
    });
  }
  step('workload.workload', () => {
    for (const w of model.workloads) w['workload'] = undefined;
  });
  for (const field of ['fieldProblems', 'byFile', 'memo', 'ladder', 'tier2', 'pdbs', 'objects', 'workloads', 'files']) {
    step(`model.${field}`, () => {
      model[field] = undefined;
    });
  }
}
