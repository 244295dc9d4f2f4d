// Cold full analysis of a tree, repeated, for `node --cpu-prof out/bench/profile.js [DIR] [runs]`.
import { AnalysisHost, parseFile } from '../server/src/core/index';
import { defaultCorpus, loadTree, totalBytes } from './corpus';

const root = process.argv[2] ?? defaultCorpus;
const runs = Number(process.argv[3] ?? 5);
const files = loadTree(root);
console.log(`${files.length} files, ${(totalBytes(files) / 1048576).toFixed(1)} MiB`);
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
  for (const f of files) host.addParsed(parseFile({ path: f.path, content: f.bytes }));
  const result = host.analyze();
  let n = 0;
  for (const l of result.findings.values()) n += l.length;
  const used = process.cpuUsage(cpu);
  console.log(
    `run ${r}: ${(performance.now() - t).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms cpu, ${n} findings`,
  );
}
