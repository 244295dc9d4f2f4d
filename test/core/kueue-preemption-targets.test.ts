// kueuePreemptionTargets (docs/semantics.md R-Q.6) against Kueue v0.19.2's own table tests: the cases below are
// pkg/scheduler/preemption/preemption_test.go TestPreemption cases, same ClusterQueues (defaultClusterQueues), same
// admitted Workloads and incoming Workload, same expected victims and reasons. Quantities as upstream writes them
// (CPU in cores, memory in Gi); every admitted Workload reserved its quota at `now` unless the case says otherwise.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterQueue, Cohort } from '../../server/src/core/semantics/kueue-objects';
import { clusterQueue, cohort } from '../helpers/kueue-objects';
import { kueuePreemptionTargets } from '../../server/src/core/semantics/kueue-preemption';
import type { KueueAdmittedWorkload } from '../../server/src/core/semantics/kueue-preemption';
import { parseQuantity } from '../../server/src/core/quantity';

const lowerLower = ['withinClusterQueue: LowerPriority', 'reclaimWithinCohort: LowerPriority'];
const neverAny = ['withinClusterQueue: Never', 'reclaimWithinCohort: Any'];
const borrowThreshold0 = ['borrowWithinCohort: {policy: LowerPriority, maxPriorityThreshold: 0}'];
// defaultClusterQueues of TestPreemption.
const defaults: ClusterQueue[] = [
  clusterQueue('standalone', {
    quotas: { default: { cpu: ['6'] }, alpha: { memory: ['3Gi'] }, beta: { memory: ['3Gi'] } },
    preemption: ['withinClusterQueue: LowerPriority'],
  }),
  clusterQueue('c1', { cohort: 'cohort', quotas: { default: { cpu: ['6', '6'], memory: ['3Gi', '3Gi'] } }, preemption: lowerLower }),
  clusterQueue('c2', { cohort: 'cohort', quotas: { default: { cpu: ['6', '6'], memory: ['3Gi', '3Gi'] } }, preemption: neverAny }),
  clusterQueue('d1', { cohort: 'cohort-no-limits', quotas: { default: { cpu: ['6'], memory: ['3Gi'] } }, preemption: lowerLower }),
  clusterQueue('d2', { cohort: 'cohort-no-limits', quotas: { default: { cpu: ['6'], memory: ['3Gi'] } }, preemption: neverAny }),
  clusterQueue('l1', { cohort: 'legion', quotas: { default: { cpu: ['6', '12'], memory: ['3Gi', '6Gi'] } }, preemption: lowerLower }),
  clusterQueue('preventStarvation', { quotas: { default: { cpu: ['6'] } }, preemption: ['withinClusterQueue: LowerOrNewerEqualPriority'] }),
  clusterQueue('a_standard', {
    cohort: 'with_shared_cq',
    quotas: { default: { cpu: ['1', '12'] } },
    preemption: ['withinClusterQueue: Never', 'reclaimWithinCohort: LowerPriority', ...borrowThreshold0],
  }),
  clusterQueue('b_standard', {
    cohort: 'with_shared_cq',
    quotas: { default: { cpu: ['1', '12'] } },
    preemption: ['withinClusterQueue: LowerPriority', 'reclaimWithinCohort: Any', ...borrowThreshold0],
  }),
  clusterQueue('a_best_effort', {
    cohort: 'with_shared_cq',
    quotas: { default: { cpu: ['1', '12'] } },
    preemption: ['withinClusterQueue: Never', 'reclaimWithinCohort: LowerPriority', ...borrowThreshold0],
  }),
  clusterQueue('b_best_effort', {
    cohort: 'with_shared_cq',
    quotas: { default: { cpu: ['0', '13'] } },
    preemption: ['withinClusterQueue: Never', 'reclaimWithinCohort: LowerPriority', ...borrowThreshold0],
  }),
  clusterQueue('shared', { cohort: 'with_shared_cq', quotas: { default: { cpu: ['10'] } } }),
  clusterQueue('lend1', { cohort: 'cohort-lend', quotas: { default: { cpu: ['6', '', '4'] } }, preemption: lowerLower }),
  clusterQueue('lend2', { cohort: 'cohort-lend', quotas: { default: { cpu: ['6', '', '2'] } }, preemption: lowerLower }),
  clusterQueue('a', {
    cohort: 'cohort-three',
    quotas: { default: { cpu: ['2'], memory: ['2'] } },
    preemption: ['withinClusterQueue: LowerPriority', 'reclaimWithinCohort: Any'],
  }),
  clusterQueue('b', { cohort: 'cohort-three', quotas: { default: { cpu: ['2'], memory: ['2'] } } }),
  clusterQueue('c', { cohort: 'cohort-three', quotas: { default: { cpu: ['2'], memory: ['2'] } } }),
];

const now = Date.UTC(2026, 0, 1);

/** `name: cq prio [flavor/resource=qty ...] [@+seconds reserved] [created+seconds]` */
function wl(name: string, cq: string, priority: number, usage: Record<string, string>, o: { reservedAt?: number; queuedAt?: number } = {}) {
  const w: KueueAdmittedWorkload = {
    key: name,
    clusterQueue: cq,
    priority,
    usage: milli(usage),
    quotaReservedAt: o.reservedAt ?? now,
    queuedAt: o.queuedAt ?? 0,
  };
  return w;
}

function milli(q: Record<string, string>): Map<string, number> {
  return new Map(Object.entries(q).map(([fr, v]) => [fr, parseQuantity(v) ?? NaN]));
}

interface Case {
  admitted: KueueAdmittedWorkload[];
  cq: string;
  priority?: number;
  queuedAt?: number;
  requests: Record<string, string>;
  /** The assignment's flavor/resources in Preempt mode. */
  preempt: string[];
  want: Array<[string, string]>;
  clusterQueues?: ClusterQueue[];
  cohorts?: Cohort[];
}

const cpu = (v: string) => ({ 'default/cpu': v });
const cases: Record<string, Case> = {
  'preempt lowest priority': {
    admitted: [wl('low', 'standalone', -1, cpu('2')), wl('mid', 'standalone', 0, cpu('2')), wl('high', 'standalone', 1, cpu('2'))],
    cq: 'standalone',
    priority: 1,
    requests: cpu('2'),
    preempt: ['default/cpu'],
    want: [['low', 'InClusterQueue']],
  },
  'preempt multiple': {
    admitted: [wl('low', 'standalone', -1, cpu('2')), wl('mid', 'standalone', 0, cpu('2')), wl('high', 'standalone', 1, cpu('2'))],
    cq: 'standalone',
    priority: 1,
    requests: cpu('3'),
    preempt: ['default/cpu'],
    want: [
      ['low', 'InClusterQueue'],
      ['mid', 'InClusterQueue'],
    ],
  },
  'no preemption for low priority': {
    admitted: [wl('low', 'standalone', -1, cpu('3')), wl('mid', 'standalone', 0, cpu('3'))],
    cq: 'standalone',
    priority: -1,
    requests: cpu('1'),
    preempt: ['default/cpu'],
    want: [],
  },
  'not enough low priority workloads': {
    admitted: [wl('low', 'standalone', -1, cpu('3')), wl('mid', 'standalone', 0, cpu('3'))],
    cq: 'standalone',
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [],
  },
  'some free quota, preempt low priority': {
    admitted: [wl('low', 'standalone', -1, cpu('1')), wl('mid', 'standalone', 0, cpu('1')), wl('high', 'standalone', 1, cpu('3'))],
    cq: 'standalone',
    priority: 1,
    requests: cpu('2'),
    preempt: ['default/cpu'],
    want: [['low', 'InClusterQueue']],
  },
  'minimal set excludes low priority': {
    admitted: [wl('low', 'standalone', -1, cpu('1')), wl('mid', 'standalone', 0, cpu('2')), wl('high', 'standalone', 1, cpu('3'))],
    cq: 'standalone',
    priority: 1,
    requests: cpu('2'),
    preempt: ['default/cpu'],
    want: [['mid', 'InClusterQueue']],
  },
  'only preempt workloads using the chosen flavor': {
    admitted: [
      wl('low', 'standalone', -1, { 'alpha/memory': '2Gi' }),
      wl('mid', 'standalone', 0, { 'beta/memory': '1Gi' }),
      wl('high', 'standalone', 1, { 'beta/memory': '1Gi' }),
    ],
    cq: 'standalone',
    priority: 1,
    requests: { 'default/cpu': '1', 'beta/memory': '2Gi' },
    preempt: ['beta/memory'],
    want: [['mid', 'InClusterQueue']],
  },
  'reclaim quota from borrower': {
    admitted: [wl('c1-low', 'c1', -1, cpu('3')), wl('c2-mid', 'c2', 0, cpu('3')), wl('c2-high', 'c2', 1, cpu('6'))],
    cq: 'c1',
    priority: 1,
    requests: cpu('3'),
    preempt: ['default/cpu'],
    want: [['c2-mid', 'InCohortReclamation']],
  },
  'no workloads borrowing': {
    admitted: [wl('c1-high', 'c1', 1, cpu('4')), wl('c2-low-1', 'c2', -1, cpu('4'))],
    cq: 'c1',
    priority: 1,
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [],
  },
  'not enough workloads borrowing': {
    admitted: [wl('c1-high', 'c1', 1, cpu('4')), wl('c2-low-1', 'c2', -1, cpu('4')), wl('c2-low-2', 'c2', -1, cpu('4'))],
    cq: 'c1',
    priority: 1,
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [],
  },
  'preempting locally and borrowing same resource in cohort': {
    admitted: [wl('c1-med', 'c1', 0, cpu('4')), wl('c1-low', 'c1', -1, cpu('4')), wl('c2-low-1', 'c2', -1, cpu('4'))],
    cq: 'c1',
    priority: 1,
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [['c1-low', 'InClusterQueue']],
  },
  'preempting locally and borrowing same resource in cohort; no borrowing limit in the cohort': {
    admitted: [wl('d1-med', 'd1', 0, cpu('4')), wl('d1-low', 'd1', -1, cpu('4')), wl('d2-low-1', 'd2', -1, cpu('4'))],
    cq: 'd1',
    priority: 1,
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [['d1-low', 'InClusterQueue']],
  },
  'preempting locally and not borrowing same resource in 1-queue cohort': {
    admitted: [wl('l1-med', 'l1', 0, cpu('4')), wl('l1-low', 'l1', -1, cpu('2'))],
    cq: 'l1',
    priority: 1,
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [['l1-med', 'InClusterQueue']],
  },
  'do not reclaim borrowed quota from same priority for withinCohort=ReclaimFromLowerPriority': {
    admitted: [wl('c1', 'c1', 0, cpu('2')), wl('c2-1', 'c2', 0, cpu('4')), wl('c2-2', 'c2', 0, cpu('4'))],
    cq: 'c1',
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [],
  },
  'reclaim borrowed quota from same priority for withinCohort=ReclaimFromAny': {
    admitted: [wl('c1-1', 'c1', 0, cpu('4')), wl('c1-2', 'c1', 1, cpu('4')), wl('c2', 'c2', 0, cpu('2'))],
    cq: 'c2',
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [['c1-1', 'InCohortReclamation']],
  },
  'preempt from all ClusterQueues in cohort': {
    admitted: [
      wl('c1-low', 'c1', -1, cpu('3')),
      wl('c1-mid', 'c1', 0, cpu('2')),
      wl('c2-low', 'c2', -1, cpu('3')),
      wl('c2-mid', 'c2', 0, cpu('4')),
    ],
    cq: 'c1',
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [
      ['c1-low', 'InClusterQueue'],
      ['c2-low', 'InCohortReclamation'],
    ],
  },
  "can't preempt workloads in ClusterQueue for withinClusterQueue=Never": {
    admitted: [wl('c2-low', 'c2', -1, cpu('3'))],
    cq: 'c2',
    priority: 1,
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [],
  },
  'preempt newer workloads with the same priority': {
    admitted: [
      wl('wl1', 'preventStarvation', 2, cpu('2')),
      wl('wl2', 'preventStarvation', 1, cpu('2'), { queuedAt: now, reservedAt: now + 1000 }),
      wl('wl3', 'preventStarvation', 1, cpu('2'), { queuedAt: now }),
    ],
    cq: 'preventStarvation',
    priority: 1,
    queuedAt: now - 15_000,
    requests: cpu('2'),
    preempt: ['default/cpu'],
    want: [['wl2', 'InClusterQueue']],
  },
  'use BorrowWithinCohort; allow preempting a lower-priority workload from another ClusterQueue while borrowing': {
    admitted: [wl('a_best_effort_low', 'a_best_effort', -1, cpu('10')), wl('b_best_effort_low', 'b_best_effort', -1, cpu('1'))],
    cq: 'a_standard',
    requests: cpu('10'),
    preempt: ['default/cpu'],
    want: [['a_best_effort_low', 'InCohortReclaimWhileBorrowing']],
  },
  "use BorrowWithinCohort; don't allow preempting a lower-priority workload with priority above MaxPriorityThreshold, if borrowing is required even after the preemption":
    {
      admitted: [wl('b_standard', 'b_standard', 1, cpu('10'))],
      cq: 'a_standard',
      priority: 2,
      requests: cpu('10'),
      preempt: ['default/cpu'],
      want: [],
    },
  'use BorrowWithinCohort; allow preempting a lower-priority workload with priority above MaxPriorityThreshold, if borrowing is not required after the preemption':
    {
      admitted: [wl('b_standard', 'b_standard', 1, cpu('13'))],
      cq: 'a_standard',
      priority: 2,
      requests: cpu('1'),
      preempt: ['default/cpu'],
      want: [['b_standard', 'InCohortReclamation']],
    },
  "use BorrowWithinCohort; don't allow for preemption of lower-priority workload from the same ClusterQueue": {
    admitted: [wl('a_standard', 'a_standard', 1, cpu('13'))],
    cq: 'a_standard',
    priority: 2,
    requests: cpu('1'),
    preempt: ['default/cpu'],
    want: [],
  },
  'use BorrowWithinCohort; only preempt from CQ if no workloads below threshold and already above nominal': {
    admitted: [
      wl('a_standard_1', 'a_standard', 1, cpu('10')),
      wl('a_standard_2', 'a_standard', 1, cpu('1')),
      wl('b_standard_1', 'b_standard', 1, cpu('1')),
      wl('b_standard_2', 'b_standard', 2, cpu('1')),
    ],
    cq: 'b_standard',
    priority: 3,
    requests: cpu('1'),
    preempt: ['default/cpu'],
    want: [['b_standard_1', 'InClusterQueue']],
  },
  'use BorrowWithinCohort; preempt from CQ and from other CQs with workloads below threshold': {
    admitted: [
      wl('b_standard_high', 'b_standard', 2, cpu('10')),
      wl('b_standard_mid', 'b_standard', 1, cpu('1')),
      wl('a_best_effort_low', 'a_best_effort', -1, cpu('1')),
      wl('a_best_effort_lower', 'a_best_effort', -2, cpu('1')),
    ],
    cq: 'b_standard',
    priority: 2,
    requests: cpu('2'),
    preempt: ['default/cpu'],
    want: [
      ['a_best_effort_lower', 'InCohortReclaimWhileBorrowing'],
      ['b_standard_mid', 'InClusterQueue'],
    ],
  },
  'reclaim quota from lender': {
    admitted: [wl('lend1-low', 'lend1', -1, cpu('3')), wl('lend2-mid', 'lend2', 0, cpu('3')), wl('lend2-high', 'lend2', 1, cpu('4'))],
    cq: 'lend1',
    priority: 1,
    requests: cpu('3'),
    preempt: ['default/cpu'],
    want: [['lend2-mid', 'InCohortReclamation']],
  },
  'preempt from all ClusterQueues in cohort-lend': {
    admitted: [
      wl('lend1-low', 'lend1', -1, cpu('3')),
      wl('lend1-mid', 'lend1', 0, cpu('2')),
      wl('lend2-low', 'lend2', -1, cpu('3')),
      wl('lend2-mid', 'lend2', 0, cpu('4')),
    ],
    cq: 'lend1',
    requests: cpu('4'),
    preempt: ['default/cpu'],
    want: [
      ['lend1-low', 'InClusterQueue'],
      ['lend2-low', 'InCohortReclamation'],
    ],
  },
  'cannot preempt from other ClusterQueues if exceeds requestable quota including lending limit': {
    admitted: [wl('lend2-low', 'lend2', -1, cpu('10'))],
    cq: 'lend1',
    requests: cpu('9'),
    preempt: ['default/cpu'],
    want: [],
  },
  'preemptions from cq when target queue is exhausted for the single requested resource': {
    admitted: [
      wl('a1', 'a', -2, cpu('1')),
      wl('a2', 'a', -2, cpu('1')),
      wl('a3', 'a', -1, cpu('1')),
      wl('b1', 'b', 0, cpu('1')),
      wl('b2', 'b', 0, cpu('1')),
      wl('b3', 'b', 0, cpu('1')),
    ],
    cq: 'a',
    requests: cpu('2'),
    preempt: ['default/cpu'],
    want: [
      ['a1', 'InClusterQueue'],
      ['a2', 'InClusterQueue'],
    ],
  },
  'long range preemption': {
    clusterQueues: [
      clusterQueue('cq-left', { cohort: 'cohort-left', quotas: { default: { cpu: ['10'] } }, preemption: ['reclaimWithinCohort: Any'] }),
      clusterQueue('cq-right', { cohort: 'cohort-right', quotas: { default: { cpu: ['0'] } } }),
    ],
    cohorts: [cohort('cohort-left', 'root'), cohort('cohort-right', 'root')],
    admitted: [wl('to-be-preempted', 'cq-right', 0, cpu('5'))],
    cq: 'cq-left',
    requests: cpu('8'),
    preempt: ['default/cpu'],
    want: [['to-be-preempted', 'InCohortReclamation']],
  },
};

describe("kueuePreemptionTargets: Kueue v0.19.2's TestPreemption cases (R-Q.6)", () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, () => {
      const targets = kueuePreemptionTargets(
        { key: 'in', clusterQueue: c.cq, priority: c.priority ?? 0, requests: milli(c.requests), queuedAt: c.queuedAt ?? 0 },
        c.admitted,
        c.clusterQueues ?? defaults,
        c.cohorts ?? [],
        new Set(c.preempt),
      );
      assert.deepEqual(
        targets.map((t) => [t.workload.key, t.reason]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        c.want,
      );
    });
  }

  test('without an explicit Preempt set, the resources whose request exceeds what is available need preemption', () => {
    const c = cases['minimal set excludes low priority'];
    const targets = kueuePreemptionTargets(
      { key: 'in', clusterQueue: 'standalone', priority: 1, requests: milli(c.requests), queuedAt: 0 },
      c.admitted,
      defaults,
      [],
    );
    assert.deepEqual(
      targets.map((t) => t.workload.key),
      ['mid'],
    );
  });

  test('the same admitted set, the preemptor newer than its equal-priority candidates: nothing (LowerOrNewerEqualPriority)', () => {
    const admitted = [
      wl('wl2', 'preventStarvation', 1, cpu('3'), { queuedAt: now }),
      wl('wl3', 'preventStarvation', 1, cpu('3'), { queuedAt: now }),
    ];
    const incoming = { key: 'in', clusterQueue: 'preventStarvation', priority: 1, requests: milli(cpu('2')), queuedAt: now + 1000 };
    assert.deepEqual(kueuePreemptionTargets(incoming, admitted, defaults, []), []);
    // Created at the same second: not before, so not newer either.
    assert.deepEqual(kueuePreemptionTargets({ ...incoming, queuedAt: now }, admitted, defaults, []), []);
  });

  test('test/scenarios/KUEUE.md 7: the newest low and the mid go, the older low is filled back', () => {
    const s7 = clusterQueue('s7-cq', { quotas: { 'default-flavor': { cpu: ['6'] } }, preemption: ['withinClusterQueue: LowerPriority'] });
    const f = (v: string) => ({ 'default-flavor/cpu': v });
    const admitted = [
      wl('a', 's7-cq', 100, f('1'), { reservedAt: now }),
      wl('b', 's7-cq', 500, f('3'), { reservedAt: now + 1000 }),
      wl('c', 's7-cq', 100, f('2'), { reservedAt: now + 2000 }),
    ];
    const targets = kueuePreemptionTargets(
      { key: 'p', clusterQueue: 's7-cq', priority: 1000, requests: milli(f('4')), queuedAt: now + 3000 },
      admitted,
      [s7],
      [],
    );
    assert.deepEqual(
      targets.map((t) => [t.workload.key, t.reason]),
      [
        ['c', 'InClusterQueue'],
        ['b', 'InClusterQueue'],
      ],
    );
    // Had a been the newer low, a would go and c stay.
    const [a, b, c] = admitted;
    const swapped: KueueAdmittedWorkload[] = [{ ...a, quotaReservedAt: now + 2000 }, b, { ...c, quotaReservedAt: now }];
    assert.deepEqual(
      kueuePreemptionTargets(
        { key: 'p', clusterQueue: 's7-cq', priority: 1000, requests: milli(f('4')), queuedAt: now + 3000 },
        swapped,
        [s7],
        [],
      ).map((t) => t.workload.key),
      ['a', 'b'],
    );
  });

  test('an unknown ClusterQueue, or one no candidate can help: nothing, never a throw', () => {
    assert.deepEqual(
      kueuePreemptionTargets({ key: 'in', clusterQueue: 'nope', priority: 9, requests: milli(cpu('1')), queuedAt: 0 }, [], defaults, []),
      [],
    );
  });
});
