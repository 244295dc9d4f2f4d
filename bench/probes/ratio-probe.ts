// Diagnoses the engine / js-yaml ratio on a tree: engine alone, engine alternating with js-yaml, and after yaml's
// parseAllDocuments has run in the same process (shared yaml code: JIT state). `node --expose-gc out/bench/probes/ratio-probe.js [DIR]`
import { AnalysisHost, parseFile } from '../../server/src/core/index';
import { defaultCorpus, loadTree } from '../corpus';

const jsYaml = require('js-yaml') as { loadAll(text: string): unknown[] };
const yaml = require('yaml') as { parseAllDocuments(text: string): unknown };
const files = loadTree(process.argv[2] ?? defaultCorpus);
const decoder = new TextDecoder();
const gc = (): void => (process.env.NO_GC ? undefined : (globalThis as { gc?: () => void }).gc?.());
function cpu(fn: () => void): number {
  gc();
  const c = process.cpuUsage();
  fn();
  const u = process.cpuUsage(c);
  return (u.user + u.system) / 1000;
}
const engine = (): void => {
  const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
  for (const f of files) host.addParsed(parseFile({ path: f.path, content: f.bytes }));
  host.analyze();
};
const js = (): void => {
  for (const f of files) {
    try {
      jsYaml.loadAll(decoder.decode(f.bytes));
    } catch {
      // counted by run.ts
    }
  }
};
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const e1: number[] = [];
const j1: number[] = [];
for (let i = 0; i < 6; i++) {
  e1.push(cpu(engine));
  j1.push(cpu(js));
}
console.log(
  `alternating: engine ${med(e1.slice(1)).toFixed(0)} ms cpu, js-yaml ${med(j1.slice(1)).toFixed(0)} ms cpu, ratio ${(med(e1.slice(1)) / med(j1.slice(1))).toFixed(2)}`,
);
cpu(() => {
  for (const f of files) yaml.parseAllDocuments(decoder.decode(f.bytes));
});
const e2: number[] = [];
for (let i = 0; i < 5; i++) e2.push(cpu(engine));
console.log(`after yaml parseAllDocuments: engine ${med(e2).toFixed(0)} ms cpu`);
