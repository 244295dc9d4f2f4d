// Reads a manifest tree into memory (bytes only), the same file selection as `kpl check` (.yaml/.yml/.json, no .git/node_modules).
// Used by the benchmark and the fuzzer; the corpus is read in place and never copied.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface CorpusFile {
  path: string;
  bytes: Uint8Array;
}

/** The repository: the first folder above this bundle (out/bench/ or out/bench/probes/) that holds esbuild.mjs. */
export const repoRoot = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'esbuild.mjs'))) return dir;
  return process.cwd();
})();

export const defaultCorpus = process.env.KPL_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');

const manifest = /\.(ya?ml|json)$/i;
const skipped = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** loadTree reads every manifest below `root`; throws a clear error when the folder is missing. */
export function loadTree(root: string): CorpusFile[] {
  if (!existsSync(root)) throw new Error(`corpus not found at ${root} (set KPL_CORPUS to its folder; it is read in place, never copied)`);
  const out: CorpusFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (skipped.has(name)) continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && manifest.test(name))
        out.push({ path: relative(root, p).split('\\').join('/'), bytes: new Uint8Array(readFileSync(p)) });
    }
  };
  walk(root);
  return out;
}

export function totalBytes(files: readonly CorpusFile[]): number {
  let n = 0;
  for (const f of files) n += f.bytes.length;
  return n;
}
