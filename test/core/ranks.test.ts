// Who can preempt whom (R-E.1, R-E.4), preemption ranks, the explain view, and kubelet eviction tiers (R-F.4, R-F.6).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explain } from '../../server/src/core/index';
import type { AnalyzedWorkload } from '../../server/src/core/index';
import { analyze, workload, yaml } from '../helpers/analyze';

const cls = (name: string, value: number, extra: string[] = []): string =>
  yaml('---', 'apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', `metadata: {name: ${name}}`, `value: ${value}`, ...extra);
const pod = (name: string, spec: string[] = [], meta: string[] = [], resources = '{}'): string =>
  yaml(
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    ...meta.map((m) => `  ${m}`),
    'spec:',
    ...spec.map((s) => `  ${s}`),
    '  containers:',
    `    - {name: app, image: app, resources: ${resources}}`,
  );

const ladder =
  cls('low', 10) +
  cls('mid', 100) +
  cls('high', 1000) +
  cls('polite', 5000, ['preemptionPolicy: Never']) +
  pod('a-low', ['priorityClassName: low']) +
  pod('b-low', ['priorityClassName: low']) +
  pod('c-mid', ['priorityClassName: mid']) +
  pod('d-high', ['priorityClassName: high']) +
  pod('e-polite', ['priorityClassName: polite']) +
  pod('f-rejected', ['priorityClassName: nope']);

const ids = (ws: readonly AnalyzedWorkload[]): string[] => ws.map((w) => w.object.name).sort();

describe('preemptors, victims and ranks', () => {
  const { model } = analyze(ladder);
  test('R-E.4: preemptors have strictly higher priority; R-E.1: preemptionPolicy Never never preempts', () => {
    assert.deepEqual(ids(model.preemptorsOf(workload(model, 'a-low'))), ['c-mid', 'd-high']);
    assert.deepEqual(ids(model.preemptorsOf(workload(model, 'd-high'))), []);
  });
  test("equal priority never preempts: the two low pods do not appear in each other's lists", () => {
    assert.deepEqual(ids(model.victimsOf(workload(model, 'a-low'))), []);
    assert.ok(!ids(model.preemptorsOf(workload(model, 'b-low'))).includes('a-low'));
  });
  test('victims are the strictly lower-priority pods of a preempting workload', () => {
    assert.deepEqual(ids(model.victimsOf(workload(model, 'd-high'))), ['a-low', 'b-low', 'c-mid']);
  });
  test('a workload with preemptionPolicy Never has no victims, but can itself be preempted by higher ones', () => {
    assert.deepEqual(ids(model.victimsOf(workload(model, 'e-polite'))), []);
  });
  test('a pod rejected at admission neither preempts nor is preempted, and is left out of the ranking', () => {
    const rejected = workload(model, 'f-rejected');
    assert.equal(rejected.priority.admission.allowed, false);
    assert.ok(!ids(model.victimsOf(workload(model, 'd-high'))).includes('f-rejected'));
    assert.deepEqual(model.preemptionRank(rejected), { position: 0, of: 0 });
  });
  test('ranks count from the bottom, equal priorities share a position', () => {
    assert.deepEqual(
      ['a-low', 'b-low', 'c-mid', 'd-high', 'e-polite'].map((n) => model.preemptionRank(workload(model, n))),
      [
        { position: 1, of: 5 },
        { position: 1, of: 5 },
        { position: 3, of: 5 },
        { position: 4, of: 5 },
        { position: 5, of: 5 },
      ],
    );
  });
  test('preemptorCount agrees with preemptorsOf for every workload', () => {
    for (const w of model.byPriority) assert.equal(model.preemptorCount(w), model.preemptorsOf(w).length, w.object.name);
  });
  test('explain lists preemptibleBy and canPreempt sorted by id, and the class ladder highest first with users', () => {
    const e = explain(model);
    const low = e.workloads.find((w) => w.name === 'a-low');
    assert.deepEqual(low?.preemptibleBy, ['Pod/default/c-mid', 'Pod/default/d-high']);
    assert.deepEqual(e.workloads.find((w) => w.name === 'd-high')?.canPreempt, [
      'Pod/default/a-low',
      'Pod/default/b-low',
      'Pod/default/c-mid',
    ]);
    assert.deepEqual(
      e.priorityClasses.map((c) => [c.name, c.value]),
      [
        ['system-node-critical', 2000001000],
        ['system-cluster-critical', 2000000000],
        ['polite', 5000],
        ['high', 1000],
        ['mid', 100],
        ['low', 10],
      ],
    );
    assert.deepEqual(e.priorityClasses.find((c) => c.name === 'low')?.usedBy, ['Pod/default/a-low', 'Pod/default/b-low']);
  });
});

describe('eviction tiers (R-F.4 ranking keys, R-F.6 exemptions)', () => {
  const cases: Array<[string, string, 1 | 2 | 3, RegExp]> = [
    ['a pod without a memory request can exceed it: tier 1', pod('p'), 1, /no memory request/],
    [
      'a memory limit above the request: tier 1',
      pod('p', [], [], '{requests: {memory: 1Gi}, limits: {memory: 2Gi}}'),
      1,
      /memory limit above its request/,
    ],
    ['a memory request without a limit: tier 1', pod('p', [], [], '{requests: {memory: 1Gi}}'), 1, /memory limit unset/],
    ['memory limit equal to request: tier 2 (QoS itself is not a key)', pod('p', [], [], '{limits: {memory: 1Gi}}'), 2, /cannot exceed/],
    [
      'system-cluster-critical (priority 2000000000) is never evicted: tier 3',
      pod('p', ['priorityClassName: system-cluster-critical']),
      3,
      /at least 2000000000/,
    ],
    ['a user class at 1000000000 is not exempt', cls('top', 1_000_000_000) + pod('p', ['priorityClassName: top']), 1, /no memory request/],
    [
      'a static pod (config.source file) is never evicted: tier 3',
      pod('p', [], ['annotations: {kubernetes.io/config.source: file}']),
      3,
      /static or mirror/,
    ],
    [
      'a pod with config.source api is a regular pod',
      pod('p', [], ['annotations: {kubernetes.io/config.source: api}']),
      1,
      /no memory request/,
    ],
    ['a mirror pod is never evicted: tier 3', pod('p', [], ['annotations: {kubernetes.io/config.mirror: abc}']), 3, /static or mirror/],
    [
      'an unbounded sidecar makes the pod tier 1',
      pod('p', ['initContainers: [{name: s, image: s, restartPolicy: Always}]'], [], '{limits: {memory: 1Gi}}'),
      1,
      /container s has no memory request/,
    ],
    [
      'a regular init container does not decide the tier',
      pod('p', ['initContainers: [{name: i, image: i}]'], [], '{limits: {memory: 1Gi}}'),
      2,
      /cannot exceed/,
    ],
    [
      'pod-level memory limit equal to request: tier 2',
      pod('p', ['resources: {limits: {memory: 1Gi}}']),
      2,
      /pod-level memory limit equals/,
    ],
    [
      'pod-level memory request without limit: tier 1',
      pod('p', ['resources: {requests: {memory: 1Gi}}'], [], '{limits: {memory: 1Gi}}'),
      1,
      /pod-level memory limit above the request/,
    ],
  ];
  for (const [name, text, tier, reason] of cases) {
    test(name, () => {
      const t = workload(analyze(text).model, 'p').evictionTier;
      assert.equal(t.tier, tier, t.reason);
      assert.match(t.reason, reason);
    });
  }
});
