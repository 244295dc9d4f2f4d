// Summarises a V8 .cpuprofile (from `node --cpu-prof`) by self time per function and per source file.
// Usage: node out/bench/prof-summary.js FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profile = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const top = Number(process.argv[3] ?? 25);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const t = (self.get(n.id) ?? 0) / 1000;
  total += t;
  const file = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(out|dist)\//, '$1/') || '(native)';
  const key = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
  byFile.set(file, (byFile.get(file) ?? 0) + t);
}
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (total ${total.toFixed(0)} ms)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${v.toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show('self time by function', byFn);
show('self time by file', byFile);
