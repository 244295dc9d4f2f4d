// PodDisruptionBudgets: which pods a selector covers (label selector semantics R-K.1, PDB coverage R-K.2/R-K.3) and the
// disruptionsAllowed the disruption controller computes with every pod healthy (ints and percentages rounding up).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pdbSelectsPod } from '../../server/src/core/semantics/disruption';
import { isEmptySelector, selectorMatches, formatSelector } from '../../server/src/core/semantics/labels';
import type { LabelSelector } from '../../server/src/core/model/workload';
import type { PodDisruptionBudget } from '../../server/src/core/semantics/disruption';
import { analyze, workload, yaml } from '../helpers/analyze';

const selector = (matchLabels: Record<string, string>, matchExpressions: LabelSelector['matchExpressions'] = []): LabelSelector => ({
  matchLabels,
  matchExpressions,
  span: { start: 0, end: 0 },
});

describe('label selectors', () => {
  const cases: Array<[string, LabelSelector, Record<string, string>, boolean]> = [
    ['matchLabels requires every pair', selector({ app: 'web', tier: 'fe' }), { app: 'web', tier: 'fe', x: 'y' }, true],
    ['matchLabels fails on a differing value', selector({ app: 'web' }), { app: 'api' }, false],
    ['matchLabels fails on a missing key', selector({ app: 'web' }), {}, false],
    ['In matches a listed value', selector({}, [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }]), { env: 'prod' }, true],
    ['In fails when the key is absent', selector({}, [{ key: 'env', operator: 'In', values: ['prod'] }]), {}, false],
    ['NotIn matches when the key is absent', selector({}, [{ key: 'env', operator: 'NotIn', values: ['prod'] }]), {}, true],
    ['NotIn fails on a listed value', selector({}, [{ key: 'env', operator: 'NotIn', values: ['prod'] }]), { env: 'prod' }, false],
    ['Exists matches any value, even empty', selector({}, [{ key: 'canary', operator: 'Exists', values: [] }]), { canary: '' }, true],
    [
      'DoesNotExist fails when the key is present',
      selector({}, [{ key: 'canary', operator: 'DoesNotExist', values: [] }]),
      { canary: 'x' },
      false,
    ],
    [
      'matchLabels and matchExpressions are ANDed',
      selector({ app: 'web' }, [{ key: 'env', operator: 'In', values: ['prod'] }]),
      { app: 'web', env: 'dev' },
      false,
    ],
    [
      'an unknown operator matches nothing (an invalid selector)',
      selector({}, [{ key: 'app', operator: 'Equals', values: ['web'] }]),
      { app: 'web' },
      false,
    ],
  ];
  for (const [name, s, labels, expected] of cases)
    test(name, () => {
      // A non-empty selector means the same whatever the caller's rule for `{}` (R-K.1).
      assert.equal(selectorMatches(s, labels, 'everything'), expected);
      assert.equal(selectorMatches(s, labels, 'nothing'), expected);
    });

  test('nil matches nothing for every caller; `{}` is what the caller says (R-K.1 vs R-E.7)', () => {
    for (const empty of ['everything', 'nothing'] as const) assert.equal(selectorMatches(undefined, { app: 'web' }, empty), false);
    assert.equal(selectorMatches(selector({}), { app: 'web' }, 'everything'), true);
    assert.equal(selectorMatches(selector({}), {}, 'everything'), true);
    assert.equal(selectorMatches(selector({}), { app: 'web' }, 'nothing'), false);
  });

  test('a PDB covers pods for the disruption controller and the Eviction API as R-K.2/R-K.3 say', () => {
    const pdb = (apiVersion: string, s: LabelSelector | undefined): PodDisruptionBudget => {
      const { model } = analyze(
        yaml(`apiVersion: ${apiVersion}`, 'kind: PodDisruptionBudget', 'metadata: {name: b, namespace: ns}', 'spec: {}'),
        // policy/v1beta1 is served up to 1.24 (R-B.6).
        apiVersion === 'policy/v1beta1' ? { kubernetesMinor: 24 } : {},
      );
      const read = model.pdbs[0]?.pdb;
      assert.ok(read !== undefined);
      return { ...read, apiVersion, selector: s };
    };
    assert.equal(
      pdbSelectsPod(pdb('policy/v1', selector({})), 'ns', { app: 'web' }),
      true,
      'policy/v1 {} covers every pod of the namespace',
    );
    assert.equal(pdbSelectsPod(pdb('policy/v1', selector({})), 'other', { app: 'web' }), false, 'only pods of its namespace');
    assert.equal(pdbSelectsPod(pdb('policy/v1beta1', selector({})), 'ns', { app: 'web' }), false, 'policy/v1beta1 {} covers no pod');
    assert.equal(pdbSelectsPod(pdb('policy/v1', undefined), 'ns', { app: 'web' }), false, 'a nil selector covers no pod');
    assert.equal(pdbSelectsPod(pdb('policy/v1', selector({ app: 'web' })), 'ns', { app: 'web' }), true);
  });

  test('an empty selector is recognised, and selectors print the way kubectl describes them', () => {
    assert.equal(isEmptySelector(selector({})), true);
    assert.equal(
      formatSelector(
        selector({ app: 'web' }, [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'Exists', values: [] },
          { key: 'y', operator: 'DoesNotExist', values: [] },
        ]),
      ),
      'app=web,tier in (a,b),x,!y',
    );
    assert.equal(formatSelector(selector({})), '<empty>');
  });
});

function deployment(name: string, replicas: number | undefined, labels: string, namespace = 'default', kind = 'Deployment'): string {
  return yaml(
    '---',
    'apiVersion: apps/v1',
    `kind: ${kind}`,
    `metadata: {name: ${name}, namespace: ${namespace}}`,
    'spec:',
    ...(replicas === undefined ? [] : [`  replicas: ${replicas}`]),
    '  template:',
    `    metadata: {labels: ${labels}}`,
    '    spec:',
    '      containers: [{name: c, image: c}]',
  );
}

function pdb(name: string, spec: string[], apiVersion = 'policy/v1', namespace = 'default', status: string[] = []): string {
  return yaml(
    '---',
    `apiVersion: ${apiVersion}`,
    'kind: PodDisruptionBudget',
    `metadata: {name: ${name}, namespace: ${namespace}}`,
    'spec:',
    ...spec.map((s) => `  ${s}`),
    ...(status.length > 0 ? ['status:', ...status.map((s) => `  ${s}`)] : []),
  );
}

describe('PDB coverage in the model', () => {
  test('a PDB without spec.selector selects no pods', () => {
    const { model } = analyze(deployment('web', 2, '{app: web}') + pdb('p', ['minAvailable: 1']));
    assert.deepEqual(workload(model, 'web').pdbs, []);
  });
  test('policy/v1: an empty selector selects every pod of its namespace', () => {
    const { model } = analyze(
      deployment('web', 2, '{app: web}') + deployment('api', 2, '{app: api}') + pdb('all', ['minAvailable: 1', 'selector: {}']),
    );
    assert.deepEqual([workload(model, 'web').pdbs.length, workload(model, 'api').pdbs.length], [1, 1]);
  });
  test('policy/v1beta1: an empty selector selects nothing', () => {
    const { model } = analyze(deployment('web', 2, '{app: web}') + pdb('all', ['minAvailable: 1', 'selector: {}'], 'policy/v1beta1'));
    assert.deepEqual(workload(model, 'web').pdbs, []);
  });
  test('a PDB only covers pods of its own namespace', () => {
    const { model } = analyze(
      deployment('web', 2, '{app: web}', 'a') + pdb('p', ['minAvailable: 1', 'selector: {matchLabels: {app: web}}'], 'policy/v1', 'b'),
    );
    assert.deepEqual(workload(model, 'web').pdbs, []);
  });
  test('a workload selected by two PDBs lists both', () => {
    const { model } = analyze(
      deployment('web', 2, '{app: web, tier: fe}') +
        pdb('a', ['maxUnavailable: 1', 'selector: {matchLabels: {app: web}}']) +
        pdb('b', ['maxUnavailable: 1', 'selector: {matchLabels: {tier: fe}}']),
    );
    assert.deepEqual(
      workload(model, 'web')
        .pdbs.map((p) => p.pdb.id)
        .sort(),
      ['default/a', 'default/b'],
    );
  });
});

describe('disruptionsAllowed with every pod healthy', () => {
  const cases: Array<[string, string, string, number, number]> = [
    ['minAvailable 2 of 3 pods allows 1', deployment('w', 3, '{app: w}'), 'minAvailable: 2', 3, 1],
    ['minAvailable 3 of 3 pods allows 0', deployment('w', 3, '{app: w}'), 'minAvailable: 3', 3, 0],
    ['minAvailable above the pod count allows 0, never negative', deployment('w', 3, '{app: w}'), 'minAvailable: 5', 3, 0],
    ['minAvailable 50% of 3 rounds up to 2 healthy: allows 1', deployment('w', 3, '{app: w}'), 'minAvailable: 50%', 3, 1],
    ['minAvailable 67% of 3 rounds 2.01 up to 3 healthy: allows 0', deployment('w', 3, '{app: w}'), 'minAvailable: 67%', 3, 0],
    ['minAvailable 100% allows 0', deployment('w', 4, '{app: w}'), 'minAvailable: 100%', 4, 0],
    ['minAvailable 0 allows every pod', deployment('w', 4, '{app: w}'), 'minAvailable: 0', 4, 4],
    ['maxUnavailable 1 of 3 allows 1', deployment('w', 3, '{app: w}'), 'maxUnavailable: 1', 3, 1],
    ['maxUnavailable 0 allows 0', deployment('w', 3, '{app: w}'), 'maxUnavailable: 0', 3, 0],
    ['maxUnavailable 10% of 3 rounds 0.3 up to 1', deployment('w', 3, '{app: w}'), 'maxUnavailable: 10%', 3, 1],
    ['maxUnavailable 50% of 3 rounds 1.5 up to 2', deployment('w', 3, '{app: w}'), 'maxUnavailable: 50%', 3, 2],
    ['maxUnavailable 0% allows 0', deployment('w', 3, '{app: w}'), 'maxUnavailable: 0%', 3, 0],
    ['maxUnavailable above the pod count allows every pod', deployment('w', 3, '{app: w}'), 'maxUnavailable: 5', 3, 3],
    ['replicas default to 1 when absent', deployment('w', undefined, '{app: w}'), 'maxUnavailable: 1', 1, 1],
    [
      'pods of several selected workloads add up',
      deployment('w', 3, '{app: w}') + deployment('w2', 2, '{app: w}'),
      'minAvailable: 4',
      5,
      1,
    ],
    [
      'a DaemonSet counts one pod per known node (at least one)',
      deployment('w', undefined, '{app: w}', 'default', 'DaemonSet'),
      'minAvailable: 1',
      1,
      0,
    ],
  ];
  for (const [name, workloads, field, expectedPods, allowed] of cases) {
    test(name, () => {
      const { model } = analyze(workloads + pdb('p', [field, 'selector: {matchLabels: {app: w}}']));
      const estimate = model.pdbs[0]?.estimate;
      assert.deepEqual([estimate?.expectedPods, estimate?.disruptionsAllowed], [expectedPods, allowed]);
    });
  }

  test('a DaemonSet counts one pod per Node object of the workspace', () => {
    const nodes = ['n1', 'n2', 'n3'].map((n) => yaml('---', 'apiVersion: v1', 'kind: Node', `metadata: {name: ${n}}`)).join('');
    const { model } = analyze(
      nodes +
        deployment('w', undefined, '{app: w}', 'default', 'DaemonSet') +
        pdb('p', ['minAvailable: 1', 'selector: {matchLabels: {app: w}}']),
    );
    assert.deepEqual([model.pdbs[0]?.estimate.expectedPods, model.pdbs[0]?.estimate.disruptionsAllowed], [3, 2]);
  });

  test('a DaemonSet has no scale subresource: maxUnavailable fails safe to 0 (R-K.4)', () => {
    const { model } = analyze(
      deployment('w', undefined, '{app: w}', 'default', 'DaemonSet') + pdb('p', ['maxUnavailable: 1', 'selector: {matchLabels: {app: w}}']),
    );
    assert.equal(model.pdbs[0]?.estimate.disruptionsAllowed, 0);
    assert.match(model.pdbs[0]?.estimate.explanation ?? '', /daemonsets\.apps does not implement the scale subresource/);
  });

  test('a bare Pod beside a Deployment is healthy but not expected (R-K.4): maxUnavailable 1 of 3 with 4 healthy allows 2', () => {
    const bare = yaml(
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: b, labels: {app: w}}',
      'spec: {containers: [{name: c, image: i}]}',
    );
    const { model } = analyze(deployment('w', 3, '{app: w}') + bare + pdb('p', ['maxUnavailable: 1', 'selector: {matchLabels: {app: w}}']));
    assert.deepEqual([model.pdbs[0]?.estimate.expectedPods, model.pdbs[0]?.estimate.disruptionsAllowed], [3, 2]);
  });

  test('status.disruptionsAllowed of a PDB read back from a cluster is taken as is', () => {
    const { model } = analyze(
      deployment('w', 3, '{app: w}') +
        pdb('p', ['minAvailable: 1', 'selector: {matchLabels: {app: w}}'], 'policy/v1', 'default', ['disruptionsAllowed: 0']),
    );
    assert.equal(model.pdbs[0]?.estimate.disruptionsAllowed, 0);
  });
});
