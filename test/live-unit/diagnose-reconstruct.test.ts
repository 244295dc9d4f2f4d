// Diagnose Pod of a pod the extension never saw (deleted before it started): the report is rebuilt from its events and
// its controller, each fact with its source, and what cannot be known is said in one line (core/diagnose/reconstruct.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventRecordFromObject, podRecordFromObject, renderDiagnoseMarkdown, renderDiagnoseText } from '../../server/src/core/index';
import type { ApiObject, EventRecord } from '../../server/src/core/index';
import { controllerCandidates } from '../../server/src/core/diagnose/reconstruct';
import { humanTime } from '../../server/src/core/diagnose/report/render';
import { buildDiagnoseReport } from './golden-record';
import { ciDefault, evaluationClass, failedJob, jobFailedEvent, ns, preemptedEvent, preemptorPod, victimUid } from './fixtures';

const ev = (o: ApiObject): EventRecord => eventRecordFromObject(o)!;
const victimName = 'test-shard-0-x7k2p';
const createdEvent: ApiObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'test-shard-0.0', namespace: ns, uid: 'ev-created', resourceVersion: '100' },
  involvedObject: { kind: 'Job', name: 'test-shard-0', namespace: ns, uid: `job-${victimUid}` },
  reason: 'SuccessfulCreate',
  message: `Created pod: ${victimName}`,
  type: 'Normal',
  source: { component: 'job-controller' },
  lastTimestamp: '2026-11-20T10:00:00Z',
};
// The Job's template asks for cpu and memory requests without limits: Burstable.
const job: ApiObject = {
  ...failedJob,
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { labels: { app: 'tests' } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'x', resources: { requests: { cpu: '3', memory: '1Gi' } } }],
      },
    },
  },
};

test('a preempted pod nobody recorded: priority, class and QoS from the Job template, owner from the Created pod event, gap, Job consequence, fixes', () => {
  const report = buildDiagnoseReport({
    target: { namespace: ns, name: victimName },
    pods: [podRecordFromObject(preemptorPod)!],
    events: [ev(preemptedEvent), ev(jobFailedEvent)],
    controllerEvents: [ev(createdEvent)],
    jobs: [job],
    priorityClasses: [ciDefault, evaluationClass],
    now: '2026-11-20T10:17:01Z',
  });
  assert.equal(report.found, true);
  assert.equal(report.happened.kind, 'preempted-by-scheduler');
  assert.equal(report.pod?.priority, 100);
  assert.equal(report.pod?.priorityClassName, 'ci-default');
  assert.equal(report.pod?.fromGlobalDefault, true);
  assert.equal(report.pod?.qosClass, 'Burstable');
  assert.equal(report.pod?.owner, 'Job/test-shard-0');
  assert.equal(report.pod?.deleted, true);
  assert.equal(report.preemptor?.priorityGap, 900);
  assert.equal(report.headline, 'Preempted by ci/evaluation-q9z8w (priority 1000 vs 100)');
  assert.equal(report.job?.failure?.reason, 'BackoffLimitExceeded');
  assert.ok(report.fixes.some((f) => f.id === 'explicit-priority-class'));
  assert.ok(report.fixes.some((f) => f.id === 'job-pod-failure-policy'));
  const sources = Object.fromEntries((report.reconstructed?.facts ?? []).map((f) => [f.fact, f.source]));
  assert.match(sources['owner'] ?? '', /the Job's own event "Created pod: test-shard-0-x7k2p"/);
  assert.match(sources['priority'] ?? '', /the Job's pod template \(ci\/test-shard-0\): it sets no priorityClassName/);
  assert.match(sources['node'] ?? '', /the Preempted event/);
  const text = renderDiagnoseText(report);
  assert.match(text, /^Diagnosis of pod ci\/test-shard-0-x7k2p\nPreempted by ci\/evaluation-q9z8w \(priority 1000 vs 100\)\n/);
  assert.match(text, /Where the facts come from:\n {2}Kube Priority Lens never saw this pod/);
  assert.match(text, /When: \d\d:\d\d:\d\d, 12 min ago on node/);
  assert.match(renderDiagnoseMarkdown(report), /\*\*Preempted by ci\/evaluation-q9z8w \(priority 1000 vs 100\)\*\*/);
});

test('the owner from a sibling pod, else from the name only when that controller exists', () => {
  const sibling = podRecordFromObject({
    ...preemptorPod,
    metadata: {
      name: 'test-shard-0-abcde',
      namespace: ns,
      uid: 'sib',
      labels: { 'job-name': 'test-shard-0' },
      ownerReferences: [{ kind: 'Job', name: 'test-shard-0', uid: 'j', controller: true }],
    },
  })!;
  const c = controllerCandidates({ namespace: ns, name: victimName }, [], [sibling]);
  assert.deepEqual(
    c.map((x) => [x.kind, x.name, x.guessed]),
    [
      ['Job', 'test-shard-0', false],
      ['ReplicaSet', 'test-shard-0', true],
    ],
  );
  assert.match(c[0]?.source ?? '', /job-name label of sibling pod ci\/test-shard-0-abcde/);
  // No event, no sibling, no such controller: nothing is made up.
  const none = buildDiagnoseReport({ target: { namespace: ns, name: 'gone-a1b2c' }, pods: [], events: [] });
  assert.equal(none.found, false);
  assert.equal(none.pod, undefined);
  assert.match(renderDiagnoseText(none), /deleted before the extension started and its events expired/);
});

test('events expired: the Job found by the name gives the priority; the one line says how it ended is unknown', () => {
  const report = buildDiagnoseReport({
    target: { namespace: ns, name: victimName },
    pods: [],
    events: [],
    jobs: [job],
    priorityClasses: [ciDefault, evaluationClass],
  });
  assert.equal(report.pod?.priority, 100);
  assert.match(report.reconstructed?.facts.find((f) => f.fact === 'owner')?.source ?? '', /the pod's name/);
  assert.match(report.reconstructed?.unknown.join('\n') ?? '', /its events expired/);
  assert.equal(report.job?.failure?.reason, 'BackoffLimitExceeded');
});

test('human times: local clock and how long ago; the date when it is another day', () => {
  const at = new Date(2026, 10, 20, 17, 28, 24).toISOString();
  assert.equal(humanTime(at, new Date(2026, 10, 20, 17, 40, 30).toISOString()), '17:28:24, 12 min ago');
  assert.equal(humanTime(at, new Date(2026, 10, 21, 9, 0, 0).toISOString()), '2026-11-20 17:28:24, 15 h 31 min ago');
  assert.equal(humanTime('not a time', at), 'not a time');
});
