// Kueue's objects, priority resolution, classical preemption paths and validation (docs/semantics.md R-Q.*), in tables
// written from Kueue v0.19.2's own code: jobframework.ExtractPriority, pkg/util/priority, pkg/scheduler/preemption
// (findCandidates, classifyPreemptionVariant, SatisfiesPreemptionPolicy), the CRD schemas and pkg/webhooks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYamlDocument } from '../../server/src/core/syntax/parse-yaml';
import { isMap, stringValue, get } from '../../server/src/core/syntax/tree';
import { toObject } from '../../server/src/core/model/objects';
import { readKueueObject } from '../../server/src/core/semantics/kueue-objects';
import type { ClusterQueue, Cohort, KueueObject, WorkloadPriorityClass } from '../../server/src/core/semantics/kueue-objects';
import { describeKueuePriority, resolveKueuePriority } from '../../server/src/core/semantics/kueue-priority';
import {
  CohortForest,
  kueuePreemptionPaths,
  neverPreemptedByKueue,
  reclaimersOf,
  satisfiesPreemptionPolicy,
} from '../../server/src/core/semantics/kueue-preemption';
import { validateClusterQueue, validateCohort, validateLocalQueue } from '../../server/src/core/semantics/kueue-validation';
import { PriorityClassIndex } from '../../server/src/core/semantics/priority';
import { readPriorityClass } from '../../server/src/core/semantics/priority-class';

function read(text: string): { read: KueueObject; problems: Array<{ message: string }> } {
  const root = parseYamlDocument(text, 0, text.length, false).root;
  assert.ok(isMap(root));
  const kind = stringValue(get(root, 'kind')) ?? '';
  const result = readKueueObject(toObject(root, kind, 'kueue.yaml', 'workspace'));
  assert.ok(result !== undefined, `${kind} is read as a Kueue object`);
  return result;
}

function cq(name: string, spec: string[], apiVersion = 'kueue.x-k8s.io/v1beta2'): ClusterQueue {
  const r = read(
    [`apiVersion: ${apiVersion}`, 'kind: ClusterQueue', `metadata: {name: ${name}}`, 'spec:', ...spec.map((s) => `  ${s}`)].join('\n'),
  );
  assert.equal(r.read.kind, 'ClusterQueue');
  return r.read.value;
}

function wpc(name: string, value: number): WorkloadPriorityClass {
  const r = read(`apiVersion: kueue.x-k8s.io/v1beta2\nkind: WorkloadPriorityClass\nmetadata: {name: ${name}}\nvalue: ${value}\n`);
  return r.read.value as WorkloadPriorityClass;
}

function pcIndex(...classes: Array<[string, number, boolean?]>): PriorityClassIndex {
  const parsed = classes.map(([name, value, globalDefault]) => {
    const text = `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: ${name}}\nvalue: ${value}\nglobalDefault: ${globalDefault === true}\n`;
    const root = parseYamlDocument(text, 0, text.length, false).root;
    assert.ok(isMap(root));
    return readPriorityClass(toObject(root, 'PriorityClass', 'pc.yaml', 'workspace')).priorityClass;
  });
  return new PriorityClassIndex(parsed, []);
}

describe('Kueue objects (R-Q.1)', () => {
  test('v1beta2 ClusterQueue: cohortName, quotas in milli-units, preemption defaults to Never', () => {
    const q = cq('cq-a', [
      'cohortName: co',
      'resourceGroups:',
      '- coveredResources: [cpu, memory]',
      '  flavors:',
      '  - name: default-flavor',
      '    resources:',
      '    - {name: cpu, nominalQuota: 4, borrowingLimit: 500m}',
      '    - {name: memory, nominalQuota: 8Gi}',
      'namespaceSelector: {}',
    ]);
    assert.equal(q.cohort?.value, 'co');
    assert.equal(q.resourceGroups[0]?.flavors[0]?.resources[0]?.nominalQuota, 4000);
    assert.equal(q.resourceGroups[0]?.flavors[0]?.resources[0]?.borrowingLimit, 500);
    assert.equal(q.resourceGroups[0]?.flavors[0]?.resources[1]?.nominalQuota, 8 * 1024 ** 3 * 1000);
    assert.deepEqual(q.preemption.withinClusterQueue, 'Never');
    assert.deepEqual(q.preemption.reclaimWithinCohort, 'Never');
    assert.deepEqual(q.preemption.borrowWithinCohort, { policy: 'Never', maxPriorityThreshold: undefined });
    assert.equal(q.queueingStrategy, 'BestEffortFIFO');
    assert.deepEqual(q.namespaceSelector?.matchLabels, {});
  });

  test('v1beta1 ClusterQueue reads `cohort`; v1beta2 ignores it (the apiserver prunes an unknown field)', () => {
    assert.equal(cq('cq-a', ['cohort: co'], 'kueue.x-k8s.io/v1beta1').cohort?.value, 'co');
    assert.equal(cq('cq-a', ['cohort: co']).cohort, undefined);
  });

  test('another API group with the same kind is not Kueue', () => {
    const text = 'apiVersion: example.com/v1\nkind: ClusterQueue\nmetadata: {name: x}\n';
    const root = parseYamlDocument(text, 0, text.length, false).root;
    assert.ok(isMap(root));
    assert.equal(readKueueObject(toObject(root, 'ClusterQueue', 'x.yaml', 'workspace')), undefined);
  });

  test('a quota that is no quantity is a problem with the apiserver quantity error, not a throw', () => {
    const r = read(
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: ClusterQueue\nmetadata: {name: q}\nspec:\n  resourceGroups:\n  - coveredResources: [cpu]\n    flavors:\n    - name: f\n      resources:\n      - {name: cpu, nominalQuota: lots}\n',
    );
    assert.match(
      r.problems[0]?.message ?? '',
      /^nominalQuota: "lots" is not a valid quantity: quantities must match the regular expression/,
    );
  });

  test('LocalQueue, Cohort (parentName), WorkloadPriorityClass, ResourceFlavor', () => {
    const lq = read(
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata: {name: lq, namespace: ci}\nspec: {clusterQueue: cq-a}\n',
    );
    assert.equal(lq.read.kind, 'LocalQueue');
    if (lq.read.kind === 'LocalQueue') {
      assert.equal(lq.read.value.namespace, 'ci');
      assert.equal(lq.read.value.clusterQueue?.value, 'cq-a');
    }
    const co = read('apiVersion: kueue.x-k8s.io/v1beta2\nkind: Cohort\nmetadata: {name: child}\nspec: {parentName: root}\n');
    assert.equal(co.read.kind === 'Cohort' ? co.read.value.parentName?.value : undefined, 'root');
    assert.equal(wpc('high', 1000).value, 1000);
    const rf = read('apiVersion: kueue.x-k8s.io/v1beta2\nkind: ResourceFlavor\nmetadata: {name: spot}\nspec: {nodeLabels: {tier: spot}}\n');
    assert.deepEqual(rf.read.kind === 'ResourceFlavor' ? rf.read.value.nodeLabels : undefined, { tier: 'spot' });
  });
});

describe('Kueue priority (R-Q.2, jobframework.ExtractPriority)', () => {
  const wpcs = new Map([
    ['wpc-high', wpc('wpc-high', 1000)],
    ['default', wpc('default', 50)],
  ]);
  const cases: Array<{
    name: string;
    labels: Record<string, string>;
    podClass?: string;
    pcs: PriorityClassIndex;
    defaulting?: boolean;
    want: string;
  }> = [
    {
      name: 'WPC label wins over the pod class',
      labels: { 'kueue.x-k8s.io/priority-class': 'wpc-high' },
      podClass: 'pc-low',
      pcs: pcIndex(['pc-low', 10]),
      want: '1000 (WorkloadPriorityClass wpc-high)',
    },
    {
      name: 'a missing WPC: no fallback, no Workload',
      labels: { 'kueue.x-k8s.io/priority-class': 'wpc-missing' },
      podClass: 'pc-low',
      pcs: pcIndex(['pc-low', 10]),
      want: 'none: WorkloadPriorityClass.kueue.x-k8s.io "wpc-missing" not found',
    },
    {
      name: 'an empty label is no label',
      labels: { 'kueue.x-k8s.io/priority-class': '' },
      podClass: 'pc-low',
      pcs: pcIndex(['pc-low', 10]),
      want: '10 (PriorityClass pc-low)',
    },
    {
      name: 'the default WPC only with the defaulting gate',
      labels: {},
      pcs: pcIndex(),
      defaulting: true,
      want: '50 (WorkloadPriorityClass default, defaulted)',
    },
    { name: 'without the gate the default WPC is ignored', labels: {}, pcs: pcIndex(), want: '0 (no class)' },
    {
      name: 'pod class value (the class object, not the pod)',
      labels: {},
      podClass: 'pc-low',
      pcs: pcIndex(['pc-low', 10]),
      want: '10 (PriorityClass pc-low)',
    },
    {
      name: 'a missing pod class: the Workload is not created',
      labels: {},
      podClass: 'nope',
      pcs: pcIndex(),
      want: 'none: PriorityClass.scheduling.k8s.io "nope" not found',
    },
    {
      name: 'no class: the lowest of several globalDefault classes',
      labels: {},
      pcs: pcIndex(['a-default', 300, true], ['b-default', 200, true]),
      want: '200 (globalDefault PriorityClass b-default)',
    },
    {
      name: 'built-in system classes exist in every cluster',
      labels: {},
      podClass: 'system-cluster-critical',
      pcs: pcIndex(),
      want: '2000000000 (PriorityClass system-cluster-critical)',
    },
    { name: 'nothing at all: 0', labels: {}, pcs: pcIndex(), want: '0 (no class)' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = resolveKueuePriority(c.labels, c.podClass, wpcs, c.pcs, { workloadPriorityClassDefaulting: c.defaulting === true });
      assert.equal(describeKueuePriority(p), c.want);
    });
  }
});

describe('Kueue preemption policy (common.SatisfiesPreemptionPolicy)', () => {
  const table: Array<[Parameters<typeof satisfiesPreemptionPolicy>[0], number, number, string]> = [
    ['Never', 1000, 1, 'no'],
    ['LowerPriority', 1000, 100, 'yes'],
    ['LowerPriority', 100, 100, 'no'],
    ['LowerPriority', 100, 1000, 'no'],
    ['LowerOrNewerEqualPriority', 100, 100, 'if-queued-first'],
    ['LowerOrNewerEqualPriority', 100, 99, 'yes'],
    ['LowerOrNewerEqualPriority', 99, 100, 'no'],
    ['Any', 1, 1000, 'yes'],
  ];
  for (const [policy, preemptor, candidate, want] of table) {
    test(`${policy}: ${preemptor} vs ${candidate} → ${want}`, () =>
      assert.equal(satisfiesPreemptionPolicy(policy, preemptor, candidate), want));
  }
});

describe('Kueue classical preemption paths (R-Q.3)', () => {
  const cohortCq = (name: string, preemption: string[]): ClusterQueue =>
    cq(name, ['cohortName: co', 'preemption:', ...preemption.map((p) => `  ${p}`)]);
  const forest = new CohortForest([]);

  test('within a ClusterQueue: withinClusterQueue LowerPriority (notes scenario 1)', () => {
    const a = cq('cq-a', ['preemption: {withinClusterQueue: LowerPriority}']);
    const paths = kueuePreemptionPaths(
      { name: 'job-high', priority: 1000, clusterQueue: a },
      { name: 'job-low', priority: 100, clusterQueue: a },
      forest,
    );
    assert.deepEqual(
      paths.map((p) => [p.reason, p.policy]),
      [['InClusterQueue', 'withinClusterQueue: LowerPriority']],
    );
    assert.deepEqual(
      kueuePreemptionPaths(
        { name: 'job-low', priority: 100, clusterQueue: a },
        { name: 'job-high', priority: 1000, clusterQueue: a },
        forest,
      ),
      [],
    );
  });

  test('withinClusterQueue Never: nothing (scenario 3); LowerOrNewerEqualPriority ties need queue order (scenario 2)', () => {
    const never = cq('cq-a', []);
    assert.deepEqual(
      kueuePreemptionPaths({ name: 'p', priority: 1000, clusterQueue: never }, { name: 'c', priority: 1, clusterQueue: never }, forest),
      [],
    );
    const eq = cq('cq-a', ['preemption: {withinClusterQueue: LowerOrNewerEqualPriority}']);
    const [tie] = kueuePreemptionPaths(
      { name: 'older', priority: 5, clusterQueue: eq },
      { name: 'newer', priority: 5, clusterQueue: eq },
      forest,
    );
    assert.equal(tie?.onlyIfQueuedFirst, true);
    assert.match(tie?.condition ?? '', /newer is newer in the queue \(equal priorities\)/);
  });

  test('reclaimWithinCohort Any: a lower priority reclaims from a borrower (scenario 4); LowerPriority blocks it (scenario 5)', () => {
    const x = cohortCq('cq-x', []);
    const any = cohortCq('cq-a', ['reclaimWithinCohort: Any']);
    const [p] = kueuePreemptionPaths(
      { name: 'low', priority: 100, clusterQueue: any },
      { name: 'high', priority: 1000, clusterQueue: x },
      forest,
    );
    assert.equal(p?.reason, 'InCohortReclamation');
    assert.match(p?.condition ?? '', /while ClusterQueue cq-x uses more than its nominal quota .*whatever the priorities$/);
    const lower = cohortCq('cq-a', ['reclaimWithinCohort: LowerPriority']);
    assert.deepEqual(
      kueuePreemptionPaths({ name: 'low', priority: 100, clusterQueue: lower }, { name: 'high', priority: 1000, clusterQueue: x }, forest),
      [],
    );
  });

  test('borrowWithinCohort with maxPriorityThreshold: victims above it only by reclamation (scenario 6)', () => {
    const x = cohortCq('cq-x', []);
    const a = cohortCq('cq-a', ['reclaimWithinCohort: Any', 'borrowWithinCohort: {policy: LowerPriority, maxPriorityThreshold: 100}']);
    const reasons = (victim: number): string[] =>
      kueuePreemptionPaths({ name: 'p', priority: 1000, clusterQueue: a }, { name: 'v', priority: victim, clusterQueue: x }, forest).map(
        (p) => p.reason,
      );
    assert.deepEqual(reasons(100), ['InCohortReclamation', 'InCohortReclaimWhileBorrowing']);
    assert.deepEqual(reasons(101), ['InCohortReclamation']);
    // isAboveBorrowingThreshold: a candidate at or above the preemptor's priority is never taken while borrowing.
    assert.deepEqual(reasons(1000), ['InCohortReclamation']);
  });

  test('queues in no cohort, or in different cohort trees, never reclaim from each other', () => {
    const a = cq('cq-a', ['preemption: {reclaimWithinCohort: Any}']);
    const b = cq('cq-b', []);
    assert.deepEqual(
      kueuePreemptionPaths({ name: 'p', priority: 9, clusterQueue: a }, { name: 'v', priority: 1, clusterQueue: b }, forest),
      [],
    );
    const c1 = cq('cq-c1', ['cohortName: one', 'preemption: {reclaimWithinCohort: Any}']);
    const c2 = cq('cq-c2', ['cohortName: two']);
    assert.deepEqual(
      kueuePreemptionPaths({ name: 'p', priority: 9, clusterQueue: c1 }, { name: 'v', priority: 1, clusterQueue: c2 }, forest),
      [],
    );
  });

  test('hierarchical cohorts: one tree under a common root; paths as Kueue prints them', () => {
    const cohorts: Cohort[] = ['left', 'right'].map((name) => {
      const r = read(`apiVersion: kueue.x-k8s.io/v1beta2\nkind: Cohort\nmetadata: {name: ${name}}\nspec: {parentName: root}\n`);
      return r.read.value as Cohort;
    });
    const tree = new CohortForest(cohorts);
    const l = cq('cq-l', ['cohortName: left', 'preemption: {reclaimWithinCohort: LowerPriority}']);
    const r = cq('cq-r', ['cohortName: right']);
    assert.equal(tree.queuePath(l), '/root/left/cq-l');
    assert.equal(tree.queuePath(cq('cq-a', [])), '/cq-a');
    assert.deepEqual(
      kueuePreemptionPaths({ name: 'p', priority: 9, clusterQueue: l }, { name: 'v', priority: 1, clusterQueue: r }, tree).map(
        (p) => p.reason,
      ),
      ['InCohortReclamation'],
    );
    assert.deepEqual(
      reclaimersOf(r, [l, r], tree).map((x) => x.clusterQueue.name),
      ['cq-l'],
    );
    assert.equal(neverPreemptedByKueue(r, [l, r], tree), false);
    assert.equal(neverPreemptedByKueue(l, [l, r], tree), true);
  });

  test('a cycle of cohort parents does not loop', () => {
    const cyc = ['a', 'b'].map(
      (name, i) =>
        read(`apiVersion: kueue.x-k8s.io/v1beta2\nkind: Cohort\nmetadata: {name: ${name}}\nspec: {parentName: ${i === 0 ? 'b' : 'a'}}\n`)
          .read.value as Cohort,
    );
    assert.deepEqual(new CohortForest(cyc).pathOf('a'), ['b', 'a']);
  });
});

describe('Kueue validation (R-Q.4: CRD schema and webhook messages)', () => {
  const messages = (q: ClusterQueue): string[] => validateClusterQueue(q).map((v) => `${v.field}: ${v.message}`);

  test('CEL: borrowWithinCohort without reclaimWithinCohort (defaulted to Never)', () => {
    assert.deepEqual(messages(cq('q', ['cohortName: co', 'preemption: {borrowWithinCohort: {policy: LowerPriority}}'])), [
      'spec.preemption: Invalid value: "object": reclaimWithinCohort=Never and borrowWithinCohort.Policy!=Never',
    ]);
    assert.deepEqual(
      messages(cq('q', ['cohortName: co', 'preemption: {reclaimWithinCohort: Any, borrowWithinCohort: {policy: LowerPriority}}'])),
      [],
    );
  });

  test('enums as the schema lists them', () => {
    assert.deepEqual(messages(cq('q', ['preemption: {withinClusterQueue: Lower}', 'queueingStrategy: FIFO'])), [
      'spec.preemption.withinClusterQueue: Unsupported value: "Lower": supported values: "Never", "LowerPriority", "LowerOrNewerEqualPriority"',
      'spec.queueingStrategy: Unsupported value: "FIFO": supported values: "StrictFIFO", "BestEffortFIFO"',
    ]);
  });

  test('limits without a cohort, negative and lending above nominal', () => {
    const q = cq('q', [
      'resourceGroups:',
      '- coveredResources: [cpu]',
      '  flavors:',
      '  - name: f',
      '    resources:',
      '    - {name: cpu, nominalQuota: "-1", borrowingLimit: 2, lendingLimit: 1500m}',
    ]);
    assert.deepEqual(messages(q), [
      'spec: Invalid value: "object": borrowingLimit must be nil when cohort is empty',
      'spec.resourceGroups[0].flavors[0].resources[0].nominalQuota: Invalid value: "-1": must be greater than or equal to 0',
      'spec.resourceGroups[0].flavors[0].resources[0].borrowingLimit: Invalid value: "2": must be nil when cohort is empty',
      'spec.resourceGroups[0].flavors[0].resources[0].lendingLimit: Invalid value: "1500m": must be nil when cohort is empty',
      'spec.resourceGroups[0].flavors[0].resources[0].lendingLimit: Invalid value: "1500m": must be less than or equal to the nominalQuota',
    ]);
  });

  test('flavors must list the covered resources, in order', () => {
    const q = cq('q', [
      'resourceGroups:',
      '- coveredResources: [cpu, memory]',
      '  flavors:',
      '  - name: f',
      '    resources: [{name: memory, nominalQuota: 1}, {name: cpu, nominalQuota: 1}]',
      '  - name: g',
      '    resources: [{name: cpu, nominalQuota: 1}]',
    ]);
    assert.deepEqual(messages(q), [
      'spec.resourceGroups[0]: Invalid value: "object": flavors must have the same number of resources as the coveredResources',
      'spec.resourceGroups[0].flavors[0].resources[0].name: Invalid value: "memory": must match the name in coveredResources',
      'spec.resourceGroups[0].flavors[0].resources[1].name: Invalid value: "cpu": must match the name in coveredResources',
    ]);
  });

  test('Cohort limits need a parent; LocalQueue stopPolicy enum', () => {
    const co = read(
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: Cohort\nmetadata: {name: co}\nspec:\n  resourceGroups:\n  - coveredResources: [cpu]\n    flavors:\n    - name: f\n      resources: [{name: cpu, nominalQuota: 1, lendingLimit: 2}]\n',
    ).read.value as Cohort;
    assert.deepEqual(
      validateCohort(co).map((v) => `${v.field}: ${v.message}`),
      ['spec.resourceGroups[0].flavors[0].resources[0].lendingLimit: Invalid value: "2": must be nil when parent is empty'],
    );
    const lq = read(
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata: {name: lq}\nspec: {clusterQueue: q, stopPolicy: Pause}\n',
    );
    assert.ok(lq.read.kind === 'LocalQueue');
    assert.deepEqual(
      validateLocalQueue(lq.read.value).map((v) => v.message),
      ['Unsupported value: "Pause": supported values: "None", "Hold", "HoldAndDrain"'],
    );
  });
});
