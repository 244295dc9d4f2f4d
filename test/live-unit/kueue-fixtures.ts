// Kueue objects and events as a real Kueue v0.19.2 writes them (../shared/kueue-notes.md §3, scenario 1 of
// test/real-cluster/kueue): a wpc-high Job preempts a wpc-low Job in ClusterQueue s1-cq (InClusterQueue).
import type { ApiObject } from '../../server/src/core/index';

export const kns = 'kq-s1';
export const lowJobUid = 'a1a1a1a1-0000-4000-8000-000000000001';
export const highJobUid = 'b2b2b2b2-0000-4000-8000-000000000002';
export const lowWlUid = 'c3c3c3c3-0000-4000-8000-000000000003';
export const highWlUid = 'd4d4d4d4-0000-4000-8000-000000000004';

/** Kueue's preemptionMessage (v0.15+), the condition text. */
export const preemptionMessage = `Preempted to accommodate a workload (UID: ${highWlUid}, JobUID: ${highJobUid}) due to prioritization in the ClusterQueue; preemptor path: /s1-cq; preemptee path: /s1-cq`;
/** The victim Workload's `Preempted` event (v0.17+ adds the priorities). */
export const preemptedEventNote = `${preemptionMessage}; preemptor effective priority: 1000 (base: 1000, boost: 0); preemptee effective priority: 100 (base: 100, boost: 0)`;

export function workload(
  name: string,
  uid: string,
  job: string,
  jobUid: string,
  o: { priority: number; wpc: string; conditions?: ApiObject[]; evictions?: ApiObject[]; apiVersion?: 'v1beta1' | 'v1beta2' },
): ApiObject {
  const v1 = o.apiVersion === 'v1beta1';
  return {
    apiVersion: `kueue.x-k8s.io/${o.apiVersion ?? 'v1beta2'}`,
    kind: 'Workload',
    metadata: {
      name,
      namespace: kns,
      uid,
      resourceVersion: '7',
      creationTimestamp: '2026-12-07T09:00:00Z',
      labels: { 'kueue.x-k8s.io/job-uid': jobUid },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job, uid: jobUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      queueName: 'lq',
      priority: o.priority,
      ...(v1
        ? { priorityClassName: o.wpc, priorityClassSource: 'kueue.x-k8s.io/workloadpriorityclass' }
        : { priorityClassRef: { group: 'kueue.x-k8s.io', kind: 'WorkloadPriorityClass', name: o.wpc } }),
      podSets: [{ name: 'main', count: 1 }],
    },
    status: {
      conditions: o.conditions ?? [],
      ...(o.evictions !== undefined ? { schedulingStats: { evictions: o.evictions } } : {}),
    },
  };
}

/** The victim right after the preemption (conditions as observed on v0.19.2). */
export const evictedLow = workload('job-low-5d7a2', lowWlUid, 'low', lowJobUid, {
  priority: 100,
  wpc: 'wpc-low',
  conditions: [
    { type: 'Evicted', status: 'True', reason: 'Preempted', message: preemptionMessage, lastTransitionTime: '2026-12-07T09:01:00Z' },
    { type: 'Preempted', status: 'True', reason: 'InClusterQueue', message: preemptionMessage, lastTransitionTime: '2026-12-07T09:01:00Z' },
    { type: 'Requeued', status: 'True', reason: 'Preempted', message: preemptionMessage, lastTransitionTime: '2026-12-07T09:01:00Z' },
    {
      type: 'QuotaReserved',
      status: 'False',
      reason: 'Pending',
      message: "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default-flavor, 4 more needed",
      lastTransitionTime: '2026-12-07T09:01:00Z',
    },
    {
      type: 'Admitted',
      status: 'False',
      reason: 'NoReservation',
      message: 'The workload has no reservation',
      lastTransitionTime: '2026-12-07T09:01:00Z',
    },
  ],
  evictions: [{ reason: 'Preempted', underlyingCause: '', count: 1 }],
});

/** The same victim after re-admission: the conditions flipped to False with "Previously: <M>". */
export const readmittedLow = workload('job-low-5d7a2', lowWlUid, 'low', lowJobUid, {
  priority: 100,
  wpc: 'wpc-low',
  conditions: [
    {
      type: 'Evicted',
      status: 'False',
      reason: 'Preempted',
      message: `Previously: ${preemptionMessage}`,
      lastTransitionTime: '2026-12-07T09:20:00Z',
    },
    {
      type: 'Preempted',
      status: 'False',
      reason: 'InClusterQueue',
      message: `Previously: ${preemptionMessage}`,
      lastTransitionTime: '2026-12-07T09:20:00Z',
    },
    {
      type: 'QuotaReserved',
      status: 'True',
      reason: 'QuotaReserved',
      message: 'Quota reserved in ClusterQueue s1-cq',
      lastTransitionTime: '2026-12-07T09:20:00Z',
    },
    {
      type: 'Admitted',
      status: 'True',
      reason: 'Admitted',
      message: 'The workload is admitted',
      lastTransitionTime: '2026-12-07T09:20:00Z',
    },
  ],
  evictions: [{ reason: 'Preempted', underlyingCause: '', count: 1 }],
});

export const admittedHigh = workload('job-high-8c1f4', highWlUid, 'high', highJobUid, {
  priority: 1000,
  wpc: 'wpc-high',
  conditions: [
    {
      type: 'Admitted',
      status: 'True',
      reason: 'Admitted',
      message: 'The workload is admitted',
      lastTransitionTime: '2026-12-07T09:01:01Z',
    },
  ],
});

/** Kueue's Preempted event on the victim Workload (core/v1 shape, component kueue-admission). */
export const kueuePreemptedEvent: ApiObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'job-low-5d7a2.1871', namespace: kns, uid: 'kev-1', resourceVersion: '900', creationTimestamp: '2026-12-07T09:01:00Z' },
  involvedObject: { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'Workload', namespace: kns, name: 'job-low-5d7a2', uid: lowWlUid },
  reason: 'Preempted',
  message: preemptedEventNote,
  type: 'Normal',
  source: { component: 'kueue-admission' },
  firstTimestamp: '2026-12-07T09:01:00Z',
  lastTimestamp: '2026-12-07T09:01:00Z',
  count: 1,
};

export const podsReadyTimeoutWorkload = workload(
  'job-slow-1a2b3',
  'e5e5e5e5-0000-4000-8000-000000000005',
  'slow',
  'f6f6f6f6-0000-4000-8000-000000000006',
  {
    priority: 0,
    wpc: 'wpc-low',
    conditions: [
      {
        type: 'Evicted',
        status: 'True',
        reason: 'PodsReadyTimeout',
        message: `Exceeded the PodsReady timeout ${kns}/job-slow-1a2b3`,
        lastTransitionTime: '2026-12-07T09:40:00Z',
      },
      {
        type: 'Requeued',
        status: 'False',
        reason: 'PodsReadyTimeout',
        message: `Exceeded the PodsReady timeout ${kns}/job-slow-1a2b3`,
        lastTransitionTime: '2026-12-07T09:40:00Z',
      },
    ],
    evictions: [{ reason: 'PodsReadyTimeout', count: 1 }],
  },
);

export const lowJob: ApiObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: 'low',
    namespace: kns,
    uid: lowJobUid,
    labels: { 'kueue.x-k8s.io/queue-name': 'lq', 'kueue.x-k8s.io/priority-class': 'wpc-low' },
  },
  spec: { suspend: true, backoffLimit: 0, template: { spec: { containers: [{ name: 'main', image: 'x' }] } } },
  status: {},
};
