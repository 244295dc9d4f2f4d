// Scheduler behaviours of issue 17 (R-D.6..R-D.8, R-E.12..R-E.15), each table written from upstream's own logic:
// PodRequests with overhead and resize (component-helpers resource), SetDefaults_NodeStatus, GetHostPorts and
// HostPortInfo.CheckConflict, VolumeBinding's bound-claim filter, fitsRequest's Unresolvable, and the apiserver's
// matchLabelKeys merge. The same behaviours are replayed on the real kube-scheduler by test/scenarios/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../server/src/core/index';
import { portsConflict } from '../../server/src/core/predict/predicates';
import { mergeLabelKeys } from '../../server/src/core/predict/sim-read';
import { resizedRequests } from '../../server/src/core/semantics/resources';
import { node, now, pod, podOf, snapshotOf } from './build';
import type { Obj } from './build';

const run = (objects: Obj[], id: string) => {
  const snapshot = snapshotOf(objects);
  return simulate(snapshot, podOf(snapshot, id), { now });
};

describe('R-D.6: spec.overhead is part of the scheduling request, always', () => {
  it('a pod already on the node with overhead and no container requests holds the overhead', () => {
    const r = run(
      [
        node('n1', { cpu: '1' }),
        pod('kata', { node: 'n1', priority: 10, spec: { overhead: { cpu: '600m' } }, containers: [{ name: 'c', image: 'x' }] }),
        pod('new', { cpu: '500m', priority: 10 }),
      ],
      'default/new',
    );
    assert.equal(r.outcome, 'unschedulable');
    assert.deepEqual(r.nodes[0]?.status.reasons, ['Insufficient cpu']);
  });

  it('an incoming pod whose containers request nothing still asks for its overhead', () => {
    const snapshot = snapshotOf([
      node('n1', { cpu: '1' }),
      pod('new', { priority: 10, spec: { overhead: { cpu: '250m', memory: '120Mi' } }, containers: [{ name: 'c', image: 'x' }] }),
    ]);
    const p = podOf(snapshot, 'default/new');
    assert.equal(p.requests['cpu'], 250_000 / 1000);
    assert.equal(p.kubeletRequests['cpu'], undefined, 'the kubelet eviction ranking reads no overhead');
  });
});

describe('R-D.7: in-place resize, the larger of spec, actual and allocated (determineContainerReqs)', () => {
  const cases: Array<[string, Record<string, number>, Record<string, number>, Record<string, number>, boolean, Record<string, number>]> = [
    ['scale up pending: spec larger', { cpu: 800 }, { cpu: 200 }, { cpu: 200 }, false, { cpu: 800 }],
    ['scale down in progress: actual larger', { cpu: 200 }, { cpu: 800 }, { cpu: 800 }, false, { cpu: 800 }],
    ['allocated larger than both', { cpu: 200 }, { cpu: 300 }, { cpu: 500 }, false, { cpu: 500 }],
    ['infeasible resize: spec ignored', { cpu: 900 }, { cpu: 200 }, { cpu: 200 }, true, { cpu: 200 }],
    ['resource only in status', { cpu: 100 }, { cpu: 100, memory: 64 }, {}, false, { cpu: 100, memory: 64 }],
  ];
  for (const [name, spec, actual, allocated, infeasible, want] of cases)
    it(name, () => assert.deepEqual(resizedRequests(spec, { actual, allocated }, infeasible), want));

  it('a bound pod resizing down is accounted at its actual (larger) resources', () => {
    const resizing = pod('old', {
      node: 'n1',
      priority: 100,
      cpu: '200m',
      status: { containerStatuses: [{ name: 'main', resources: { requests: { cpu: '800m' } }, allocatedResources: { cpu: '800m' } }] },
    });
    const r = run([node('n1', { cpu: '1' }), resizing, pod('new', { cpu: '500m', priority: 100 })], 'default/new');
    assert.deepEqual(r.nodes[0]?.status.reasons, ['Insufficient cpu']);
    const infeasible = pod('old', {
      node: 'n1',
      priority: 100,
      cpu: '900m',
      status: {
        conditions: [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible' }],
        containerStatuses: [{ name: 'main', resources: { requests: { cpu: '200m' } }, allocatedResources: { cpu: '200m' } }],
      },
    });
    assert.equal(run([node('n1', { cpu: '1' }), infeasible, pod('new', { cpu: '500m', priority: 100 })], 'default/new').outcome, 'fits');
  });
});

describe('R-D.8: a Node without status.allocatable has allocatable = capacity', () => {
  it('capacity only: the pod fits', () => {
    const n = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' } } };
    assert.equal(run([n, pod('new', { cpu: '1', priority: 1 })], 'default/new').outcome, 'fits');
  });
  it('an explicit empty allocatable stays empty', () => {
    const n = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: { capacity: { cpu: '2', pods: '110' }, allocatable: {} },
    };
    assert.notEqual(run([n, pod('new', { cpu: '1', priority: 1 })], 'default/new').outcome, 'fits');
  });
});

describe('R-E.12: host ports (GetHostPorts, HostPortInfo.CheckConflict)', () => {
  const hp = (hostIP: string, port = 80, protocol = 'TCP') => ({ hostIP, port, protocol });
  // From framework/types_test.go TestHostPortInfo_AddRemove / TestHostPortInfo_Check and nodeports_test.go.
  const cases: Array<[string, string, string, boolean]> = [
    ['0.0.0.0 vs 127.0.0.1', '0.0.0.0', '127.0.0.1', true],
    ['127.0.0.1 vs 0.0.0.0', '127.0.0.1', '0.0.0.0', true],
    ['empty (sanitized to 0.0.0.0) vs 10.0.0.1', '', '10.0.0.1', true],
    ['127.0.0.1 vs 127.0.0.2', '127.0.0.1', '127.0.0.2', false],
    [':: vs 127.0.0.1 (:: is not a wildcard)', '::', '127.0.0.1', false],
    [':: vs ::', '::', '::', true],
    [':: vs 0.0.0.0', '::', '0.0.0.0', true],
  ];
  for (const [name, a, b, want] of cases) it(name, () => assert.equal(portsConflict(hp(a), hp(b)), want));
  it('protocols differ: no conflict', () => assert.equal(portsConflict(hp('0.0.0.0', 80, 'TCP'), hp('0.0.0.0', 80, 'UDP')), false));

  it("a regular init container's host port is not held; a sidecar's is", () => {
    const withInit = (name: string, restartPolicy: string | undefined) =>
      pod(name, {
        node: 'n1',
        priority: 100,
        initContainers: [
          { name: 'i', image: 'x', ...(restartPolicy ? { restartPolicy } : {}), ports: [{ containerPort: 8080, hostPort: 8080 }] },
        ],
      });
    const incoming = pod('new', {
      priority: 100,
      containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080, hostPort: 8080 }] }],
    });
    assert.equal(run([node('n1'), withInit('old', undefined), incoming], 'default/new').outcome, 'fits');
    const r = run([node('n1'), withInit('old', 'Always'), incoming], 'default/new');
    assert.deepEqual(r.nodes[0]?.status.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
  });
});

describe('R-E.13: matchLabelKeys / mismatchLabelKeys merged as the apiserver does', () => {
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [], span: { start: 0, end: 0 } };
  it('keys the pod carries become In / NotIn requirements; missing keys are skipped', () => {
    const merged = mergeLabelKeys(sel, ['version', 'absent'], ['tenant'], { version: 'v2', tenant: 'a' });
    assert.deepEqual(merged?.matchExpressions, [
      { key: 'version', operator: 'In', values: ['v2'] },
      { key: 'tenant', operator: 'NotIn', values: ['a'] },
    ]);
  });
  it('a term without labelSelector is left alone', () =>
    assert.equal(mergeLabelKeys(undefined, ['version'], [], { version: 'v2' }), undefined));

  it('anti-affinity with matchLabelKeys only repels pods of the same version', () => {
    const anti = (labels: Record<string, string>) => ({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['version'], topologyKey: 'kubernetes.io/hostname' },
        ],
      },
      ...labels,
    });
    const objects = [
      node('n1'),
      pod('v1', { node: 'n1', priority: 100, labels: { app: 'web', version: 'v1' } }),
      pod('v2', { priority: 100, labels: { app: 'web', version: 'v2' }, spec: { affinity: anti({}) } }),
    ];
    assert.equal(run(objects, 'default/v2').outcome, 'fits');
  });
});

describe('R-E.14: VolumeBinding, a bound claim whose PV has node affinity', () => {
  const pv = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-a' },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      local: { path: '/mnt/a' },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] },
      },
    },
  };
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { volumeName: 'pv-a', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  const user = pod('db', { priority: 10, cpu: '100m', spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } });
  it('only the node matching the PV affinity is feasible; the others are unresolvable', () => {
    const r = run([node('n1'), node('n2'), pv, pvc, user], 'default/db');
    assert.equal(r.outcome, 'fits');
    assert.equal(r.node, 'n2');
    const n1 = r.nodes.find((v) => v.node === 'n1');
    assert.equal(n1?.status.code, 'UnschedulableAndUnresolvable');
    assert.deepEqual(n1?.status.reasons, ["node(s) didn't match PersistentVolume's node affinity"]);
  });
});

describe('R-E.15: a request larger than the node is unresolvable; so is "no victims"', () => {
  it('request > allocatable: not a preemption candidate, "Preemption is not helpful"', () => {
    const r = run(
      [node('n1', { cpu: '1' }), pod('low', { node: 'n1', priority: 1, cpu: '500m' }), pod('big', { cpu: '2', priority: 100 })],
      'default/big',
    );
    assert.equal(r.outcome, 'unschedulable');
    assert.equal(r.nodes[0]?.status.code, 'UnschedulableAndUnresolvable');
    assert.match(r.reason ?? '', /1 Preemption is not helpful for scheduling/);
  });
  it('request <= allocatable but > free: resolvable, preemption evicts', () => {
    const r = run(
      [node('n1', { cpu: '1' }), pod('low', { node: 'n1', priority: 1, cpu: '800m' }), pod('mid', { cpu: '500m', priority: 100 })],
      'default/mid',
    );
    assert.equal(r.outcome, 'preempt');
    assert.deepEqual(
      r.victims.map((v) => v.id),
      ['default/low'],
    );
  });
});
