import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  eventRecordFromObject,
  parseFile,
  podRecordFromObject,
  renderDiagnoseMarkdown,
  renderDiagnoseText,
} from '../../server/src/core/index';
import { classifyPod } from '../../server/src/core/diagnose/classify';
import { buildDiagnoseReport } from './golden-record';
import type { ApiObject, EventRecord, PodRecord } from '../../server/src/core/index';
import type { DiagnoseInput } from '../../server/src/core/diagnose/report/types';
import {
  ciDefault,
  ciWorkspace,
  evaluationClass,
  failedJob,
  jobFailedEvent,
  jobPod,
  ns,
  preemptedEvent,
  preemptorPod,
  preemptorUid,
  victimPod,
  victimUid,
} from './fixtures';

const pod = (o: ApiObject): PodRecord => podRecordFromObject(o)!;
const ev = (o: ApiObject): EventRecord => eventRecordFromObject(o)!;

function ciInput(over: Partial<DiagnoseInput> = {}): DiagnoseInput {
  return {
    target: { namespace: ns, name: 'test-shard-0-x7k2p' },
    pods: [
      { ...pod(victimPod), deletedAt: '2026-11-20T10:05:01Z' },
      { ...pod(preemptorPod), deletedAt: '2026-11-20T10:30:00Z' },
    ],
    events: [ev(preemptedEvent), ev(jobFailedEvent)],
    priorityClasses: [ciDefault, evaluationClass],
    jobs: [failedJob],
    workspace: [parseFile({ path: 'ci/jobs.yaml', content: ciWorkspace })],
    ...over,
  };
}

test('CI story: preemptor UID resolved to the evaluation pod, globalDefault class, backoffLimit 0 failed the Job', () => {
  const r = buildDiagnoseReport(ciInput());
  assert.equal(r.found, true);
  assert.equal(r.happened.kind, 'preempted-by-scheduler');
  assert.equal(r.happened.node, 'node-a');
  assert.equal(r.happened.disruptionReason, 'PreemptionByScheduler');
  assert.equal(r.preemptor?.resolved, true);
  assert.equal(r.preemptor?.via, 'uid-cache');
  assert.equal(r.preemptor?.name, 'evaluation-q9z8w');
  assert.equal(r.preemptor?.uid, preemptorUid);
  assert.equal(r.preemptor?.priority, 1000);
  assert.equal(r.preemptor?.priorityClassName, 'evaluation');
  assert.equal(r.preemptor?.owner, 'Job/evaluation');
  assert.equal(r.preemptor?.priorityGap, 900);
  assert.equal(r.pod?.uid, victimUid);
  assert.equal(r.pod?.priorityClassName, 'ci-default');
  assert.equal(r.pod?.classIsGlobalDefault, true);
  assert.equal(r.pod?.fromGlobalDefault, true);
  assert.equal(r.pod?.owner, 'Job/test-shard-0');
  assert.equal(r.job?.backoffLimit, 0);
  assert.equal(r.job?.failure?.reason, 'BackoffLimitExceeded');
  assert.equal(r.job?.podFailurePolicy, 'none');
  assert.equal(r.job?.counted, true);
  assert.match(r.job?.summary ?? '', /backoffLimit: 0 turned one preemption into a failed Job/);
  const ids = r.fixes.map((f) => f.id);
  assert.deepEqual(ids, [
    'explicit-priority-class',
    'raise-priority-class',
    'preemptor-preemption-policy-never',
    'job-pod-failure-policy',
    'job-backoff-limit',
    'capacity',
  ]);
  // Fixes linked to workspace lines: the Job (no priorityClassName → its template spec line), backoffLimit line, the class.
  const byId = new Map(r.fixes.map((f) => [f.id, f]));
  assert.equal(byId.get('job-pod-failure-policy')?.manifest?.line, 5, 'backoffLimit line (0-based)');
  assert.equal(byId.get('raise-priority-class')?.manifest?.file, 'ci/jobs.yaml');
  assert.equal(byId.get('raise-priority-class')?.manifest?.line, 7, 'deepest existing key: template.spec');
  assert.equal(byId.get('preemptor-preemption-policy-never')?.manifest?.line, 16, 'PriorityClass name line');
  const text = renderDiagnoseText(r);
  assert.match(text, /Preemptor: ci\/evaluation-q9z8w \(UID 29a25210/);
  assert.match(text, /globalDefault class ci-default \(100\)/);
  assert.match(text, /Priority 1000 \(evaluation\) vs victim 100 \(ci-default\): gap 900/);
  assert.match(text, /ci\/jobs.yaml:6\)/);
  const md = renderDiagnoseMarkdown(r);
  assert.match(md, /^# Diagnosis of pod `ci\/test-shard-0-x7k2p`/);
  assert.match(md, /## Who preempted it/);
  assert.match(md, /evaluation-q9z8w/);
  assert.match(md, /```yaml\n {2}podFailurePolicy:/);
  assert.match(md, /## Who preempted it\n\n- Preemptor: ci\/evaluation-q9z8w \(UID 29a25210/);
});

test('preemptor gone before it was seen: unknown with the UID', () => {
  const r = buildDiagnoseReport(ciInput({ pods: [pod(victimPod)] }));
  assert.equal(r.preemptor?.resolved, false);
  assert.equal(r.preemptor?.uid, preemptorUid);
  assert.match(renderDiagnoseText(r), /unknown \(gone before seen\), UID 29a25210/);
});

test('preemptor named by the event related object when the UID cache misses', () => {
  const withRelated = { ...preemptedEvent, related: { kind: 'Pod', name: 'evaluation-q9z8w', namespace: ns, uid: preemptorUid } };
  const r = buildDiagnoseReport(ciInput({ pods: [pod(victimPod)], events: [ev(withRelated)] }));
  assert.equal(r.preemptor?.resolved, true);
  assert.equal(r.preemptor?.via, 'event-related');
  assert.equal(r.preemptor?.name, 'evaluation-q9z8w');
});

test('older event text names the preemptor by namespace/name', () => {
  const old = { ...preemptedEvent, note: 'Preempted by ci/evaluation-q9z8w on node node-a' };
  const r = buildDiagnoseReport(ciInput({ events: [ev(old)] }));
  assert.equal(r.preemptor?.name, 'evaluation-q9z8w');
  assert.equal(r.preemptor?.priority, 1000);
});

test('Job with podFailurePolicy ignoring DisruptionTarget: not counted, no policy fix', () => {
  const job = {
    ...failedJob,
    spec: {
      backoffLimit: 0,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      template: { spec: { priorityClassName: 'ci-default' } },
    },
    status: { failed: 0 },
  };
  const r = buildDiagnoseReport(ciInput({ jobs: [job], events: [ev(preemptedEvent)] }));
  assert.equal(r.job?.podFailurePolicy, 'ignores-disruptions');
  assert.equal(r.job?.counted, false);
  assert.equal(r.pod?.fromGlobalDefault, false);
  assert.ok(!r.fixes.some((f) => f.id === 'job-pod-failure-policy' || f.id === 'explicit-priority-class'));
});

interface Case {
  name: string;
  pod: ApiObject;
  events?: ApiObject[];
  jobFailed?: string;
  kind: string;
  check?: (c: ReturnType<typeof classifyPod>) => void;
}

const base = (status: ApiObject, extra?: ApiObject) =>
  jobPod('p-1', 'aaaaaaaa-0000-0000-0000-000000000001', 'j', {
    priority: 0,
    priorityClassName: 'ci-default',
    node: 'node-b',
    status,
    ...(extra !== undefined ? { extra } : {}),
  });
const podEvent = (reason: string, message: string, host?: string): ApiObject => ({
  metadata: { uid: `e-${reason}`, namespace: ns },
  reason,
  message,
  involvedObject: { kind: 'Pod', name: 'p-1', namespace: ns, uid: 'aaaaaaaa-0000-0000-0000-000000000001' },
  lastTimestamp: '2026-11-20T11:00:00Z',
  ...(host !== undefined ? { source: { component: 'kubelet', host } } : {}),
});

const cases: Case[] = [
  {
    name: 'kubelet memory eviction (status + condition)',
    pod: base({
      phase: 'Failed',
      reason: 'Evicted',
      message:
        'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container main was using 2Gi, request is 1Gi, has larger consumption of memory. ',
      conditions: [
        { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: 'The node was low on resource: memory. ' },
      ],
    }),
    kind: 'evicted-by-kubelet',
    check: (c) => {
      assert.equal(c.eviction?.resource, 'memory');
      assert.equal(c.eviction?.containers[0]?.usage, '2Gi');
    },
  },
  {
    name: 'kubelet disk eviction from the event only',
    pod: base({ phase: 'Failed' }),
    events: [podEvent('Evicted', 'The node was low on resource: ephemeral-storage. ', 'node-b')],
    kind: 'evicted-by-kubelet',
    check: (c) => assert.equal(c.eviction?.nodeCondition, 'DiskPressure'),
  },
  {
    name: 'kubelet critical-pod preemption',
    pod: base({ phase: 'Failed', reason: 'Preempting', message: 'Preempted in order to admit critical pod' }),
    kind: 'preempted-by-kubelet',
  },
  {
    name: 'Eviction API',
    pod: base(
      {
        phase: 'Running',
        conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }],
      },
      { deletionTimestamp: '2026-11-20T11:00:00Z' },
    ),
    kind: 'eviction-api',
  },
  {
    name: 'taint manager',
    pod: base({
      phase: 'Running',
      conditions: [
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
        },
      ],
    }),
    kind: 'taint-manager',
  },
  {
    name: 'taint manager event only',
    pod: base({ phase: 'Running' }, { deletionTimestamp: '2026-11-20T11:00:00Z' }),
    events: [podEvent('TaintManagerEviction', 'Marking for deletion Pod ci/p-1')],
    kind: 'taint-manager',
  },
  {
    name: 'PodGC',
    pod: base({
      phase: 'Failed',
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }],
    }),
    kind: 'pod-gc',
  },
  {
    name: 'OOMKilled',
    pod: base({
      phase: 'Failed',
      containerStatuses: [
        { name: 'main', state: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-20T11:00:00Z' } } },
      ],
    }),
    kind: 'oom-killed',
    check: (c) => assert.deepEqual(c.oom, { container: 'main', exitCode: 137 }),
  },
  {
    name: 'Job backoff exhausted, cause unknown',
    pod: base({ phase: 'Failed' }),
    jobFailed: 'BackoffLimitExceeded',
    kind: 'job-backoff-exhausted',
  },
  {
    name: 'pending unschedulable',
    pod: base({ phase: 'Pending' }),
    events: [
      podEvent(
        'FailedScheduling',
        '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      ),
    ],
    kind: 'pending-unschedulable',
  },
  { name: 'healthy', pod: base({ phase: 'Running' }), kind: 'no-disruption-seen' },
  {
    name: 'scheduler preemption with only the condition',
    pod: base({
      phase: 'Running',
      conditions: [
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'PreemptionByKubeScheduler',
          message: 'Kube-scheduler: preempting to accommodate a higher priority pod: ci/big',
        },
      ],
    }),
    kind: 'preempted-by-scheduler',
    check: (c) => assert.deepEqual(c.preemption?.preemptorRef, { namespace: 'ci', name: 'big' }),
  },
];

for (const c of cases) {
  test(`classify: ${c.name}`, () => {
    const record = pod(c.pod);
    const events = (c.events ?? []).map(ev);
    const got = classifyPod(record, events, c.jobFailed);
    assert.equal(got.kind, c.kind);
    assert.ok(got.title.length > 0);
    c.check?.(got);
    // The full report builds and renders for every case.
    const r = buildDiagnoseReport({
      target: { namespace: ns, name: 'p-1' },
      pods: [record],
      events,
      priorityClasses: [ciDefault],
      jobs:
        c.jobFailed === undefined
          ? []
          : [
              {
                metadata: { name: 'j', namespace: ns },
                spec: { backoffLimit: 2 },
                status: { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: c.jobFailed }] },
              },
            ],
    });
    assert.equal(r.happened.kind, c.kind);
    assert.ok(renderDiagnoseMarkdown(r).length > 0 && renderDiagnoseText(r).length > 0);
  });
}

test('eviction report: node pressure, ranking, PDB (ignored by the kubelet), fixes', () => {
  const p = base({
    phase: 'Failed',
    reason: 'Evicted',
    message:
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container main was using 2Gi, request is 1Gi, has larger consumption of memory. ',
  });
  const node = {
    metadata: { name: 'node-b' },
    status: {
      allocatable: { cpu: '4', memory: '8Gi' },
      conditions: [
        { type: 'MemoryPressure', status: 'True' },
        { type: 'DiskPressure', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
  };
  const pdb = {
    metadata: { name: 'j-pdb', namespace: ns },
    spec: { selector: { matchLabels: { 'job-name': 'j' } } },
    status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
  };
  const emptyPdb = { metadata: { name: 'nothing', namespace: ns }, spec: { selector: {} }, status: { disruptionsAllowed: 0 } };
  const r = buildDiagnoseReport({
    target: { namespace: ns, name: 'p-1' },
    pods: [pod(p)],
    events: [],
    nodes: [node],
    pdbs: [pdb, emptyPdb],
    priorityClasses: [ciDefault],
  });
  assert.equal(r.eviction?.node?.name, 'node-b');
  assert.deepEqual(r.eviction?.node?.pressure, ['MemoryPressure']);
  assert.deepEqual(
    r.pdbs.map((x) => x.name),
    ['j-pdb'],
  );
  assert.match(r.pdbs[0]?.note ?? '', /ignores PDBs/);
  assert.deepEqual(
    r.fixes.map((f) => f.id),
    ['guaranteed-requests', 'raise-priority-class', 'job-pod-failure-policy', 'capacity'],
  );
});

test('not found: report says so', () => {
  const r = buildDiagnoseReport({ target: { namespace: 'x', name: 'y' }, pods: [], events: [] });
  assert.equal(r.found, false);
  assert.equal(r.happened.kind, 'unknown');
  assert.match(renderDiagnoseText(r), /not found/);
});

test('Markdown escapes cluster strings', () => {
  const evil = { ...preemptedEvent, note: `Preempted by pod ${preemptorUid} on node <img src=x>` };
  const md = renderDiagnoseMarkdown(buildDiagnoseReport(ciInput({ events: [ev(evil)] })));
  assert.ok(!md.includes('<img'), md);
});

test('why this victim: the same preemptor’s other victims and the lower-priority pods it spared on the node', () => {
  const second = jobPod('test-shard-1-abcde', '22222222-2222-3333-4444-555555555555', 'test-shard-1', {
    priority: 100,
    priorityClassName: 'ci-default',
    node: 'node-b',
  });
  const spared = jobPod('logger-0', '33333333-2222-3333-4444-555555555555', 'logger', {
    priority: 50,
    priorityClassName: 'low',
    node: 'node-a',
  });
  const later = {
    ...jobPod('late-0', '44444444-2222-3333-4444-555555555555', 'late', { priority: 10, priorityClassName: 'low', node: 'node-a' }),
    metadata: { name: 'late-0', namespace: ns, uid: '44444444-2222-3333-4444-555555555555', creationTimestamp: '2026-11-20T11:00:00Z' },
  };
  const secondEvent = {
    ...preemptedEvent,
    metadata: { ...(preemptedEvent['metadata'] as object), uid: 'ev-9' },
    note: `Preempted by pod ${preemptorUid} on node node-b`,
    regarding: { kind: 'Pod', name: 'test-shard-1-abcde', namespace: ns, uid: '22222222-2222-3333-4444-555555555555' },
  };
  const input = ciInput();
  const r = buildDiagnoseReport({
    ...input,
    pods: [...input.pods, pod(second), pod(spared), pod(later)],
    events: [...input.events, ev(secondEvent)],
  });
  assert.deepEqual(r.otherVictims, [{ namespace: ns, name: 'test-shard-1-abcde', priority: 100, node: 'node-b' }]);
  assert.deepEqual(r.spared, [{ namespace: ns, name: 'logger-0', priority: 50 }], 'late-0 was created after the preemption');
  assert.match(renderDiagnoseText(r), /spared .*ci\/logger-0 \(50\)/);
  assert.match(renderDiagnoseText(r), /also preempted: ci\/test-shard-1-abcde on node-b/);
  // Plain words: what the user reads says "spared" and "seen", not the scheduler's or the extension's internal terms.
  const md = renderDiagnoseMarkdown(r);
  assert.match(md, /lower-priority pods it did not need to remove stayed/);
  assert.doesNotMatch(md, /reprieved|UID cache|\bcache\b|\brank\b|\btier\b/i);
});
