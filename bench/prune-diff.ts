// Differential check of pruning over a tree (default: the real-world corpus): every workload document parsed with and
// without pruning agrees on every value but those at the pruned structural places. `node out/bench/prune-diff.js [DIR]`;
// exit 1 on any mismatch.
import { comparePruning, newPruneDiff } from '../test/helpers/prune-diff';
import { defaultCorpus, loadTree } from './corpus';

const files = loadTree(process.argv[2] ?? defaultCorpus);
const out = newPruneDiff();
for (const f of files) comparePruning(f.path, f.bytes, out);
console.log(
  `${out.documents} workload documents, ${out.pruned} pruned (${out.places} values blanked at pruned places), ${out.mismatches.length} mismatches`,
);
for (const m of out.mismatches.slice(0, 30))
  console.log(`${m.file} #${m.document} ${m.path}\n  pruned:   ${m.pruned}\n  unpruned: ${m.unpruned}`);
process.exitCode = out.mismatches.length > 0 ? 1 : 0;
