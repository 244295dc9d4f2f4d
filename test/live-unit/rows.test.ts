import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveEventRow } from '../../server/src/cluster/rows';
import type { PodLookup } from '../../server/src/cluster/rows';
import { snapshotParsed, snapshotSources } from '../../server/src/cluster/snapshot';
import { eventRecordFromObject, podRecordFromObject } from '../../server/src/core/index';
import type { PodRecord } from '../../server/src/core/index';
import { ciDefault, evaluationClass, preemptedEvent, preemptorPod, preemptorUid, victimPod, victimUid } from './fixtures';

function lookup(pods: PodRecord[]): PodLookup {
  return { byUid: (uid) => pods.find((p) => p.uid === uid), byName: (ns, name) => pods.find((p) => p.namespace === ns && p.name === name) };
}

test('row: preemption with the preemptor resolved from the UID cache', () => {
  const row = liveEventRow(
    eventRecordFromObject(preemptedEvent)!,
    lookup([podRecordFromObject(victimPod)!, podRecordFromObject(preemptorPod)!]),
  );
  assert.deepEqual(row, {
    id: 'ev-1',
    time: '2026-11-20T10:05:00.123456Z',
    reason: 'Preempted',
    type: 'preemption',
    message: `Preempted by pod ${preemptorUid} on node node-a`,
    namespace: 'ci',
    victim: {
      name: 'test-shard-0-x7k2p',
      uid: victimUid,
      priority: 100,
      priorityClassName: 'ci-default',
      qosClass: 'Burstable',
      owner: 'Job/test-shard-0',
    },
    node: 'node-a',
    preemptor: {
      uid: preemptorUid,
      name: 'evaluation-q9z8w',
      namespace: 'ci',
      resolved: true,
      priority: 1000,
      priorityClassName: 'evaluation',
      owner: 'Job/evaluation',
    },
    priorityGap: 900,
  });
});

test('row: preemptor gone before seen keeps the UID, unresolved', () => {
  const row = liveEventRow(eventRecordFromObject(preemptedEvent)!, lookup([]));
  assert.deepEqual(row.preemptor, { uid: preemptorUid, resolved: false });
  assert.equal(row.priorityGap, undefined);
});

test('row: eviction and job failure types', () => {
  const evicted = eventRecordFromObject({
    metadata: { uid: 'e2', namespace: 'ci' },
    reason: 'Evicted',
    message: 'The node was low on resource: memory. ',
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'ci' },
    lastTimestamp: '2026-01-01T00:00:00Z',
    source: { host: 'n1' },
  })!;
  assert.equal(liveEventRow(evicted, lookup([])).type, 'eviction');
  assert.equal(liveEventRow(evicted, lookup([])).node, 'n1');
  const job = eventRecordFromObject({
    metadata: { uid: 'e3', namespace: 'ci' },
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
    involvedObject: { kind: 'Job', name: 'j', namespace: 'ci' },
    lastTimestamp: '2026-01-01T00:00:00Z',
  })!;
  const row = liveEventRow(job, lookup([]));
  assert.equal(row.type, 'failure');
  assert.equal(row.victim.name, 'Job/j');
});

test('snapshot serializes to YAML the engine parses as cluster state', () => {
  const snap = {
    priorityClasses: [ciDefault, evaluationClass].map((c) => ({
      ...c,
      metadata: { ...(c['metadata'] as object), managedFields: [{ manager: 'kubectl' }] },
    })),
    limitRanges: [],
    pdbs: [],
    nodes: [{ metadata: { name: 'node-a' }, status: { images: [{ names: ['x'] }], allocatable: { cpu: '4' } } }],
    takenAt: '',
    missing: [],
  };
  const sources = snapshotSources(snap, 'kind-ci');
  assert.equal(sources.length, 4);
  assert.ok(sources.every((s) => s.origin === 'cluster'));
  assert.ok(!String(sources[0]?.content).includes('managedFields'));
  assert.ok(!String(sources[3]?.content).includes('images'));
  const parsed = snapshotParsed(snap, 'kind-ci');
  const classes = parsed[0]?.objects ?? [];
  assert.deepEqual(
    classes.map((o) => [o.kind, o.name, o.origin]),
    [
      ['PriorityClass', 'ci-default', 'cluster'],
      ['PriorityClass', 'evaluation', 'cluster'],
    ],
  );
  assert.equal(parsed[3]?.objects[0]?.kind, 'Node');
});
