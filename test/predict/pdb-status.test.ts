// The disruption controller's status of a PDB without one (R-K.4), in the simulator: currentHealthy from Ready pods
// not being deleted and not listed in status.disruptedPods; expectedPods from the controllers' scale for
// maxUnavailable and percentage minAvailable (the pod count for an integer minAvailable); disruptionsAllowed =
// currentHealthy - desiredHealthy, 0 when no pod is expected or a controller has no scale. Cases follow
// pkg/controller/disruption/disruption.go (getExpectedPodCount, getExpectedScale, countHealthyPods, updatePdbStatus)
// and its tests (TestReplicaSet, TestMultipleControllers, TestReplicationController, TestStatefulSetController).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { node, now, pdb, pod, podOf, snapshotOf } from './build';
import type { Obj } from './build';
import { simulate } from '../../server/src/core/predict/preempt';

const ready = (value: 'True' | 'False'): Obj => ({ conditions: [{ type: 'Ready', status: value }] });
const owned = (kind: string, name: string, apiVersion = 'apps/v1'): Obj => ({
  ownerReferences: [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }],
});
const replicaSet = (name: string, replicas: number | undefined, owner?: Obj): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(owner ?? {}) },
  spec: replicas === undefined ? {} : { replicas },
});
const workload = (kind: string, name: string, replicas: number, apiVersion = 'apps/v1'): Obj => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { replicas },
});
const app = (name: string, extra: { metadata?: Obj; status?: Obj } = {}): Obj =>
  pod(name, { node: 'n1', labels: { app: 'x' }, metadata: extra.metadata, status: extra.status });
const sel = { matchLabels: { app: 'x' } };

function allowed(objects: Obj[]): { allowed: number; source: string } {
  const snapshot = snapshotOf([node('n1'), ...objects]);
  const p = snapshot.pdbs[0];
  assert.ok(p !== undefined);
  return { allowed: p.disruptionsAllowed, source: p.source };
}

describe('R-K.4 PDB status computed as the disruption controller does', () => {
  const cases: Array<[string, Obj[], number]> = [
    [
      'minAvailable 1 over two Ready bare pods allows 1 (integer minAvailable counts pods, not scale)',
      [app('a'), app('b'), pdb('p', sel, { minAvailable: 1 })],
      1,
    ],
    [
      'a pod whose Ready condition is False is not healthy (Running is not enough)',
      [app('a'), app('b', { status: { phase: 'Running', ...ready('False') } }), pdb('p', sel, { minAvailable: 1 })],
      0,
    ],
    [
      'a pod with a Ready=True condition is healthy',
      [app('a', { status: ready('True') }), app('b', { status: ready('True') }), pdb('p', sel, { minAvailable: 1 })],
      1,
    ],
    ['a Pending pod is not healthy', [app('a'), app('b', { status: { phase: 'Pending' } }), pdb('p', sel, { minAvailable: 1 })], 0],
    [
      'a pod being deleted is not healthy',
      [app('a'), app('b', { metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } }), pdb('p', sel, { minAvailable: 1 })],
      0,
    ],
    ['a pod listed in status.disruptedPods is not healthy', [app('a'), app('b'), pdb('p', sel, { minAvailable: 1, disrupted: ['b'] })], 0],
    [
      'maxUnavailable takes expectedPods from the ReplicaSet replicas, not the pods that exist (5 expected, 1 unavailable: 4 desired, 2 healthy)',
      [
        replicaSet('rs', 5),
        app('a', { metadata: owned('ReplicaSet', 'rs') }),
        app('b', { metadata: owned('ReplicaSet', 'rs') }),
        pdb('p', sel, { maxUnavailable: 1 }),
      ],
      0,
    ],
    [
      'maxUnavailable 1 of a 2-replica ReplicaSet with both pods Ready allows 1',
      [
        replicaSet('rs', 2),
        app('a', { metadata: owned('ReplicaSet', 'rs') }),
        app('b', { metadata: owned('ReplicaSet', 'rs') }),
        pdb('p', sel, { maxUnavailable: 1 }),
      ],
      1,
    ],
    [
      'minAvailable 50% of 3 replicas rounds up to 2 desired: 3 Ready pods allow 1',
      [
        replicaSet('rs', 3),
        ...['a', 'b', 'c'].map((n) => app(n, { metadata: owned('ReplicaSet', 'rs') })),
        pdb('p', sel, { minAvailable: '50%' }),
      ],
      1,
    ],
    [
      'maxUnavailable 30% of 4 replicas rounds 1.2 up to 2: 4 Ready pods allow 2',
      [
        replicaSet('rs', 4),
        ...['a', 'b', 'c', 'd'].map((n) => app(n, { metadata: owned('ReplicaSet', 'rs') })),
        pdb('p', sel, { maxUnavailable: '30%' }),
      ],
      2,
    ],
    [
      'a ReplicaSet controlled by a Deployment counts the Deployment replicas',
      [
        workload('Deployment', 'web', 4),
        replicaSet('web-1', 2, owned('Deployment', 'web')),
        app('a', { metadata: owned('ReplicaSet', 'web-1') }),
        app('b', { metadata: owned('ReplicaSet', 'web-1') }),
        pdb('p', sel, { maxUnavailable: 1 }),
      ],
      0,
    ],
    [
      'two controllers add up (TestMultipleControllers): 2 + 1 replicas, minAvailable 100% of 3 with 3 Ready allows 0',
      [
        replicaSet('rs', 2),
        workload('StatefulSet', 'ss', 1),
        app('a', { metadata: owned('ReplicaSet', 'rs') }),
        app('b', { metadata: owned('ReplicaSet', 'rs') }),
        app('c', { metadata: owned('StatefulSet', 'ss') }),
        pdb('p', sel, { minAvailable: '100%' }),
      ],
      0,
    ],
    [
      'a ReplicationController counts (core group)',
      [
        workload('ReplicationController', 'rc', 2, 'v1'),
        app('a', { metadata: owned('ReplicationController', 'rc', 'v1') }),
        app('b', { metadata: owned('ReplicationController', 'rc', 'v1') }),
        pdb('p', sel, { maxUnavailable: 1 }),
      ],
      1,
    ],
    [
      'a DaemonSet has no scale subresource: maxUnavailable fails safe to 0',
      [
        app('a', { metadata: owned('DaemonSet', 'ds') }),
        app('b', { metadata: owned('DaemonSet', 'ds') }),
        pdb('p', sel, { maxUnavailable: 1 }),
      ],
      0,
    ],
    [
      'a DaemonSet with an integer minAvailable needs no scale',
      [
        app('a', { metadata: owned('DaemonSet', 'ds') }),
        app('b', { metadata: owned('DaemonSet', 'ds') }),
        pdb('p', sel, { minAvailable: 1 }),
      ],
      1,
    ],
    [
      'a controller absent from the input fails safe to 0 (found no controllers for pod)',
      [
        app('a', { metadata: owned('ReplicaSet', 'gone') }),
        app('b', { metadata: owned('ReplicaSet', 'gone') }),
        pdb('p', sel, { maxUnavailable: 1 }),
      ],
      0,
    ],
    ['bare pods are unmanaged: maxUnavailable expects 0 pods and allows 0', [app('a'), app('b'), pdb('p', sel, { maxUnavailable: 1 })], 0],
    ['neither minAvailable nor maxUnavailable: no pod expected, 0 allowed', [app('a'), app('b'), pdb('p', sel)], 0],
    ['a status.disruptionsAllowed read back is kept', [app('a'), app('b'), pdb('p', sel, { minAvailable: 2, allowed: 3 })], 3],
  ];
  for (const [name, objects, expected] of cases)
    test(name, () => {
      const got = allowed(objects);
      assert.equal(got.allowed, expected, got.source);
    });

  test('the source says how the number was computed', () => {
    const got = allowed([replicaSet('rs', 5), app('a', { metadata: owned('ReplicaSet', 'rs') }), pdb('p', sel, { maxUnavailable: 1 })]);
    assert.match(got.source, /maxUnavailable 1 of 5 expected pod\(s\) keeps 4 healthy/);
    assert.match(got.source, /1 selected pod\(s\), 1 healthy/);
    assert.match(
      allowed([app('a', { metadata: owned('DaemonSet', 'ds') }), pdb('p', sel, { maxUnavailable: 1 })]).source,
      /daemonsets\.apps does not implement the scale subresource/,
    );
  });

  test('a victim listed in status.disruptedPods consumes no disruption, so the other victim does not violate (R-E.7)', () => {
    const snapshot = snapshotOf([
      node('n1', { cpu: '3' }),
      pod('a', { node: 'n1', cpu: '1', priority: 1, labels: { app: 'x' } }),
      pod('b', { node: 'n1', cpu: '1', priority: 1, labels: { app: 'x' } }),
      pod('c', { node: 'n1', cpu: '1', priority: 1, labels: { app: 'x' } }),
      pdb('p', sel, { allowed: 1, disrupted: ['a'] }),
      pod('hi', { cpu: '3', priority: 100 }),
    ]);
    const result = simulate(snapshot, podOf(snapshot, 'default/hi'), { now });
    // Without the rule, a would consume the one disruption and both b and c would violate.
    assert.deepEqual(
      result.candidates.map((c) => ({ node: c.node, victims: c.victims.map((v) => v.id).sort(), pdbViolations: c.pdbViolations })),
      [{ node: 'n1', victims: ['default/a', 'default/b', 'default/c'], pdbViolations: 1 }],
    );
  });
});
