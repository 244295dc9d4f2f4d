import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePreemptedNote, eventRecordFromObject } from '../../server/src/core/index';
import {
  parseEvictedMessage,
  parseJobFailure,
  parseSchedulerDisruptionMessage,
  normalizeDisruptionReason,
} from '../../server/src/core/diagnose/messages';
import { deploymentOfReplicaSet } from '../../server/src/core/diagnose/records';

test('Preempted notes: current and older forms (R-I.2)', () => {
  const cases: Array<[string, ReturnType<typeof parsePreemptedNote>]> = [
    [
      'Preempted by pod 29a25210-aaaa-bbbb-cccc-0123456789ab on node node-a',
      { preemptorUid: '29a25210-aaaa-bbbb-cccc-0123456789ab', form: 'uid', node: 'node-a' },
    ],
    [
      'Preempted by ci/evaluation-q9z8w on node node-b',
      { preemptorRef: { namespace: 'ci', name: 'evaluation-q9z8w' }, form: 'name', node: 'node-b' },
    ],
    ['Preempted by a pod on node node-c', { form: 'anonymous', node: 'node-c' }],
    [
      'Preempted by pod 29a25210-aaaa-bbbb-cccc-0123456789ab on node ip-10-0-0-1.ec2.internal',
      { preemptorUid: '29a25210-aaaa-bbbb-cccc-0123456789ab', form: 'uid', node: 'ip-10-0-0-1.ec2.internal' },
    ],
    ['Evicted for fun', undefined],
    ['Preempted by pod x on node', undefined],
  ];
  for (const [note, expected] of cases) assert.deepEqual(parsePreemptedNote(note), expected, note);
  assert.equal(parsePreemptedNote(undefined), undefined);
});

test('DisruptionTarget reasons and scheduler messages (R-I.3)', () => {
  assert.equal(normalizeDisruptionReason('PreemptionByScheduler'), 'PreemptionByScheduler');
  assert.equal(normalizeDisruptionReason('PreemptionByKubeScheduler'), 'PreemptionByScheduler');
  assert.equal(normalizeDisruptionReason('TerminationByKubelet'), 'TerminationByKubelet');
  assert.equal(normalizeDisruptionReason('EvictionByEvictionAPI'), 'EvictionByEvictionAPI');
  assert.equal(normalizeDisruptionReason('DeletionByTaintManager'), 'DeletionByTaintManager');
  assert.equal(normalizeDisruptionReason('DeletionByPodGC'), 'DeletionByPodGC');
  assert.equal(normalizeDisruptionReason('Something'), undefined);
  assert.deepEqual(parseSchedulerDisruptionMessage('default-scheduler: preempting to accommodate a higher priority pod'), {
    schedulerName: 'default-scheduler',
  });
  assert.deepEqual(parseSchedulerDisruptionMessage('Kube-scheduler: preempting to accommodate a higher priority pod: ci/eval-1'), {
    schedulerName: 'default-scheduler',
    preemptorRef: { namespace: 'ci', name: 'eval-1' },
  });
  assert.deepEqual(parseSchedulerDisruptionMessage('Scheduler: preempting to accommodate a higher priority pod, scheduled by "my-sched"'), {
    schedulerName: 'my-sched',
  });
  assert.equal(parseSchedulerDisruptionMessage('something else'), undefined);
});

test('Evicted messages parsed by prefix (R-I.4)', () => {
  const full = parseEvictedMessage(
    'The node was low on resource: memory. Threshold quantity: 100Mi, available: 92Mi. Container app was using 1500Mi, request is 512Mi, has larger consumption of memory. Container side was using 200Mi, request is 100Mi, has larger consumption of memory. ',
  );
  assert.equal(full.kind, 'pressure');
  assert.equal(full.resource, 'memory');
  assert.equal(full.nodeCondition, 'MemoryPressure');
  assert.deepEqual(full.signals, ['memory.available', 'allocatableMemory.available']);
  assert.equal(full.threshold, '100Mi');
  assert.equal(full.available, '92Mi');
  assert.deepEqual(full.containers, [
    { container: 'app', usage: '1500Mi', request: '512Mi', resource: 'memory' },
    { container: 'side', usage: '200Mi', request: '100Mi', resource: 'memory' },
  ]);
  const table: Array<[string, Partial<ReturnType<typeof parseEvictedMessage>>]> = [
    ['The node was low on resource: memory. ', { kind: 'pressure', resource: 'memory', nodeCondition: 'MemoryPressure' }],
    [
      'The node was low on resource: ephemeral-storage. Threshold quantity: 10%, available: 1Gi. ',
      { kind: 'pressure', resource: 'ephemeral-storage', nodeCondition: 'DiskPressure', threshold: '10%' },
    ],
    ['The node was low on resource: inodes. ', { kind: 'pressure', resource: 'inodes', nodeCondition: 'DiskPressure' }],
    ['The node was low on resource: nodefsInodes.', { kind: 'pressure', resource: 'inodes' }],
    ['The node was low on resource: pids. ', { kind: 'pressure', resource: 'pids', nodeCondition: 'PIDPressure' }],
    [
      'Usage of EmptyDir volume "cache" exceeds the limit "1Gi". ',
      { kind: 'local-storage', localStorage: { what: 'emptyDir', name: 'cache', limit: '1Gi' }, resource: 'ephemeral-storage' },
    ],
    [
      'Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. ',
      { kind: 'local-storage', localStorage: { what: 'pod', limit: '2Gi' } },
    ],
    [
      'Container app exceeded its local ephemeral storage limit "500Mi". ',
      { kind: 'local-storage', localStorage: { what: 'container', name: 'app', limit: '500Mi' } },
    ],
    ['The node had condition: [DiskPressure]. ', { kind: 'admission', conditions: ['DiskPressure'] }],
    ['Preempted in order to admit critical pod', { kind: 'critical-pod' }],
    ['Pod was preempted by Kubelet to accommodate a critical pod.', { kind: 'critical-pod' }],
    ['nonsense', { kind: 'unknown' }],
  ];
  for (const [msg, expected] of table) {
    const got = parseEvictedMessage(msg) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(got[k], v, `${msg}: ${k}`);
  }
  const podLevel = parseEvictedMessage(
    'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Pod web-1 was using 2Gi, request is 1Gi, has larger consumption of memory. ',
  );
  assert.deepEqual(podLevel.pod, { usage: '2Gi', request: '1Gi' });
});

test('Job failure reasons (R-H.1, R-H.3)', () => {
  assert.equal(parseJobFailure('BackoffLimitExceeded', 'Job has reached the specified backoff limit')?.kind, 'backoff-limit');
  const p = parseJobFailure('PodFailurePolicy', 'Pod ci/t-1 has condition DisruptionTarget matching FailJob rule at index 0');
  assert.equal(p?.kind, 'pod-failure-policy');
  assert.equal(p?.pod, 'ci/t-1');
  assert.equal(p?.ruleIndex, 0);
  assert.equal(
    parseJobFailure('PodFailurePolicy', 'Container main for pod ci/t-2 failed with exit code 3 matching FailJob rule at index 1')
      ?.ruleIndex,
    1,
  );
  assert.equal(parseJobFailure('DeadlineExceeded', 'x')?.kind, 'deadline');
  assert.equal(parseJobFailure(undefined, 'x'), undefined);
});

test('owner chain helpers and event records', () => {
  assert.equal(deploymentOfReplicaSet('web-7d9f8c6b5d', '7d9f8c6b5d'), 'web');
  assert.equal(deploymentOfReplicaSet('web-7d9f8c6b5d', 'other'), undefined);
  assert.equal(deploymentOfReplicaSet('my-app-5f4d8', undefined), 'my-app');
  const core = eventRecordFromObject({
    metadata: { uid: 'u', resourceVersion: '5', namespace: 'a' },
    reason: 'Evicted',
    message: 'm',
    involvedObject: { kind: 'Pod', name: 'p', uid: 'pu' },
    lastTimestamp: '2026-01-01T00:00:00Z',
    source: { component: 'kubelet', host: 'n1' },
    count: 2,
  });
  assert.deepEqual(core, {
    uid: 'u',
    resourceVersion: '5',
    reason: 'Evicted',
    note: 'm',
    time: '2026-01-01T00:00:00Z',
    regarding: { kind: 'Pod', namespace: 'a', name: 'p', uid: 'pu' },
    count: 2,
    reportingController: 'kubelet',
    host: 'n1',
  });
  const v1 = eventRecordFromObject({
    metadata: { uid: 'u2' },
    reason: 'Preempted',
    note: 'n',
    regarding: { kind: 'Pod', name: 'p', namespace: 'b' },
    related: { kind: 'Pod', name: 'q', namespace: 'b', uid: 'qu' },
    eventTime: '2026-01-01T00:00:01.000001Z',
  });
  assert.equal(v1?.time, '2026-01-01T00:00:01.000001Z');
  assert.deepEqual(v1?.related, { kind: 'Pod', namespace: 'b', name: 'q', uid: 'qu' });
  assert.equal(eventRecordFromObject({ metadata: {}, reason: 'x' }), undefined);
});
