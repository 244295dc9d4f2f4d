// The core's layers run one way: each folder of server/src/core imports only the folders below it (type imports
// included) and the leaf files at its root, as server/src/core/layers.json declares, and no file of the product takes
// part in an import cycle. ESLint reads the same file (eslint.config.mjs) so editors show a wrong import at once.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { repoRoot } from './helpers/analyze';
import layersFile from '../server/src/core/layers.json';

const { layers: coreLayers, leaves: coreLeaves } = layersFile;
const root = repoRoot();
const core = path.join(root, 'server', 'src', 'core');
const rel = (file: string): string => path.relative(root, file).split(path.sep).join('/');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/** Every relative import and re-export of a file (`import type` too), resolved to the .ts file it names. */
function imports(file: string): Array<{ spec: string; target: string }> {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const out: Array<{ spec: string; target: string }> = [];
  for (const { fileName: spec } of info.importedFiles) {
    if (!spec.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec);
    const target = [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => c.endsWith('.ts') && fs.existsSync(c));
    if (target !== undefined) out.push({ spec, target });
  }
  return out;
}

/** The layer of a core file: its folder under core/, or `leaf` / `index` for the files at the root. */
function layerOf(file: string): string {
  const parts = path.relative(core, file).split(path.sep);
  if (parts.length > 1) return parts[0] ?? '';
  const name = (parts[0] ?? '').replace(/\.ts$/, '');
  return name === 'index' ? 'index' : coreLeaves.includes(name) ? 'leaf' : `unknown root file ${name}`;
}

test('the declared layers are exactly the folders of server/src/core, and the root holds only leaves and index.ts', () => {
  const folders = fs
    .readdirSync(core, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  assert.deepEqual(folders, [...coreLayers].sort(), 'a new core folder needs its place in server/src/core/layers.json');
  const rootFiles = fs
    .readdirSync(core)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual(rootFiles, [...coreLeaves, 'index'].sort());
});

test('each core folder imports only lower folders and root leaves; leaves import only leaves; nothing imports index.ts', () => {
  const rank = new Map(coreLayers.map((l, i) => [l, i]));
  const offenders: string[] = [];
  const files = walk(core);
  assert.ok(files.length > 50, `only ${files.length} core files`);
  for (const file of files) {
    const from = layerOf(file);
    for (const { spec, target } of imports(file)) {
      const to = layerOf(target);
      const ok =
        from === 'index'
          ? to !== 'index'
          : to === 'leaf' ||
            (from !== 'leaf' && to !== 'index' && (from === to || (rank.get(to) ?? Infinity) < (rank.get(from) ?? -Infinity)));
      if (!ok) offenders.push(`${rel(file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(offenders, [], `layer order: ${coreLayers.join(' → ')}`);
});

test('no import cycle between files of the product (type imports included)', () => {
  const files = ['server/src', 'client/src', 'media/src'].flatMap((d) => walk(path.join(root, d)));
  const graph = new Map(files.map((f) => [f, imports(f).map((i) => i.target)]));
  // Tarjan's strongly connected components, iterative (no recursion limit on long chains).
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  for (const start of files) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; edge: number }> = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top === undefined) break;
      const edges = graph.get(top.node) ?? [];
      if (top.edge < edges.length) {
        const to = edges[top.edge++] ?? '';
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node) ?? 0, index.get(to) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(top.node) ?? 0));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(rel(member));
        } while (member !== top.node);
        if (component.length > 1) cycles.push(component.sort());
      }
    }
  }
  assert.ok(files.length > 100, `only ${files.length} files scanned`);
  assert.deepEqual(cycles, []);
});
