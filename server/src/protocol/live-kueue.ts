// What a Kueue row of the live view adds (protocol/index.ts LiveEventRow.kueue).

/** A Kueue row's Workload (`ns/name`), Kueue's reason (InClusterQueue, …, or the Evicted reason: PodsReadyTimeout, …) in
 *  words, the queue paths of Kueue's message, and its source: Kueue's event or the Workload's conditions. */
export interface LiveKueueInfo {
  workload: string;
  reason: string;
  reasonText: string;
  preemptorPath?: string;
  preempteePath?: string;
  source: 'event' | 'workload-condition';
  /** Admitted again since (the condition reads "Previously: …"). */
  readmitted?: boolean;
}
