// Issue 7, "for evictions the node's pressure and the kubelet ranking": node conditions + rankEviction on the UID cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDiagnoseMarkdown, rankNodeForEviction } from '../../server/src/core/index';
import { buildDiagnoseReport } from './golden-record';
import type { ApiObject, EventRecord, PodRecord } from '../../server/src/core/index';

const node: ApiObject = {
  metadata: { name: 'node-b' },
  status: {
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [
      { type: 'Ready', status: 'True' },
      {
        type: 'MemoryPressure',
        status: 'True',
        reason: 'KubeletHasInsufficientMemory',
        message: 'kubelet has insufficient memory available',
      },
    ],
  },
};
const rec = (
  name: string,
  priority: number,
  qosClass: PodRecord['qosClass'],
  requests: Record<string, string> | undefined,
  o: Partial<PodRecord> = {},
): PodRecord => ({
  uid: `uid-${name}`,
  name,
  namespace: 'web',
  priority,
  qosClass,
  owners: [],
  node: 'node-b',
  phase: 'Running',
  startTime: '2026-11-20T09:00:00Z',
  ...(requests !== undefined ? { requests } : {}),
  ...o,
});
const pods = [
  rec('guaranteed', 0, 'Guaranteed', { cpu: '1', memory: '1Gi' }),
  rec('burstable-high', 1000, 'Burstable', { memory: '512Mi' }),
  rec('burstable-low', 10, 'Burstable', { memory: '512Mi' }),
  rec('besteffort', 500, 'BestEffort', undefined),
  rec('critical', 2000001000, 'Burstable', { memory: '100Mi' }),
  rec('gone', 0, 'BestEffort', undefined, { deletedAt: '2026-11-20T10:00:00Z' }),
  rec('elsewhere', 0, 'BestEffort', undefined, { node: 'node-c' }),
];

test('without PodMetrics: pods that can exceed their memory request first, then priority; critical pods exempt; conditions listed', () => {
  const r = rankNodeForEviction({ node: 'node-b', pods, nodes: [node] });
  assert.equal(r.signal, 'memory.available', 'signal from the MemoryPressure condition');
  assert.deepEqual(r.pressure, ['MemoryPressure']);
  assert.equal(r.usageSource, 'none');
  // burstable-* and besteffort can use more than they request (tier 1, by priority); Guaranteed cannot (tier 2).
  assert.deepEqual(
    r.next.map((p) => p.name),
    ['burstable-low', 'besteffort', 'burstable-high', 'guaranteed'],
  );
  assert.deepEqual(
    r.exempt.map((p) => p.name),
    ['critical'],
  );
  assert.ok(r.conditions.some((c) => c.type === 'MemoryPressure' && c.status === 'True'));
});

test('with PodMetrics: usage above request first, then priority, then usage above request', () => {
  const metric = (name: string, memory: string): ApiObject => ({
    metadata: { name, namespace: 'web' },
    containers: [{ name: 'recorded', usage: { memory, cpu: '10m' } }],
  });
  const r = rankNodeForEviction({
    node: 'node-b',
    signal: 'memory.available',
    pods,
    nodes: [node],
    podMetrics: [
      metric('guaranteed', '900Mi'),
      metric('burstable-high', '1Gi'),
      metric('burstable-low', '100Mi'),
      metric('besteffort', '50Mi'),
      metric('critical', '1Gi'),
    ],
  });
  assert.equal(r.usageSource, 'podmetrics');
  // Over request: besteffort (50Mi > 0), burstable-high (1Gi > 512Mi), by priority; then the others by priority.
  assert.deepEqual(
    r.next.map((p) => p.name),
    ['besteffort', 'burstable-high', 'guaranteed', 'burstable-low'],
  );
  assert.equal(r.next[0]?.exceeds, true);
  assert.equal(r.next[2]?.exceeds, false);
});

test('Diagnose report of a kubelet eviction: node conditions and the predicted next eviction victims', () => {
  const victim = rec('evicted', 0, 'BestEffort', undefined, {
    phase: 'Failed',
    reason: 'Evicted',
    message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi. ',
    deletedAt: undefined,
  });
  const ev: EventRecord = {
    uid: 'e1',
    reason: 'Evicted',
    note: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi. ',
    time: '2026-11-20T10:00:00Z',
    host: 'node-b',
    reportingController: 'kubelet',
    regarding: { kind: 'Pod', namespace: 'web', name: 'evicted', uid: victim.uid },
  };
  const r = buildDiagnoseReport({ target: { namespace: 'web', name: 'evicted' }, pods: [...pods, victim], events: [ev], nodes: [node] });
  assert.equal(r.happened.kind, 'evicted-by-kubelet');
  assert.deepEqual(
    r.eviction?.nextVictims?.next.map((p) => p.name),
    ['burstable-low', 'besteffort', 'burstable-high', 'guaranteed'],
  );
  const md = renderDiagnoseMarkdown(r);
  assert.match(md, /Node node-b conditions: Ready=True, MemoryPressure=True \(KubeletHasInsufficientMemory\)/);
  assert.match(md, /Predicted next eviction victims on node-b for `memory\.available`/);
  assert.match(md, /No PodMetrics/);
});
