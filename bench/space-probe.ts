// Heap spaces of the engine's retained state after a compacting GC: `node --expose-gc out/bench/space-probe.js DIR`.
// Shows where committed-but-unused heap sits (young generation, old space fragmentation, large objects).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { AnalysisHost } from '../server/src/core/analysis/host';
import { compactHeap } from '../server/src/lsp/heap';

const dir = process.argv[2] ?? '.';
function walk(d: string, out: string[]): string[] {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}
const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
for (const f of walk(dir, [])) host.setFile({ path: f, content: fs.readFileSync(f) });
const result = host.analyze();
const mib = (n: number): string => (n / 1048576).toFixed(1).padStart(7);
const show = (label: string): void => {
  console.log(label);
  for (const s of v8.getHeapSpaceStatistics()) console.log(`  ${s.space_name.padEnd(24)} size ${mib(s.space_size)} used ${mib(s.space_used_size)} available ${mib(s.space_available_size)}`);
  const m = process.memoryUsage();
  console.log(`  rss ${mib(m.rss)} heapTotal ${mib(m.heapTotal)} heapUsed ${mib(m.heapUsed)}`);
};
show('after analysis');
compactHeap();
show('after compaction');
setTimeout(() => {
  show('10 s later');
  if (result.model === undefined) console.log('');
}, 10_000);
