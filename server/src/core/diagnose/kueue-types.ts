// The Kueue part of Diagnose's input and report (kueue-report.ts builds it; report/types.ts carries it).
import type { WorkloadEvictionCount, WorkloadRecord } from './kueue-workload';
import type { ApiObject } from './records';

export interface KueueDiagnoseInput {
  /** Every Workload known (live and recently deleted). */
  workloads: readonly WorkloadRecord[];
  clusterQueues?: readonly ApiObject[];
  workloadPriorityClasses?: readonly ApiObject[];
}

export interface KueueEvictionFact {
  kind: 'preemption' | 'eviction';
  /** Kueue's reason: InClusterQueue, InCohortReclamation, …, or the Evicted condition's (PodsReadyTimeout, …). */
  reason: string;
  reasonText: string;
  time?: string;
  preemptor?: {
    namespace: string;
    job?: string;
    workload?: string;
    workloadUid: string;
    jobUid: string;
    priority?: number;
    priorityClassName?: string;
  };
  preemptorPath?: string;
  preempteePath?: string;
  /** The Workload was admitted again since (the condition now reads "Previously: …"). */
  readmitted: boolean;
  /** Where the fact was read: Kueue's event, or the Workload's condition. */
  source: string;
}

export interface KueueDiagnosis {
  workload: { namespace: string; name: string; uid: string; deleted?: boolean };
  job: { kind: string; name: string; uid?: string };
  queueName?: string;
  clusterQueue?: string;
  /** Kueue priority: Workload spec.priority, and the class it came from. */
  kueuePriority: { value?: number; className?: string; classKind?: string; source: string };
  /** The Workload's current state in words (Admitted, pending with Kueue's message, Finished). */
  state: string;
  evictions: KueueEvictionFact[];
  /** status.schedulingStats.evictions: every eviction Kueue counted, also those whose texts are gone. */
  evictionCounts: WorkloadEvictionCount[];
  /** The ClusterQueue's preemption policy, when it was readable. */
  clusterQueuePolicy?: string;
}
