// Kueue's preemption texts (R-Q.5), as Kueue v0.14-v0.19 write them (pkg/scheduler/preemption preemptionMessage and
// IssuePreemptions) and as observed on a real Kueue v0.19.2 (../shared/kueue-notes.md §3).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isKueuePreemptionEvent,
  parseKueuePreemptionMessage,
  parsePendingPreemption,
  parsePodsReadyTimeout,
  parsePreemptedWorkloadNote,
} from '../../server/src/core/diagnose/kueue-messages';

const base =
  'Preempted to accommodate a workload (UID: 5f0c2a4e-1111-4c1b-9d0e-6a3c7b2f9e01, JobUID: 9a7d1c3b-2222-4e5f-8a6b-1c2d3e4f5a6b) due to';

describe('Kueue preemption messages', () => {
  test('the condition text with paths (v0.15+)', () => {
    const m = parseKueuePreemptionMessage(`${base} prioritization in the ClusterQueue; preemptor path: /cq-a; preemptee path: /cq-a`);
    assert.deepEqual(m, {
      preemptorWorkloadUid: '5f0c2a4e-1111-4c1b-9d0e-6a3c7b2f9e01',
      preemptorJobUid: '9a7d1c3b-2222-4e5f-8a6b-1c2d3e4f5a6b',
      reason: 'InClusterQueue',
      preemptorPath: '/cq-a',
      preempteePath: '/cq-a',
      preemptorPriority: undefined,
      preempteePriority: undefined,
      previously: false,
    });
  });

  test('the event text with the priority suffix (v0.17+), each reason', () => {
    const suffix = '; preemptor effective priority: 100 (base: 100, boost: 0); preemptee effective priority: 1000 (base: 900, boost: 100)';
    const cases: Array<[string, string]> = [
      ['reclamation within the cohort', 'InCohortReclamation'],
      ['reclamation within the cohort while borrowing', 'InCohortReclaimWhileBorrowing'],
      ['Fair Sharing within the cohort', 'InCohortFairSharing'],
    ];
    for (const [human, reason] of cases) {
      const m = parseKueuePreemptionMessage(`${base} ${human}; preemptor path: /co/cq-a; preemptee path: /co/cq-x${suffix}`);
      assert.equal(m?.reason, reason, human);
      assert.equal(m?.preempteePath, '/co/cq-x');
      assert.deepEqual(m?.preempteePriority, { effective: 1000, base: 900, boost: 100 });
      assert.deepEqual(m?.preemptorPriority, { effective: 100, base: 100, boost: 0 });
    }
  });

  test('the v0.14 text without paths, and "Previously:" after re-admission', () => {
    assert.equal(parseKueuePreemptionMessage(`${base} reclamation within the cohort`)?.preemptorPath, undefined);
    const again = parseKueuePreemptionMessage(
      `Previously: ${base} prioritization in the ClusterQueue; preemptor path: /cq-a; preemptee path: /cq-a`,
    );
    assert.equal(again?.previously, true);
  });

  test('UNKNOWN identifiers stay as Kueue wrote them', () => {
    assert.equal(
      parseKueuePreemptionMessage(
        'Preempted to accommodate a workload (UID: UNKNOWN, JobUID: UNKNOWN) due to prioritization in the ClusterQueue',
      )?.preemptorJobUid,
      'UNKNOWN',
    );
  });

  test('kube-scheduler notes, unknown reasons and hostile text are not Kueue messages', () => {
    assert.equal(parseKueuePreemptionMessage('Preempted by pod 1234 on node n1'), undefined);
    assert.equal(parseKueuePreemptionMessage(`${base} the moon`), undefined);
    assert.equal(
      parseKueuePreemptionMessage(`${base} prioritization in the ClusterQueue; preemptor path: ${'/a;'.repeat(2000)}`),
      undefined,
    );
    assert.equal(parseKueuePreemptionMessage(`${'Preempted to accommodate a workload (UID: '.repeat(50)}`), undefined);
  });

  test('PreemptedWorkload, Pending and PodsReadyTimeout notes', () => {
    assert.deepEqual(
      parsePreemptedWorkloadNote(
        'Preempted workload ci/job-tests-7c1f2 (UID: 0b1c) in ClusterQueue cq-a; preemptor effective priority: 1000 (base: 1000, boost: 0); preemptee effective priority: 100 (base: 100, boost: 0)',
      ),
      { namespace: 'ci', name: 'job-tests-7c1f2', uid: '0b1c', clusterQueue: 'cq-a' },
    );
    assert.deepEqual(
      parsePendingPreemption(
        "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default-flavor, 4 more needed. Pending the preemption of 2 workload(s)",
      ),
      {
        flavorMessage: "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default-flavor, 4 more needed",
        workloads: 2,
      },
    );
    assert.deepEqual(parsePodsReadyTimeout('Exceeded the PodsReady timeout ci/job-x-1'), { namespace: 'ci', name: 'job-x-1' });
  });

  test('Preempted events: the regarding kind and component say whose', () => {
    assert.equal(
      isKueuePreemptionEvent({ reason: 'Preempted', regardingKind: 'Workload', regardingApiVersion: 'kueue.x-k8s.io/v1beta2' }),
      true,
    );
    assert.equal(isKueuePreemptionEvent({ reason: 'Preempted', regardingKind: 'Pod', component: 'default-scheduler' }), false);
    assert.equal(isKueuePreemptionEvent({ reason: 'Preempted', component: 'kueue-admission' }), true);
    assert.equal(isKueuePreemptionEvent({ reason: 'Preempted', regardingKind: 'Workload', regardingApiVersion: 'other.io/v1' }), false);
    assert.equal(isKueuePreemptionEvent({ reason: 'Scheduled', regardingKind: 'Workload' }), false);
  });
});
