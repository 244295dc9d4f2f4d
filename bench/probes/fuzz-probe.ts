// Runs one hostile generator through the fuzz harness and prints time and memory: `node out/bench/probes/fuzz-probe.js list 100000`.
import { Harness } from '../../test/fuzz/check';
import { bigList, billionLaughs, deepNesting } from '../../test/fuzz/mutate';

const [what = 'list', n = '100000'] = process.argv.slice(2);
const count = Number(n);
const make: Record<string, () => string> = {
  list: () => bigList(count),
  laughs: () => billionLaughs(count, count),
  block: () => deepNesting(count, 'block'),
  flow: () => deepNesting(count, 'flow'),
  pods: () =>
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    resources: {requests: {cpu: 1e400}}\n---\n'.repeat(
      count,
    ),
};
const text = (make[what] ?? make['list'] ?? (() => ''))();
const t = performance.now();
const r = new Harness().check({ path: `probe/${what}.yaml`, content: text }, 1e9);
const m = process.memoryUsage();
console.log(
  `${what} ${n}: ${(text.length / 1048576).toFixed(1)} MB, ${(performance.now() - t).toFixed(0)} ms, ${r.findings} findings, objects ${r.parsed?.objects.length}, problems ${r.parsed?.problems.map((p) => p.message.slice(0, 100)).join(' | ')}, violations ${r.violations.map((v) => v.message.slice(0, 200)).join(' | ')}, heap ${(m.heapUsed / 1048576).toFixed(0)} MB rss ${(m.rss / 1048576).toFixed(0)} MB`,
);
