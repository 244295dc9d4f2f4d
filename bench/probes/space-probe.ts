// Heap spaces of the engine's retained state after a compacting GC: `node --expose-gc out/bench/probes/space-probe.js DIR`.
// Shows where committed-but-unused heap sits (young generation, old space fragmentation, large objects).
import * as v8 from 'node:v8';
import { AnalysisHost } from '../../server/src/core/analysis/host';
import { compactHeap } from '../../server/src/lsp/heap';
import { loadTree } from '../corpus';

const dir = process.argv[2] ?? '.';
const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
for (const f of loadTree(dir)) host.setFile({ path: f.path, content: f.bytes });
const result = host.analyze();
const mib = (n: number): string => (n / 1048576).toFixed(1).padStart(7);
const show = (label: string): void => {
  console.log(label);
  for (const s of v8.getHeapSpaceStatistics())
    console.log(
      `  ${s.space_name.padEnd(24)} size ${mib(s.space_size)} used ${mib(s.space_used_size)} available ${mib(s.space_available_size)}`,
    );
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
