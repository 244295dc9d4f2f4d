// The Workload's Requeued condition (docs/semantics.md R-Q.5), with the texts Kueue v0.19.2 writes: copied from the
// Evicted condition by the job reconciler ("6. handle eviction": True after a preemption, False after a PodsReady
// timeout), then BackoffFinished once the requeue backoff ends (workload_controller.go). The same texts were read from a
// real Kueue in test/real-cluster/kueue/kueue-scenarios-2.test.ts (scenario 10).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequeuedCondition } from '../../server/src/core/diagnose/kueue-messages';

test('Requeued False after a PodsReady timeout names the Workload; True once the backoff is over', () => {
  const waiting = parseRequeuedCondition({
    status: 'False',
    reason: 'PodsReadyTimeout',
    message: 'Exceeded the PodsReady timeout kq-s10b/job-huge-1a2b3',
  });
  assert.deepEqual(waiting, {
    requeued: false,
    reason: 'PodsReadyTimeout',
    podsReadyTimeout: { namespace: 'kq-s10b', name: 'job-huge-1a2b3' },
    preemption: undefined,
    known: true,
  });
  const back = parseRequeuedCondition({ status: 'True', reason: 'BackoffFinished', message: 'The workload backoff was finished' });
  assert.deepEqual([back?.requeued, back?.known, back?.podsReadyTimeout], [true, true, undefined]);
});

test('Requeued True after a preemption carries the preemption message', () => {
  const r = parseRequeuedCondition({
    status: 'True',
    reason: 'Preempted',
    message:
      'Preempted to accommodate a workload (UID: 1d5c, JobUID: 77aa) due to prioritization in the ClusterQueue; preemptor path: /s1-cq; preemptee path: /s1-cq',
  });
  assert.equal(r?.preemption?.reason, 'InClusterQueue');
  assert.equal(r?.preemption?.preemptorJobUid, '77aa');
  assert.equal(r?.known, true);
});

test('other texts are read but not known; no condition, no reason or another status: nothing', () => {
  assert.equal(parseRequeuedCondition({ status: 'True', reason: 'BackoffFinished', message: 'something else' })?.known, false);
  assert.equal(parseRequeuedCondition({ status: 'False', reason: 'Inadmissible', message: 'LocalQueue lq is stopped' })?.known, false);
  assert.equal(parseRequeuedCondition(undefined), undefined);
  assert.equal(parseRequeuedCondition({ status: 'True' }), undefined);
  assert.equal(parseRequeuedCondition({ status: 'Unknown', reason: 'BackoffFinished' }), undefined);
});
