// Which keys hold the bytes the parser still sees (after pruning) in documents of interest: guides what to prune.
// `node out/bench/key-volume.js [DIR]`
import { isKindOfInterest, splitDocuments } from '../server/src/core/syntax/documents';
import { pruneIrrelevant } from '../server/src/core/syntax/prune';
import { defaultCorpus, loadTree } from './corpus';

const files = loadTree(process.argv[2] ?? defaultCorpus);
const decoder = new TextDecoder();
const volume = new Map<string, number>();
let total = 0;
let original = 0;
for (const f of files) {
  const text = decoder.decode(f.bytes);
  const json = f.path.endsWith('.json');
  for (const c of splitDocuments(text, json)) {
    if (c.template || !isKindOfInterest(c.kind)) continue;
    const slice = text.slice(c.start, c.end);
    original += slice.length;
    const src = json ? slice : pruneIrrelevant(slice).source;
    total += src.length;
    const stack: Array<[number, string]> = [];
    for (const line of src.split('\n')) {
      const m = /^(\s*(?:- )*)([\w.\/-]+)\s*:/.exec(line);
      const indent = m ? (m[1] ?? '').length : line.length - line.trimStart().length;
      while (stack.length > 0 && (stack[stack.length - 1]?.[0] ?? 0) >= indent && line.trim() !== '') stack.pop();
      if (m) stack.push([indent, m[2] ?? '']);
      const key = stack.map((s) => s[1]).slice(-1)[0] ?? '(top)';
      volume.set(key, (volume.get(key) ?? 0) + line.length + 1);
    }
  }
}
console.log(`documents of interest: ${(original / 1048576).toFixed(2)} MiB, after pruning ${(total / 1048576).toFixed(2)} MiB`);
for (const [k, v] of [...volume].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / 1024).toFixed(0).padStart(7)} KiB  ${k}`);
