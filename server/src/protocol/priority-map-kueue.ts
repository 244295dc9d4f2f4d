// The Priority Map's second ladder (issue 21): Kueue priorities, which order Workloads in their queues, beside the
// PriorityClass ladder, which orders pods for kube-scheduler (protocol/index.ts WorkloadView.kueue, PriorityMapView).

/** A job that names a Kueue queue: where it waits and its Workload's priority, next to the pods' own priority. */
export interface WorkloadKueueView {
  /** The `kueue.x-k8s.io/queue-name` label's value. */
  queueName: string;
  /** False when the label is only on the pod template: Kueue does not manage the job. */
  queued: boolean;
  /** `namespace/name` of the LocalQueue, when it exists. */
  localQueue?: string;
  clusterQueue?: string;
  /** Kueue's path of the ClusterQueue (`/cohort/cq`). */
  path?: string;
  /** The Workload's priority; absent when Kueue creates no Workload (a missing class). */
  priority?: number;
  /** How Kueue resolved it, in words: `500 (WorkloadPriorityClass ci-tests)`, `1000 (PriorityClass evaluation-high)`. */
  priorityText: string;
  /** The WorkloadPriorityClass it came from, when it came from one. */
  workloadPriorityClass?: string;
  /** Queued jobs Kueue could evict this one's Workload for. */
  preemptorCount: number;
  neverPreemptedByKueue: boolean;
}

/** A WorkloadPriorityClass: a rung of the Kueue ladder, with the queued jobs whose Workloads take its value. */
export interface WorkloadPriorityClassView {
  name: string;
  value: number;
  /** Where it is defined (a `SourceLocation` of index.ts, spelled out: index.ts re-exports this file). */
  location?: { uri: string; line: number; character: number };
  usedBy: string[];
}
