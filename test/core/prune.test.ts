// Pruning (syntax/prune.ts) removes only values the engine never reads, at their structural places: a label, an
// annotation, a nodeSelector or a selector named like a pruned key (`env`, `data`, `command` ...) keeps its value.
// Regression tests for the bugs a real apiserver run found (issue 17, 1b), and the pruned-vs-unpruned differential
// over every fixture and example of the repository (the same check runs over the corpus in `npm run corpus`).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { pruneIrrelevant, prunedAt } from '../../server/src/core/syntax/prune';
import { analyze, findingsOf, repoRoot, workload, yaml } from '../helpers/analyze';
import { comparePruning, newPruneDiff } from '../helpers/prune-diff';

const deployment = (labels: string[], extra: string[] = []): string =>
  yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  labels:',
    ...labels.map((l) => `    ${l}`),
    'spec:',
    '  selector:',
    '    matchLabels:',
    ...labels.map((l) => `      ${l}`),
    '  template:',
    '    metadata:',
    '      labels:',
    ...labels.map((l) => `        ${l}`),
    '    spec:',
    '      nodeSelector:',
    ...labels.map((l) => `        ${l}`),
    '      containers:',
    '        - name: app',
    '          image: app:1',
    '          env:',
    '            - name: A',
    '              value: "1"',
    '          command: ["run"]',
    ...extra,
  );

describe('pruning keeps values at non-structural places', () => {
  test('a label `env: test` stays a string: no invalid-field-value, the label and nodeSelector read back', () => {
    const { model, findings } = analyze(deployment(['env: test', 'command: serve', 'args: x']));
    assert.deepEqual(findingsOf(findings, 'invalid-field-value'), []);
    const w = workload(model, 'web');
    assert.equal(w.object.labels['env'], 'test');
    assert.equal(w.workload.podLabels['env'], 'test');
    assert.equal(w.workload.nodeSelector['command'], 'serve');
  });

  test('a pod label `data: hot` is selected by a PDB selecting `data: hot`', () => {
    const pdb = yaml(
      '---',
      'apiVersion: policy/v1',
      'kind: PodDisruptionBudget',
      'metadata:',
      '  name: hot',
      'spec:',
      '  minAvailable: 1',
      '  selector:',
      '    matchLabels:',
      '      data: hot',
    );
    const { model, findings } = analyze(deployment(['data: hot']) + pdb);
    assert.deepEqual(findingsOf(findings, 'pdb-selects-nothing'), []);
    assert.deepEqual(
      workload(model, 'web').pdbs.map((p) => p.pdb.id),
      ['default/hot'],
    );
  });

  test('container env, command and args are still pruned (their lines removed or blanked)', () => {
    const text = deployment(['app: web']);
    const pruned = pruneIrrelevant(text).source;
    assert.ok(!pruned.includes('name: A'), 'env items removed');
    assert.ok(!pruned.includes('["run"]'), 'inline command blanked');
    assert.ok(pruned.includes('app: web'));
  });

  test('keys inside a block scalar are text: neither pruned nor taken as parents', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      '  annotations:',
      '    note: |',
      '      containers:',
      '        env: keep',
      'spec:',
      '  containers:',
      '    - name: app',
      '      image: app:1',
    );
    assert.equal(pruneIrrelevant(text).source, text);
  });

  const places: Array<[string, string | undefined, number, boolean]> = [
    ['env', 'containers', 1, true],
    ['args', 'initContainers', 1, true],
    ['command', 'ephemeralContainers', 1, true],
    ['securityContext', 'spec', 1, true],
    ['volumeClaimTemplates', 'spec', 1, true],
    ['managedFields', 'metadata', 1, true],
    ['data', undefined, 0, true],
    ['env', 'labels', 1, false],
    ['data', 'matchLabels', 1, false],
    ['command', 'nodeSelector', 1, false],
    ['env', 'annotations', 1, false],
    ['volumes', 'spec', 1, false],
    ['data', undefined, 2, false],
  ];
  for (const [key, parent, column, expected] of places) {
    test(`prunedAt(${key}, ${parent ?? 'top'}) is ${expected}`, () => assert.equal(prunedAt(key, parent, column), expected));
  }
});

test('pruned and unpruned trees agree on every value but the pruned places, over every fixture and example', () => {
  const root = repoRoot();
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  for (const d of ['test/rules', 'test/scenarios', 'examples']) walk(path.join(root, d));
  const out = newPruneDiff();
  for (const f of files) comparePruning(f, fs.readFileSync(f, 'utf8'), out);
  comparePruning('labels.yaml', deployment(['env: test', 'data: hot', 'command: x']), out);
  assert.ok(out.documents > 100, `${out.documents} workload documents`);
  assert.ok(out.places > 0, 'some values were pruned');
  assert.deepEqual(out.mismatches, []);
});
