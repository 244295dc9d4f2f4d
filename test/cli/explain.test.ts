// Contract tests of `kpl explain --format json` (and the text table), on the CI preemption story of examples/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { repoRoot, yaml } from '../helpers/analyze';
import { parseJson, removeTree, runKpl, tempTree } from '../helpers/cli';

const workloadKeys = [
  'kind',
  'namespace',
  'name',
  'file',
  'range',
  'priority',
  'priorityClassName',
  'priorityFrom',
  'preemptionPolicy',
  'qosClass',
  'qosClassWithoutLimitRange',
  'limitRange',
  'admission',
  'preemptibleBy',
  'canPreempt',
  'preemptionRank',
  'evictionTier',
  'pdbs',
  'kueue',
];
const classKeys = ['name', 'value', 'globalDefault', 'preemptionPolicy', 'file', 'usedBy'];

interface WorkloadJson {
  kind: string;
  namespace: string;
  name: string;
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  priority: number;
  priorityClassName?: string;
  priorityFrom: string;
  preemptionPolicy: string;
  qosClass: string;
  qosClassWithoutLimitRange: string;
  limitRange?: string;
  admission: { allowed: boolean; message?: string };
  preemptibleBy: string[];
  canPreempt: string[];
  preemptionRank: { position: number; of: number };
  evictionTier: { tier: number; reason: string };
  pdbs: string[];
}
interface ExplainJson {
  workloads: WorkloadJson[];
  priorityClasses: Array<{
    name: string;
    value: number;
    globalDefault: boolean;
    preemptionPolicy: string;
    file?: string;
    usedBy: string[];
  }>;
}

describe('kpl explain --format json on examples/ci-preemption', () => {
  const example = path.join(repoRoot(), 'examples', 'ci-preemption');
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(example))
    if (name.endsWith('.yaml')) files[`ci/${name}`] = fs.readFileSync(path.join(example, name), 'utf8');
  files['ci/limits.yaml'] = yaml(
    'apiVersion: v1',
    'kind: LimitRange',
    'metadata: {name: defaults, namespace: ci}',
    'spec:',
    '  limits:',
    '    - type: Container',
    '      max: {cpu: "4", memory: 8Gi}',
  );
  files['ci/bare.yaml'] = yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: bare, namespace: ci}',
    'spec:',
    '  priorityClassName: evaluation-high',
    '  containers: [{name: a, image: a}]',
  );
  const root = tempTree(files);
  after(() => removeTree(root));
  const r = runKpl(['explain', '--format', 'json', 'ci'], root);
  const out = (): ExplainJson => parseJson(r.stdout) as ExplainJson;
  const w = (name: string): WorkloadJson => {
    const found = out().workloads.find((x) => x.name === name);
    assert.ok(found !== undefined, `no workload ${name}`);
    return found;
  };

  test('exit 0, nothing on stderr, top-level keys workloads and priorityClasses', () => {
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(Object.keys(out()), ['workloads', 'priorityClasses']);
  });

  test("every workload has exactly the contract's keys (limitRange and priorityClassName only when they apply)", () => {
    for (const x of out().workloads) {
      const keys = Object.keys(x);
      assert.deepEqual(
        keys.filter((k) => !workloadKeys.includes(k)),
        [],
        `keys outside the contract in ${x.name}`,
      );
      assert.deepEqual(
        workloadKeys.filter((k) => !keys.includes(k) && k !== 'limitRange' && k !== 'priorityClassName' && k !== 'kueue'),
        [],
        `missing keys in ${x.name}`,
      );
      assert.deepEqual(Object.keys(x.preemptionRank).sort(), ['of', 'position']);
      assert.deepEqual(Object.keys(x.evictionTier).sort(), ['reason', 'tier']);
      assert.ok(['explicit', 'globalDefault', 'builtin', 'cluster', 'spec', 'none'].includes(x.priorityFrom));
      assert.ok(['PreemptLowerPriority', 'Never'].includes(x.preemptionPolicy));
      assert.ok(['Guaranteed', 'Burstable', 'BestEffort'].includes(x.qosClass));
    }
  });

  test("every PriorityClass has exactly the contract's keys", () => {
    for (const c of out().priorityClasses) {
      const keys = Object.keys(c);
      assert.deepEqual(
        keys.filter((k) => !classKeys.includes(k)),
        [],
        `keys outside the contract in ${c.name}`,
      );
      assert.deepEqual(
        classKeys.filter((k) => !keys.includes(k) && k !== 'file'),
        [],
        `missing keys in ${c.name}`,
      );
    }
  });

  test('the integration tests take the global default ci-default (100) and are preemptible by the evaluation runs', () => {
    const tests = w('integration-tests');
    assert.deepEqual([tests.kind, tests.namespace, tests.file], ['Job', 'ci', 'ci/test-job.yaml']);
    assert.deepEqual(
      [tests.priority, tests.priorityClassName, tests.priorityFrom, tests.preemptionPolicy],
      [100, 'ci-default', 'globalDefault', 'PreemptLowerPriority'],
    );
    assert.deepEqual(tests.preemptibleBy, ['Deployment/ci/results-api', 'Job/ci/eval-runner', 'Pod/ci/bare']);
    assert.deepEqual(tests.canPreempt, []);
    assert.deepEqual(tests.preemptionRank, { position: 1, of: 4 });
    assert.deepEqual(tests.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 25 } });
  });

  test("the misspelt class is rejected at admission with the apiserver's text and left out of the ranking", () => {
    const baseline = w('eval-baseline');
    assert.deepEqual(baseline.admission, {
      allowed: false,
      message: 'pods "eval-baseline-…" is forbidden: no PriorityClass with name evaluation-hihg was found',
    });
    assert.deepEqual(baseline.preemptionRank, { position: 0, of: 0 });
  });

  test('the evaluation runner is explicit at 1000 and can preempt the tests; Guaranteed, eviction tier 2', () => {
    const runner = w('eval-runner');
    assert.deepEqual(
      [runner.priority, runner.priorityFrom, runner.qosClass, runner.evictionTier.tier],
      [1000, 'explicit', 'Guaranteed', 2],
    );
    assert.deepEqual(runner.canPreempt, ['Job/ci/integration-tests']);
    assert.deepEqual(runner.admission, { allowed: true });
  });

  test('the namespace LimitRange (max only) makes a pod without resources Guaranteed, and is named', () => {
    const bare = w('bare');
    assert.deepEqual([bare.qosClassWithoutLimitRange, bare.qosClass, bare.limitRange], ['BestEffort', 'Guaranteed', 'ci/defaults']);
  });

  test('a LimitRange that does not change the class is not named; PDBs are listed by namespace/name', () => {
    const api = w('results-api');
    assert.deepEqual([api.qosClassWithoutLimitRange, api.qosClass, api.limitRange], ['Burstable', 'Burstable', undefined]);
    assert.deepEqual(api.pdbs, ['ci/results-api']);
  });

  test('the class ladder lists classes highest first with their users; unused classes have none', () => {
    const classes = out().priorityClasses;
    assert.deepEqual(
      classes.map((c) => c.name),
      ['system-node-critical', 'system-cluster-critical', 'evaluation-high', 'ci-default', 'nightly-batch'],
    );
    const ci = classes.find((c) => c.name === 'ci-default');
    assert.deepEqual(
      [ci?.value, ci?.globalDefault, ci?.file, ci?.usedBy],
      [100, true, 'ci/priority-classes.yaml', ['Job/ci/integration-tests']],
    );
    assert.deepEqual(classes.find((c) => c.name === 'nightly-batch')?.usedBy, []);
  });

  test("the text format prints a table with a header and the rejected pod's message", () => {
    const text = runKpl(['explain', 'ci'], root);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^WORKLOAD\s+PRIORITY\s+CLASS\s+FROM/);
    assert.match(
      text.stdout,
      /Job\/ci\/eval-baseline: pods "eval-baseline-…" is forbidden: no PriorityClass with name evaluation-hihg was found/,
    );
  });

  test('--cluster-state is accepted and an unreadable PATH exits 2', () => {
    const bad = runKpl(['explain', '--format', 'json', 'ci', 'missing-dir'], root);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'kpl: missing-dir: no such file or directory\n');
    assert.ok((parseJson(bad.stdout) as ExplainJson).workloads.length > 0);
    const withCluster = runKpl(['explain', '--format', 'json', '--cluster-state', 'ci/priority-classes.yaml', 'ci/test-job.yaml'], root);
    assert.equal(withCluster.status, 0);
    const tests = (parseJson(withCluster.stdout) as ExplainJson).workloads.find((x) => x.name === 'integration-tests');
    assert.deepEqual([tests?.priority, tests?.priorityFrom], [100, 'globalDefault']);
  });
});
