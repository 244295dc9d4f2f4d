// Differential check of the fast block-YAML path against the yaml library over a tree (default: the real-world
// corpus), every document: `node out/bench/fast-diff.js [DIR]`. Exit 1 on any mismatch.
import { compareFile } from '../test/helpers/fast-diff';
import type { FastDiff } from '../test/helpers/fast-diff';
import { defaultCorpus, loadTree } from './corpus';

const files = loadTree(process.argv[2] ?? defaultCorpus);
const out: FastDiff = { documents: 0, fast: 0, mismatches: [] };
for (const f of files) compareFile(f.path, f.bytes, out);
console.log(
  `${out.documents} documents, ${out.fast} read by the fast path (${((100 * out.fast) / Math.max(1, out.documents)).toFixed(1)}%), ${out.mismatches.length} mismatches`,
);
for (const m of out.mismatches.slice(0, 30))
  console.log(`${m.file} #${m.document} ${m.path}\n  fast:    ${m.fast}\n  library: ${m.library}`);
process.exitCode = out.mismatches.length > 0 ? 1 : 0;
