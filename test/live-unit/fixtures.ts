// Hand-written API objects (as the API server returns them) for the live/diagnose unit tests.
import type { ApiObject } from '../../server/src/core/index';

export const ns = 'ci';
export const victimUid = '11111111-2222-3333-4444-555555555555';
export const preemptorUid = '29a25210-aaaa-bbbb-cccc-0123456789ab';

export const ciDefault: ApiObject = {
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name: 'ci-default' },
  value: 100,
  globalDefault: true,
  preemptionPolicy: 'PreemptLowerPriority',
};
export const evaluationClass: ApiObject = {
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name: 'evaluation' },
  value: 1000,
  preemptionPolicy: 'PreemptLowerPriority',
};

export function jobPod(
  name: string,
  uid: string,
  job: string,
  o: { priority: number; priorityClassName: string; node: string; extra?: ApiObject; status?: ApiObject },
): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid,
      resourceVersion: '100',
      creationTimestamp: '2026-11-20T10:00:00Z',
      labels: { 'batch.kubernetes.io/job-name': job, 'job-name': job },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job, uid: `job-${uid}`, controller: true }],
      ...(o.extra ?? {}),
    },
    spec: {
      nodeName: o.node,
      priority: o.priority,
      priorityClassName: o.priorityClassName,
      preemptionPolicy: 'PreemptLowerPriority',
      schedulerName: 'default-scheduler',
      containers: [{ name: 'main', image: 'x', resources: { requests: { cpu: '3', memory: '1Gi' } } }],
    },
    status: { phase: 'Running', qosClass: 'Burstable', startTime: '2026-11-20T10:00:01Z', ...(o.status ?? {}) },
  };
}

/** The test pod after preemption (as last seen before deletion). */
export const victimPod = jobPod('test-shard-0-x7k2p', victimUid, 'test-shard-0', {
  priority: 100,
  priorityClassName: 'ci-default',
  node: 'node-a',
  extra: { deletionTimestamp: '2026-11-20T10:05:00Z' },
  status: {
    phase: 'Failed',
    conditions: [
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: 'default-scheduler: preempting to accommodate a higher priority pod',
        lastTransitionTime: '2026-11-20T10:05:00Z',
      },
      { type: 'Ready', status: 'False' },
    ],
  },
});

export const preemptorPod = jobPod('evaluation-q9z8w', preemptorUid, 'evaluation', {
  priority: 1000,
  priorityClassName: 'evaluation',
  node: 'node-a',
});

export const preemptedEvent: ApiObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: {
    name: 'test-shard-0-x7k2p.187a',
    namespace: ns,
    uid: 'ev-1',
    resourceVersion: '200',
    creationTimestamp: '2026-11-20T10:05:00Z',
  },
  eventTime: '2026-11-20T10:05:00.123456Z',
  reason: 'Preempted',
  action: 'Preempting',
  type: 'Normal',
  note: `Preempted by pod ${preemptorUid} on node node-a`,
  reportingController: 'default-scheduler',
  regarding: { apiVersion: 'v1', kind: 'Pod', name: 'test-shard-0-x7k2p', namespace: ns, uid: victimUid },
};

export const failedJob: ApiObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'test-shard-0', namespace: ns, uid: `job-${victimUid}` },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'x' }] } } },
  status: {
    failed: 1,
    conditions: [
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
    ],
  },
};

export const jobFailedEvent: ApiObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'test-shard-0.1', namespace: ns, uid: 'ev-2', resourceVersion: '210' },
  involvedObject: { kind: 'Job', name: 'test-shard-0', namespace: ns, uid: `job-${victimUid}` },
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
  type: 'Warning',
  source: { component: 'job-controller' },
  firstTimestamp: '2026-11-20T10:05:01Z',
  lastTimestamp: '2026-11-20T10:05:01Z',
  count: 1,
};

export const ciWorkspace = `apiVersion: batch/v1
kind: Job
metadata:
  name: test-shard-0
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: registry.invalid/ci/tests:1
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: evaluation
value: 1000
`;
