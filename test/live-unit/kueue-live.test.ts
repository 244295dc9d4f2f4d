// Kueue on the live side (issue 21): Workload records, their evictions as records, the Kueue rows (apart from pod
// preemptions), and Diagnose of a Kueue-managed Job's pod and of the Job, also after the fact. Real Kueue v0.19.2 texts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFilters, EMPTY_FILTERS, index, rowToMarkdown } from '../../media/src/live-events-model';
import { EventStore } from '../../server/src/cluster/event-store';
import { WorkloadCache } from '../../server/src/cluster/kueue-live';
import { dedupeKueueRows } from '../../server/src/cluster/kueue-rows';
import { liveEventRow } from '../../server/src/cluster/rows';
import type { PodLookup } from '../../server/src/cluster/rows';
import {
  buildDiagnoseReport,
  buildKueueJobReport,
  eventRecordFromObject,
  podRecordFromObject,
  renderDiagnoseMarkdown,
  renderDiagnoseText,
  workloadEvictionRecord,
  workloadRecordFromObject,
} from '../../server/src/core/index';
import type { EventRecord, PodRecord, WorkloadRecord } from '../../server/src/core/index';
import { jobPod, preemptedEvent, preemptorPod, victimPod } from './fixtures';
import {
  admittedHigh,
  evictedLow,
  highJobUid,
  kns,
  kueuePreemptedEvent,
  lowJob,
  lowJobUid,
  lowWlUid,
  podsReadyTimeoutWorkload,
  preemptionMessage,
  readmittedLow,
  workload,
} from './kueue-fixtures';

const now = () => new Date('2026-12-07T09:30:00Z');
const wl = (o: Record<string, unknown>): WorkloadRecord => workloadRecordFromObject(o)!;

function lookup(pods: PodRecord[], workloads: WorkloadRecord[]): PodLookup {
  return {
    byUid: (uid) => pods.find((p) => p.uid === uid),
    byName: (ns, name) => pods.find((p) => p.namespace === ns && p.name === name),
    workloadByUid: (uid) => workloads.find((w) => w.uid === uid),
    workloadByJobUid: (uid) => workloads.find((w) => w.jobUid === uid),
  };
}

describe('Workload records', () => {
  test('v1beta2 and v1beta1 shapes give the same record', () => {
    const a = wl(evictedLow);
    assert.equal(a.jobUid, lowJobUid);
    assert.deepEqual(a.owner, { kind: 'Job', name: 'low', uid: lowJobUid });
    assert.equal(a.priority, 100);
    assert.equal(a.priorityClassName, 'wpc-low');
    assert.equal(a.priorityClassSource, 'WorkloadPriorityClass');
    assert.deepEqual(a.evictions, [{ reason: 'Preempted', count: 1 }]);
    const b = wl(workload('w', 'u', 'j', 'ju', { priority: 5, wpc: 'wpc-x', apiVersion: 'v1beta1' }));
    assert.equal(b.priorityClassName, 'wpc-x');
    assert.equal(b.priorityClassSource, 'kueue.x-k8s.io/workloadpriorityclass');
  });

  test('an eviction as a record: stable across the flip to "Previously:", none without an eviction', () => {
    const r = workloadEvictionRecord(wl(evictedLow))!;
    assert.equal(r.reason, 'Preempted');
    assert.equal(r.note, preemptionMessage);
    assert.equal(r.regarding.kind, 'Workload');
    const again = workloadEvictionRecord(wl(readmittedLow))!;
    assert.equal(again.uid, r.uid);
    assert.equal(again.resourceVersion, r.resourceVersion, 'the flip is the same preemption: a duplicate for the store');
    assert.equal(workloadEvictionRecord(wl(admittedHigh)), undefined);
    const t = workloadEvictionRecord(wl(podsReadyTimeoutWorkload))!;
    assert.equal(t.reason, 'PodsReadyTimeout');
    assert.equal(t.note, `Exceeded the PodsReady timeout ${kns}/job-slow-1a2b3`);
  });

  test('the cache is bounded in deleted Workloads and resolves by job UID', () => {
    const cache = new WorkloadCache(2, now);
    for (let i = 0; i < 5; i++) {
      const w = wl(workload(`w${i}`, `uid-${i}`, `j${i}`, `job-${i}`, { priority: i, wpc: 'p' }));
      cache.put(w);
      cache.markDeleted(w);
    }
    assert.equal(cache.size, 2);
    assert.equal(cache.byJobUid('job-4')?.name, 'w4');
    assert.equal(cache.byJobUid('job-0'), undefined);
    cache.replaceScope([wl(evictedLow)], kns);
    assert.equal(cache.byJobUid(lowJobUid)?.uid, lowWlUid);
    assert.deepEqual(
      cache.ofJob(kns, 'Job', 'low').map((w) => w.name),
      ['job-low-5d7a2'],
    );
  });
});

describe('Kueue rows', () => {
  const workloads = [wl(evictedLow), wl(admittedHigh)];

  test("Kueue's Preempted event is a Kueue preemption row: preemptor Job from the JobUID, reason, paths", () => {
    const row = liveEventRow(eventRecordFromObject(kueuePreemptedEvent)!, lookup([], workloads));
    assert.equal(row.type, 'kueue-preemption');
    assert.equal(row.reason, 'InClusterQueue');
    assert.equal(row.victim.name, 'Job/low');
    assert.equal(row.victim.priority, 100);
    assert.equal(row.victim.priorityClassName, 'wpc-low');
    assert.deepEqual(row.preemptor, {
      uid: highJobUid,
      name: 'high',
      namespace: kns,
      resolved: true,
      owner: 'Job/high',
      priorityClassName: 'wpc-high',
      priority: 1000,
    });
    assert.equal(row.priorityGap, 900);
    assert.equal(row.kueue?.preemptorPath, '/s1-cq');
    assert.equal(row.kueue?.preempteePath, '/s1-cq');
    assert.equal(row.kueue?.source, 'event');
    assert.match(row.kueue?.reasonText ?? '', /^prioritization in the ClusterQueue/);
  });

  test('the preemptor Workload gone: the job UID stays, unresolved; the priorities from the event text', () => {
    const row = liveEventRow(eventRecordFromObject(kueuePreemptedEvent)!, lookup([], []));
    assert.equal(row.victim.name, 'Workload/job-low-5d7a2');
    assert.deepEqual(row.preemptor, { uid: highJobUid, resolved: false, priority: 1000 });
    assert.equal(row.victim.priority, 100);
  });

  test('event and condition are one row (either order); pod preemption rows are untouched', () => {
    for (const conditionFirst of [true, false]) {
      const store = new EventStore(undefined, 100, now);
      const cond = workloadEvictionRecord(wl(evictedLow))!;
      if (conditionFirst) store.upsertRecord(cond);
      store.upsert(kueuePreemptedEvent);
      // The condition after Kueue's event (a later Workload update) adds nothing: the event says more.
      assert.equal(store.upsertRecord(cond), undefined);
      store.upsertRecord(workloadEvictionRecord(wl(readmittedLow))!);
      store.upsert(preemptedEvent);
      assert.equal(store.size, conditionFirst ? 3 : 2);
      const pods = [podRecordFromObject(victimPod)!, podRecordFromObject(preemptorPod)!];
      const rows = dedupeKueueRows(store.all().map((e: EventRecord) => liveEventRow(e, lookup(pods, workloads))));
      assert.deepEqual(
        rows.map((r) => r.type).sort(),
        ['kueue-preemption', 'preemption'],
        `one Kueue row and the pod preemption row (condition first: ${conditionFirst})`,
      );
      assert.equal(rows.find((r) => r.type === 'kueue-preemption')?.kueue?.source, 'event');
      const pod = rows.find((r) => r.type === 'preemption')!;
      assert.equal(pod.reason, 'Preempted');
      assert.equal(pod.preemptor?.name, 'evaluation-q9z8w');
      assert.equal(pod.kueue, undefined);
    }
  });

  test('the webview: filters, search, subject and Copy as Markdown work on Kueue rows', () => {
    const store = new EventStore(undefined, 100, now);
    store.upsert(kueuePreemptedEvent);
    store.upsert(preemptedEvent);
    const rows = store.all().map((e) => index(liveEventRow(e, lookup([], workloads))));
    const only = (f: Partial<typeof EMPTY_FILTERS>) => applyFilters(rows, { ...EMPTY_FILTERS, ...f }, Date.now()).map((r) => r.row.type);
    assert.deepEqual(only({ reason: 'InClusterQueue' }), ['kueue-preemption']);
    assert.deepEqual(only({ reason: 'Preempted' }), ['preemption'], 'the pod preemption keeps its reason');
    assert.deepEqual(only({ namespace: kns }), ['kueue-preemption']);
    assert.deepEqual(only({ cls: 'wpc-low' }), ['kueue-preemption']);
    assert.deepEqual(only({ query: '/s1-cq' }), ['kueue-preemption']);
    assert.deepEqual(only({ query: 'kueue' }), ['kueue-preemption']);
    const k = rows.find((r) => r.row.type === 'kueue-preemption')!;
    assert.equal(k.row.victim.name, 'Job/low', 'the subject and the Diagnose target are the Job (live-events-row.ts rowSubject)');
    const md = rowToMarkdown(k.row);
    assert.match(md, /^\*\*Kueue preemption: InClusterQueue\*\*/);
    assert.match(md, /- preemptor: `kq-s1\/high` \(Kueue priority 1000, class `wpc-high`, owner `Job\/high`\)/);
  });

  test('a PodsReadyTimeout eviction is a Kueue eviction row', () => {
    const w = wl(podsReadyTimeoutWorkload);
    const row = liveEventRow(workloadEvictionRecord(w)!, lookup([], [w]));
    assert.equal(row.type, 'kueue-eviction');
    assert.equal(row.reason, 'PodsReadyTimeout');
    assert.equal(row.victim.name, 'Job/slow');
    assert.equal(row.kueue?.source, 'workload-condition');
    assert.equal(row.preemptor, undefined);
  });
});

describe('Diagnose of a Kueue-managed Job', () => {
  const kueue = {
    workloads: [wl(evictedLow), wl(admittedHigh)],
    clusterQueues: [{ metadata: { name: 's1-cq' }, spec: { preemption: { withinClusterQueue: 'LowerPriority' } } }],
  };
  const events = [eventRecordFromObject(kueuePreemptedEvent)!];

  test('the Job: Kueue evicted, both priorities, InClusterQueue, consequence and fixes', () => {
    const r = buildKueueJobReport({
      target: { namespace: kns, name: 'low' },
      job: lowJob,
      pods: [],
      events,
      kueue,
      now: now().toISOString(),
    });
    assert.equal(r.happened.kind, 'evicted-by-kueue');
    assert.equal(r.kueue?.mechanism, 'kueue');
    const text = renderDiagnoseText(r);
    assert.match(
      text,
      /^Diagnosis of Job\/kq-s1\/low\nKueue evicted Workload kq-s1\/job-low-5d7a2 of Job low: preempted by kq-s1\/Job\/high \(Kueue priority 1000 vs 100, InClusterQueue\)/,
    );
    assert.match(text, /Kueue priority: 100 \(WorkloadPriorityClass wpc-low\), from Workload spec\.priority; pod priority: 0/);
    assert.match(text, /no backoffLimit retry was spent/);
    assert.match(text, /ClusterQueue s1-cq preemption: withinClusterQueue: LowerPriority/);
    assert.match(text, /source: event Preempted from kueue-admission/);
    assert.match(text, /status\.schedulingStats\.evictions\): Preempted ×1/);
    assert.deepEqual(
      r.fixes.map((f) => f.id),
      ['kueue-workload-priority-class', 'kueue-queue-preemption-policy', 'job-pod-failure-policy'],
    );
    assert.equal(r.job?.counted, false);
  });

  test('after the fact: no events, the Workload re-admitted ("Previously:"): the conditions answer, and say so', () => {
    const r = buildKueueJobReport({
      target: { namespace: kns, name: 'low' },
      job: lowJob,
      pods: [],
      events: [],
      kueue: { workloads: [wl(readmittedLow), wl(admittedHigh)] },
    });
    assert.equal(r.kueue?.mechanism, 'kueue');
    const text = renderDiagnoseText(r);
    assert.match(text, /Kueue evicted Workload/);
    assert.match(text, /InClusterQueue/);
    assert.match(
      text,
      /admitted again since \(source: Workload condition Preempted=False \(reason InClusterQueue\), "Previously:" since the re-admission\)/,
    );
    assert.match(text, /State: Admitted/);
  });

  test("the Job's pod: Kueue's eviction, or kube-scheduler's preemption when the pod says so", () => {
    const ofLow = (status: Record<string, unknown>) =>
      podRecordFromObject({
        ...jobPod('low-abcde', 'pod-low-1', 'low', { priority: 0, priorityClassName: 'ci-default', node: 'node-a', status }),
        metadata: {
          name: 'low-abcde',
          namespace: kns,
          uid: 'pod-low-1',
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'low', uid: lowJobUid, controller: true }],
        },
      })!;
    const pod = ofLow({ phase: 'Running' });
    const r = buildDiagnoseReport({ target: { namespace: kns, name: pod.name }, pods: [pod], events, jobs: [lowJob], kueue });
    assert.equal(r.kueue?.mechanism, 'kueue');
    assert.match(r.headline, /^Kueue evicted Workload kq-s1\/job-low-5d7a2/);
    const md = renderDiagnoseMarkdown(r);
    assert.match(md, /## Kueue/);
    assert.match(md, /pod priority: 0 \(PriorityClass ci-default\)/);
    assert.match(md, /Kueue priority: 100/);
    // A pod of a later run (created after the eviction, e.g. once re-admitted): the eviction was not of this pod.
    const later = { ...pod, creationTime: '2026-12-07T09:25:00Z' };
    const l = buildDiagnoseReport({ target: { namespace: kns, name: pod.name }, pods: [later], events, jobs: [lowJob], kueue });
    assert.equal(l.kueue?.mechanism, 'none');
    assert.doesNotMatch(l.headline, /Kueue evicted/);
    // The pod preempted by kube-scheduler (DisruptionTarget PreemptionByScheduler): that mechanism, backoffLimit consumed.
    const preempted = ofLow({
      phase: 'Failed',
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting' }],
    });
    const s = buildDiagnoseReport({
      target: { namespace: kns, name: preempted.name },
      pods: [preempted],
      events: [],
      jobs: [lowJob],
      kueue,
    });
    assert.equal(s.kueue?.mechanism, 'scheduler');
    assert.match(renderDiagnoseText(s), /counts toward backoffLimit unless a podFailurePolicy rule ignores DisruptionTarget/);
  });

  test('a Job without a Workload is said to be outside Kueue; cluster text is escaped in Markdown', () => {
    const r = buildKueueJobReport({ target: { namespace: kns, name: 'other' }, pods: [], events: [], kueue: { workloads: [] } });
    assert.equal(r.found, false);
    assert.match(r.headline, /no Kueue Workload is known/);
    const hostile = wl(
      workload('job-x-1', 'ux', 'x', 'jx', {
        priority: 1,
        wpc: 'wpc',
        conditions: [
          { type: 'QuotaReserved', status: 'False', reason: 'Pending', message: '<img src=x onerror=alert(1)> `code` [link](http://e)' },
        ],
      }),
    );
    const md = renderDiagnoseMarkdown(
      buildKueueJobReport({ target: { namespace: kns, name: 'x' }, pods: [], events: [], kueue: { workloads: [hostile] } }),
    );
    assert.ok(!md.includes('<img'), md);
    assert.ok(!md.includes('[link](http'), md);
  });
});
