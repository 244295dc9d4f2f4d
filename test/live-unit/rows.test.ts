import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveEventRow } from '../../server/src/cluster/rows';
import type { PodLookup } from '../../server/src/cluster/rows';
import { snapshotParsed } from '../../server/src/cluster/snapshot';
import { AnalysisHost, eventRecordFromObject, get, podRecordFromObject } from '../../server/src/core/index';
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

test('the snapshot goes straight into the object model as cluster state, trimmed of bulky metadata', () => {
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
  const parsed = snapshotParsed(snap, 'kind-ci');
  assert.deepEqual(
    parsed.map((p) => p.file),
    ['PriorityClass', 'LimitRange', 'PodDisruptionBudget', 'Node'].map((k) => `cluster:///kind-ci/${k}.yaml`),
  );
  assert.ok(parsed.every((p) => p.objects.every((o) => o.origin === 'cluster')));
  assert.equal(get(parsed[0]?.objects[0]?.node, 'metadata', 'managedFields'), undefined);
  assert.equal(get(parsed[3]?.objects[0]?.node, 'status', 'images'), undefined);
  assert.equal(get(parsed[3]?.objects[0]?.node, 'status', 'allocatable', 'cpu')?.type, 'scalar');
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

test('cluster strings stay strings: no YAML 1.1 re-reading of yes, on, 1_000 or <<', () => {
  // Serialising API objects to YAML text (YAML 1.2 leaves `yes` unquoted) and parsing it as YAML 1.1 read these as
  // booleans, numbers and merge keys: a PDB selecting `tier: "on"` lost that label and selected more than it does.
  const pdb = {
    metadata: { name: 'b', namespace: 'ci', labels: { enabled: 'yes', shard: '1_000', merge: '<<' } },
    spec: { selector: { matchLabels: { tier: 'on' } }, minAvailable: 1 },
  };
  const snap = { priorityClasses: [], limitRanges: [], pdbs: [pdb], nodes: [], takenAt: '', missing: [] };
  const object = snapshotParsed(snap, 'kind-ci')[2]?.objects[0];
  assert.deepEqual(object?.labels, { enabled: 'yes', shard: '1_000', merge: '<<' });
  assert.deepEqual(object?.fieldProblems, []);
  const host = new AnalysisHost({ kubernetesMinor: 36 }, { severities: {} });
  host.setClusterParsed(snapshotParsed(snap, 'kind-ci'));
  host.setFile({
    path: 'w.yaml',
    content: [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: pod-off, namespace: ci, labels: {tier: "off"}}',
      'spec: {containers: [{name: c}]}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: pod-on, namespace: ci, labels: {tier: "on"}}',
      'spec: {containers: [{name: c}]}',
    ].join('\n'),
  });
  const covered = host.analyze().model.pdbs[0]?.workloads.map((w) => w.object.name);
  assert.deepEqual(covered, ['pod-on']);
});
