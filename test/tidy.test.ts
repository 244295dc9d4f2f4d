// Repository hygiene that a reviewer would otherwise check by hand: docs/rules.md is generated from the registry,
// the registry is sorted and one rule per file, core files are documented and pure, and no test is focused or skipped.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rules } from '../server/src/core/index';
import { repoRoot } from './helpers/analyze';
import { renderRulesDoc } from './helpers/rules-doc';

const root = repoRoot();

function walk(dir: string, filter: (file: string) => boolean, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(full, filter, out);
    } else if (filter(full)) out.push(full);
  }
  return out.sort();
}

const rel = (file: string): string => path.relative(root, file).split(path.sep).join('/');

test('docs/rules.md is the rendering of the rule registry (UPDATE_DOCS=1 rewrites it)', () => {
  const file = path.join(root, 'docs', 'rules.md');
  const expected = renderRulesDoc();
  if (process.env.UPDATE_DOCS === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, expected);
    return;
  }
  const actual = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  assert.ok(
    actual === expected,
    'docs/rules.md is out of date with the rule registry: run `node scripts/gen-rules-doc.mjs` (or `UPDATE_DOCS=1 node scripts/unit-tests.mjs tidy` after `node esbuild.mjs`) and commit the result',
  );
});

test('docs/rules.md has a table row and a section (anchor = id) for every rule, with docs headings demoted', () => {
  const doc = renderRulesDoc();
  for (const r of rules) {
    assert.ok(doc.includes(`| [\`${r.id}\`](#${r.id}) |`), `table row of ${r.id}`);
    assert.ok(doc.includes(`\n## ${r.id}\n`), `section of ${r.id}`);
    assert.ok(doc.includes(`(../test/rules/${r.id}/)`), `fixture link of ${r.id}`);
  }
  assert.ok(!/\n## Why this matters/.test(doc), 'rule docs headings must be below the rule section');
});

test('the rule registry is sorted by id, ids are unique kebab-case', () => {
  const ids = rules.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('every rule lives in server/src/core/rules/<id>.ts, and every file there that defines a Rule is registered', () => {
  const dir = path.join(root, 'server', 'src', 'core', 'rules');
  for (const r of rules) {
    const file = path.join(dir, `${r.id}.ts`);
    assert.ok(fs.existsSync(file), `${rel(file)} is missing`);
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`id: '${r.id}'`), `${rel(file)} must define the rule ${r.id}`);
  }
  const defining = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && /:\s*Rule\s*=\s*\{/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  assert.deepEqual(defining.map((f) => f.replace(/\.ts$/, '')).sort(), rules.map((r) => r.id).sort());
});

test('every rule has a summary, docs with the four headings, and a known category and severity', () => {
  for (const r of rules) {
    assert.ok(r.summary.length > 10 && r.summary.endsWith('.'), `${r.id}: summary is one sentence ending with a period`);
    for (const heading of ['## Why this matters', '## How to fix', '## Invalid', '## Valid'])
      assert.ok(r.docs.includes(heading), `${r.id}: docs need "${heading}"`);
    assert.ok(['correctness', 'admission', 'prediction', 'syntax'].includes(r.category), r.id);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(r.defaultSeverity), r.id);
  }
});

test('every server/src/core file starts with a comment line saying what it is for', () => {
  const offenders = walk(path.join(root, 'server', 'src', 'core'), (f) => f.endsWith('.ts')).filter(
    (f) => !/^(\/\/|\/\*)/.test(fs.readFileSync(f, 'utf8')),
  );
  assert.deepEqual(offenders.map(rel), []);
});

test('server/src/core imports no Node module, editor, LSP, cluster client or outer layer', () => {
  const forbidden =
    /^(node:|vscode$|vscode-languageserver|vscode-jsonrpc|@kubernetes\/client-node)|(^|\/)(lsp|cluster|cli|workspace|client|media)(\/|$)|^(fs|path|os|child_process|net|http|https|crypto|stream|url|util|worker_threads)$/;
  const specifier =
    /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  const offenders: string[] = [];
  for (const file of walk(path.join(root, 'server', 'src', 'core'), (f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? '';
      const resolved = spec.startsWith('.') ? rel(path.resolve(path.dirname(file), spec)) : spec;
      const outside = spec.startsWith('.') && !resolved.startsWith('server/src/core/');
      if ((spec.startsWith('.') ? false : forbidden.test(spec)) || outside) offenders.push(`${rel(file)}: ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no test is focused (.only) or unconditionally skipped (.skip / .todo)', () => {
  const self = path.join(root, 'test', 'tidy.test.ts');
  const pattern = /\b(?:test|it|describe|suite)\.(?:only|skip|todo)\s*\(|\{\s*only:\s*true|\bonly:\s*true\b/;
  const offenders = walk(path.join(root, 'test'), (f) => f.endsWith('.ts') && f !== self).filter((f) =>
    pattern.test(fs.readFileSync(f, 'utf8')),
  );
  assert.deepEqual(offenders.map(rel), []);
});

test('every upstream rule id (R-x.y) cited in code, tests or docs is defined in docs/semantics.md', () => {
  const semantics = fs.readFileSync(path.join(root, 'docs', 'semantics.md'), 'utf8');
  const defined = new Set([...semantics.matchAll(/\*\*(R-[A-Z]+\.\d+[a-z]?)\b/g)].map((m) => m[1]));
  assert.ok(defined.size >= 50, `docs/semantics.md defines only ${defined.size} rule ids`);
  const cited = /\bR-[A-Z]+\.\d+[a-z]?\b/g;
  const sources = ['server/src', 'client/src', 'media/src', 'test', 'bench', 'scripts', 'docs']
    .flatMap((d) => walk(path.join(root, d), (f) => /\.(ts|mjs|js|md)$/.test(f) && !f.endsWith(path.join('docs', 'semantics.md'))))
    .concat(['README.md', 'ARCHITECTURE.md'].map((f) => path.join(root, f)));
  const missing: string[] = [];
  for (const file of sources)
    for (const m of fs.readFileSync(file, 'utf8').matchAll(cited)) if (!defined.has(m[0])) missing.push(`${rel(file)}: ${m[0]}`);
  assert.deepEqual(missing, [], 'cited rule ids missing from docs/semantics.md (add the rule with its upstream source)');
  // The research copy outside the repository is no longer the reference.
  const stale = sources.filter((f) => fs.readFileSync(f, 'utf8').includes(['shared', 'semantics.md'].join('/'))).map(rel);
  assert.deepEqual(stale, [], 'cite docs/semantics.md, not the research copy outside the repository');
});

test('only server/src/cluster/api.ts and kubeconfig.ts import @kubernetes/client-node (the real-cluster harness aside)', () => {
  // Read-only by construction: the client can exec, attach, port-forward and write; everything else reaches a cluster
  // through ApiClient's allow-listed reads. Catches what ESLint's no-restricted-imports does not: require() and import().
  const owners = new Set(['server/src/cluster/api.ts', 'server/src/cluster/kubeconfig.ts']);
  const specifier =
    /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  const code = (f: string) => /\.(ts|js|mjs|cjs)$/.test(f) && !rel(f).startsWith('test/real-cluster/');
  const files = ['server/src', 'client', 'media', 'test', 'bench', 'scripts'].flatMap((d) => walk(path.join(root, d), code));
  assert.ok(files.length > 100, `scanned ${files.length} files`);
  const importers: string[] = [];
  for (const file of files) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? '';
      if (spec === '@kubernetes/client-node' || spec.startsWith('@kubernetes/client-node/')) importers.push(rel(file));
    }
  }
  assert.deepEqual(
    [...new Set(importers)].filter((f) => !owners.has(f)),
    [],
    'files importing @kubernetes/client-node',
  );
  assert.deepEqual([...new Set(importers)].sort(), [...owners].sort(), 'api.ts and kubeconfig.ts are where the client is used');
});

test('server/src/render imports the engine only through core/index.ts, and nothing from lsp/, cli/ or cluster/', () => {
  // The rendered-input layer sits beside workspace/: the CLI and the language server use it, never the reverse, and
  // the engine never sees the tools (it receives rendered text and a source; test/render-unit checks the mapping).
  const specifier =
    /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  const files = walk(path.join(root, 'server', 'src', 'render'), (f) => f.endsWith('.ts'));
  assert.ok(files.length >= 10, `scanned ${files.length} files`);
  const offenders: string[] = [];
  for (const file of files) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? '';
      if (!spec.startsWith('.')) {
        if (spec === 'vscode' || spec.startsWith('vscode-') || spec.startsWith('@kubernetes/')) offenders.push(`${rel(file)}: ${spec}`);
        continue;
      }
      const target = rel(path.resolve(path.dirname(file), spec));
      const allowed = target.startsWith('server/src/render/') || target === 'server/src/core/index';
      if (!allowed) offenders.push(`${rel(file)}: ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
  // ...and no other layer imports render internals: only its index.
  const outside = ['server/src', 'client', 'media']
    .flatMap((d) => walk(path.join(root, d), (f) => f.endsWith('.ts')))
    .filter((f) => !rel(f).startsWith('server/src/render/'));
  const deep: string[] = [];
  for (const file of outside)
    for (const match of fs.readFileSync(file, 'utf8').matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? '';
      const target = spec.startsWith('.') ? rel(path.resolve(path.dirname(file), spec)) : '';
      if (target.startsWith('server/src/render/') && target !== 'server/src/render/index') deep.push(`${rel(file)}: ${spec}`);
    }
  assert.deepEqual(deep, [], 'import the render layer through server/src/render/index.ts');
});

// No god files: a product source file (tests exempt) longer than this says why at its top, in its first lines:
//   // Over 400 lines because <the reason it is one file>
// (the reason at least a few words), or it is split along its seams.
const maxSourceLines = 400;
const overLongMarker = /^\/\/ Over 400 lines because \S.{15,}$/;

test(`no product source file over ${maxSourceLines} lines without "// Over 400 lines because …" in its first lines`, () => {
  const sources = ['server/src', 'client/src', 'media/src', 'bench', 'scripts'].flatMap((d) =>
    walk(path.join(root, d), (f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f)),
  );
  assert.ok(sources.length > 150, `scanned ${sources.length} files`);
  const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const offenders: string[] = [];
  for (const file of sources) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = lineCount(text);
    if (lines <= maxSourceLines) continue;
    const head = text.split('\n').slice(0, 10);
    if (head.some((l) => overLongMarker.test(l))) continue;
    offenders.push(`${rel(file)}: ${lines} lines`);
  }
  assert.deepEqual(
    offenders,
    [],
    'split these files along their seams, or say at their top why they are one file ("// Over 400 lines because …")',
  );
});

test('the "Over 400 lines" marker is only on files that are over 400 lines', () => {
  const sources = ['server/src', 'client/src', 'media/src', 'bench', 'scripts'].flatMap((d) =>
    walk(path.join(root, d), (f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f)),
  );
  const stale = sources
    .filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return /^\/\/ Over 400 lines because/m.test(text) && text.split('\n').length - (text.endsWith('\n') ? 1 : 0) <= maxSourceLines;
    })
    .map(rel);
  assert.deepEqual(stale, [], 'these files are short now: drop their "Over 400 lines because" line');
});
