// The cold-CLI benchmark's js-yaml peer as a whole process (issue 18): walk the same file selection as `kpl check`,
// read each file and `loadAll` it, print the document count. `node out/bench/js-yaml-process.js DIR`.
import { loadTree } from './corpus';

const jsYaml = require('js-yaml') as { loadAll(text: string): unknown[] };
const decoder = new TextDecoder();
let documents = 0;
let failed = 0;
for (const f of loadTree(process.argv[2] ?? '.')) {
  try {
    documents += jsYaml.loadAll(decoder.decode(f.bytes)).length;
  } catch {
    failed++;
  }
}
process.stdout.write(`${documents} documents, ${failed} files js-yaml could not load\n`);
