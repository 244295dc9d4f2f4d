// After a PodsReady timeout (docs/semantics.md R-Q.8): requeue with backoff, and past
// waitForPodsReady.requeuingStrategy.backoffLimitCount deactivation, with the Evicted condition text Kueue v0.19.2
// writes (workload_controller.go triggerDeactivationOrBackoffRequeue: requeuingCount := count + 1; deactivate when
// requeuingCount > backoffLimitCount; otherwise wait.Backoff{Duration: base, Factor: 2, Steps: requeuingCount}).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  kueuePodsReadyTimeoutOutcome,
  kueueTimeoutsUntilDeactivation,
  parseDeactivation,
  requeuingLimitExceeded,
} from '../../server/src/core/semantics/kueue-requeue';

describe('backoffLimitCount', () => {
  test('backoffLimitCount 2: requeued twice (60 s, then 120 s), deactivated on the third timeout', () => {
    const strategy = { backoffLimitCount: 2 };
    assert.deepEqual(kueuePodsReadyTimeoutOutcome(0, strategy), { kind: 'requeued', count: 1, backoffSeconds: 60 });
    assert.deepEqual(kueuePodsReadyTimeoutOutcome(1, strategy), { kind: 'requeued', count: 2, backoffSeconds: 120 });
    assert.deepEqual(kueuePodsReadyTimeoutOutcome(2, strategy), {
      kind: 'deactivated',
      count: 2,
      reason: 'DeactivatedDueToRequeuingLimitExceeded',
      message: 'The workload is deactivated due to exceeding the maximum number of re-queuing retries',
    });
    assert.equal(kueueTimeoutsUntilDeactivation(strategy), 3);
  });

  test('backoffLimitCount 0: the first timeout deactivates; no limit: requeued forever, the wait capped at backoffMaxSeconds', () => {
    assert.equal(kueuePodsReadyTimeoutOutcome(0, { backoffLimitCount: 0 }).kind, 'deactivated');
    assert.equal(kueueTimeoutsUntilDeactivation({ backoffLimitCount: 0 }), 1);
    assert.equal(kueueTimeoutsUntilDeactivation({}), undefined);
    // 60, 120, ..., 1920, then 3600 (the default cap) from the seventh requeue on.
    assert.deepEqual(kueuePodsReadyTimeoutOutcome(5), { kind: 'requeued', count: 6, backoffSeconds: 1920 });
    assert.deepEqual(kueuePodsReadyTimeoutOutcome(6), { kind: 'requeued', count: 7, backoffSeconds: 3600 });
    assert.deepEqual(kueuePodsReadyTimeoutOutcome(2, { backoffBaseSeconds: 10, backoffMaxSeconds: 30 }), {
      kind: 'requeued',
      count: 3,
      backoffSeconds: 30,
    });
  });
});

describe('the Evicted condition of a deactivated Workload', () => {
  test("Kueue's own deactivation past backoffLimitCount is read with its cause", () => {
    assert.deepEqual(parseDeactivation({ status: 'True', ...requeuingLimitExceeded }), {
      byKueue: true,
      cause: 'RequeuingLimitExceeded',
      requeuingLimitExceeded: true,
      why: 'exceeding the maximum number of re-queuing retries',
    });
  });

  test('a user setting spec.active false is a deactivation not by Kueue; other evictions are none', () => {
    assert.deepEqual(parseDeactivation({ status: 'True', reason: 'Deactivated', message: 'The workload is deactivated' }), {
      byKueue: false,
      cause: undefined,
      requeuingLimitExceeded: false,
      why: undefined,
    });
    assert.equal(
      parseDeactivation({ status: 'True', reason: 'PodsReadyTimeout', message: 'Exceeded the PodsReady timeout ns/wl' }),
      undefined,
    );
    assert.equal(parseDeactivation({ status: 'False', ...requeuingLimitExceeded }), undefined);
    assert.equal(parseDeactivation({ status: 'True', reason: 'DeactivatedDueTo' }), undefined);
    assert.equal(parseDeactivation(undefined), undefined);
  });
});
