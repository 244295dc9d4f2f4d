// The fast block-YAML path (server/src/core/syntax/fast-block.ts) must give exactly the tree the yaml library +
// Converter give, or decline. Checked on tricky snippets, on the fuzz fixtures, and on seeded mutations of them; the
// same comparison runs over the real-world corpus in `npm run corpus` (bench/fast-diff.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseBlockSubset } from '../../server/src/core/syntax/fast-block';
import { indexedMapSize } from '../../server/src/core/syntax/tree';
import { compareFile } from '../helpers/fast-diff';
import type { FastDiff } from '../helpers/fast-diff';
import { repoRoot } from '../helpers/analyze';
import { mutate, rng } from './mutate';

const fresh = (): FastDiff => ({ documents: 0, fast: 0, mismatches: [] });
const report = (d: FastDiff): string =>
  d.mismatches.map((m) => `${m.file} #${m.document} ${m.path}\n  fast:    ${m.fast}\n  library: ${m.library}`).join('\n');

/** Snippets around every rule of the subset: ranges after comments, empty values, YAML 1.1 scalars, keys that resolve. */
const snippets: Record<string, string> = {
  manifest:
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {}\nspec:\n  replicas: 3\n  template:\n    spec:\n      priorityClassName: high\n      containers:\n      - name: app\n        image: nginx:1.27\n        resources:\n          requests:\n            cpu: 100m\n',
  compactSeq: 'a:\n- x\n- k: v\n  m: {}\n  n: []\n-\ne: "q" \nf:\n\n',
  comments: 'a:\n  b: 1\n\n  # c1\n  c: 2\n\n# top\nd:\n  e: 3\n  # trailing e\nf: 4\n',
  inlineComments: 'a: "x"  # c\nb:   \nc: # cc\nd:\n-   \n- # dc\n- y\ne: {}  \nf: [] # k\ng:\n  h: 1\n# end\n',
  trailingIndented: 'a:\n  b: 1\n  # end',
  emptyThenComments: 'components:\n# - a\n# - b\n',
  emptyThenCommentSibling: 'a:\n# comment\nc: 2',
  commentBeforeBlock: 'a:\n  # comment\n  b: 1\nc: 2',
  commentThenSeq: 'a:\n# comment\n- 1\nc: 2',
  itemComment: 'a:\n  - # c\n    b: 1',
  yaml11:
    'a: yes\nb: no\nc: on\nd: off\ne: y\nn: 1\nf: 0755\ng: 0x1F\nh: 1:30\ni: .inf\nj: .nan\nk: ~\nl: null\nm: 1_000\no: 2001-12-14\np: .\nq: -1\nr: +1.5e3\ns: 1.0\n',
  keys: 'yes: 1\n1.0: a\n~: b\n0x10: c\n2001-12-14: d\n"quoted": e\n',
  quotes: "a: 'it''s'\nb: \"x\\ty\"\nc: 'x' y\nd: \"x\"#c\ne: 'x # y'\nf: \"a: b\"\n",
  plainOddities:
    'a: b: c\nb: x:\nc: x#y\nd: http://x/y\ne: -x\nf: - x\ng: ?x\nh: :x\ni: ,x\nj: [a]\nk: {a: 1}\nl: &a x\nm: *a\nn: !!str 1\no: |\n  text\np: >\n  text\n',
  multiline: 'a: one\n  two\nb: 1\n',
  indentErrors: 'a:\n    b: 1\n  c: 2\n',
  duplicates: 'a: 1\na: 2\n',
  merge: 'x: &x {a: 1}\ny:\n  <<: *x\n',
  seqInSeq: '- - a\n- b\n',
  rootScalar: 'just text\n',
  markers: '---\na: 1\n...\n',
  directive: '%YAML 1.1\n---\na: 1\n',
  crlf: 'a: 1\r\nb:\r\n  c: x # c\r\n  d: "y"\r\n',
  tabs: 'a:\t1\n',
  unicode: 'a: caf\u00e9\nb: \u2028\n',
  spaceBeforeColon: 'a : 1\n',
  longKey: `${'k'.repeat(1100)}: 1\n`,
  bigMap: Array.from({ length: 20 }, (_, i) => `k${i}: ${i}`).join('\n'),
  deep: Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n',
  seqSameIndent: 'containers:\n- name: a\n  ports:\n  - containerPort: 80\n- name: b\nnext: 1\n',
  seqBadDedent: 'a:\n  - 1\n  b: 2\n',
  eof: 'a:\n  b: x # c',
};

test('fast block path: identical to the yaml library on every snippet, or declined', () => {
  for (const [name, text] of Object.entries(snippets)) {
    const d = fresh();
    compareFile(`${name}.yaml`, text, d);
    assert.deepEqual(d.mismatches, [], `${name}:\n${report(d)}`);
  }
});

test('fast block path: takes ordinary manifests and declines what it does not model', () => {
  for (const name of ['manifest', 'compactSeq', 'inlineComments', 'yaml11', 'crlf', 'seqSameIndent', 'bigMap', 'eof'])
    assert.ok(isFastTree(snippets[name] ?? ''), `${name} should be read by the fast path`);
  for (const name of [
    'trailingIndented',
    'emptyThenComments',
    'quotes',
    'plainOddities',
    'multiline',
    'indentErrors',
    'duplicates',
    'seqInSeq',
    'rootScalar',
    'markers',
    'directive',
    'tabs',
    'unicode',
    'spaceBeforeColon',
    'longKey',
    'deep',
    'seqBadDedent',
  ]) {
    assert.ok(!isFastTree(snippets[name] ?? ''), `${name} should be declined`);
  }
});

/** True when the fast path alone produces a tree for `text` (plain scalars kept as text: only the structure matters). */
function isFastTree(text: string): boolean {
  return (
    parseBlockSubset(text, {
      original: text,
      span: (start, end) => ({ start, end }),
      resolve: (t) => ({ value: t }),
      key: (k) => k,
      indexedMapSize,
    }) !== undefined
  );
}

test('fast block path: 3,000 seeded mutations of the fixtures give the library tree or decline', () => {
  const dir = path.join(repoRoot(), 'test', 'fuzz', 'fixtures');
  const sources = [
    ...fs
      .readdirSync(dir)
      .sort()
      .filter((n) => !n.endsWith('.json'))
      .map((n) => ({ name: n, text: fs.readFileSync(path.join(dir, n), 'utf8') })),
    ...Object.entries(snippets).map(([name, text]) => ({ name, text })),
  ];
  // KPL_FAST_MUTATIONS / KPL_FAST_SEED run a longer sweep while working on the fast path.
  const r = rng(Number(process.env['KPL_FAST_SEED'] ?? 20261123));
  const d = fresh();
  for (let i = 0; i < Number(process.env['KPL_FAST_MUTATIONS'] ?? 3_000); i++) {
    const source = sources[i % sources.length];
    if (source === undefined) continue;
    const input = mutate(r, source.text, `${source.name}-${i}.yaml`);
    compareFile(input.path, input.content, d);
  }
  assert.deepEqual(d.mismatches.slice(0, 5), [], report(d));
  assert.ok(d.fast > 500, `the fast path read only ${d.fast} of ${d.documents} mutated documents: the comparison is not exercising it`);
});
