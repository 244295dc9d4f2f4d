// Who may preempt whom through Kueue (R-Q.3), statically: the cohort forest and, for a preemptor and a candidate
// Workload, the classical preemption paths Kueue could take (pkg/scheduler/preemption: findCandidates,
// classical.classifyPreemptionVariant, common.SatisfiesPreemptionPolicy) with the `Preempted` condition reason each
// gives. Whether a path is taken depends on live usage (who is admitted, who borrows): each path says its condition.
import type { ClusterQueue, Cohort, KueuePreemptionPolicy } from './kueue-objects';

export type KueuePreemptionReason = 'InClusterQueue' | 'InCohortReclamation' | 'InCohortReclaimWhileBorrowing';

/** The `<H>` of Kueue's preemption message for each reason (workload.HumanReadablePreemptionReasons). */
export const kueuePreemptionReasonText: Readonly<Record<KueuePreemptionReason | 'InCohortFairSharing', string>> = {
  InClusterQueue: 'prioritization in the ClusterQueue',
  InCohortReclamation: 'reclamation within the cohort',
  InCohortReclaimWhileBorrowing: 'reclamation within the cohort while borrowing',
  InCohortFairSharing: 'Fair Sharing within the cohort',
};

export interface KueuePreemptionPath {
  reason: KueuePreemptionReason;
  /** The preemptor ClusterQueue's field that allows it, as written in the manifest (`withinClusterQueue: LowerPriority`). */
  policy: string;
  /** When Kueue takes this path: what must hold in the live cluster. */
  condition: string;
  /** True when only equal priorities and queue order allow it (LowerOrNewerEqualPriority). */
  onlyIfQueuedFirst: boolean;
}

/** One Workload as Kueue's preemption sees it: its effective priority and the ClusterQueue its LocalQueue points at. */
export interface QueuedWorkload {
  name: string;
  priority: number;
  clusterQueue: ClusterQueue;
}

/**
 * CohortForest: cohorts are named by ClusterQueues (`cohortName`) and may be objects with a `parentName` (hierarchical
 * cohorts); a name without a Cohort object is an implicit root. Candidates for reclamation come from the whole tree
 * under the root of the preemptor's cohort (`cq.Parent().Root().SubtreeClusterQueues()`).
 */
export class CohortForest {
  private readonly parents = new Map<string, string>();

  constructor(cohorts: readonly Cohort[]) {
    for (const c of cohorts) {
      const parent = c.parentName?.value;
      if (parent !== undefined && parent !== '') this.parents.set(c.name, parent);
    }
  }

  /** The path from the root to `cohort` (`['root', 'mid', 'cohort']`); a cycle stops at the first repeat. */
  pathOf(cohort: string): string[] {
    const path = [cohort];
    const seen = new Set(path);
    for (let p = this.parents.get(cohort); p !== undefined && !seen.has(p); p = this.parents.get(p)) {
      path.unshift(p);
      seen.add(p);
    }
    return path;
  }

  /** The root cohort of a ClusterQueue, or undefined when it is in no cohort. */
  rootOf(cq: ClusterQueue): string | undefined {
    const cohort = cq.cohort?.value;
    return cohort === undefined || cohort === '' ? undefined : this.pathOf(cohort)[0];
  }

  /** Kueue's path of a ClusterQueue as its preemption messages print it (`/co/cq-x`, `/cq-a`: buildCQPath). */
  queuePath(cq: ClusterQueue): string {
    const cohort = cq.cohort?.value;
    const cohorts = cohort === undefined || cohort === '' ? [] : this.pathOf(cohort);
    return `/${[...cohorts, cq.name].join('/')}`;
  }

  /** Whether two ClusterQueues share a cohort tree, so that one may reclaim quota the other borrows. */
  shareTree(a: ClusterQueue, b: ClusterQueue): boolean {
    const root = this.rootOf(a);
    return root !== undefined && root === this.rootOf(b);
  }
}

/**
 * satisfiesPreemptionPolicy (common.SatisfiesPreemptionPolicy): 'yes', 'no', or 'if-queued-first' for equal priorities
 * under LowerOrNewerEqualPriority (the candidate must be newer in queue order: its creation, or its last
 * PodsReadyTimeout/AdmissionCheck eviction).
 */
export function satisfiesPreemptionPolicy(
  policy: KueuePreemptionPolicy,
  preemptor: number,
  candidate: number,
): 'yes' | 'no' | 'if-queued-first' {
  if (policy === 'Never') return 'no';
  if (policy === 'Any') return 'yes';
  if (preemptor > candidate) return 'yes';
  if (policy === 'LowerOrNewerEqualPriority' && preemptor === candidate) return 'if-queued-first';
  return 'no';
}

/**
 * kueuePreemptionPaths: the ways `preemptor` could evict `candidate` in classical preemption (no fair sharing). Empty
 * when Kueue never would. Both must be known to the same Kueue; the candidate must also use a flavor and resource the
 * preemptor needs (WorkloadUsesResources), which only the live assignment decides.
 */
export function kueuePreemptionPaths(preemptor: QueuedWorkload, candidate: QueuedWorkload, forest: CohortForest): KueuePreemptionPath[] {
  const cq = preemptor.clusterQueue;
  const preemption = cq.preemption;
  if (candidate.clusterQueue.name === cq.name) {
    const policy = preemption.withinClusterQueue;
    const ok = satisfiesPreemptionPolicy(policy, preemptor.priority, candidate.priority);
    if (ok === 'no') return [];
    return [
      {
        reason: 'InClusterQueue',
        policy: `withinClusterQueue: ${policy}`,
        condition:
          `when ${preemptor.name} does not fit in the quota ClusterQueue ${cq.name} has left` +
          (ok === 'if-queued-first' ? ` and ${candidate.name} is newer in the queue (equal priorities)` : ''),
        onlyIfQueuedFirst: ok === 'if-queued-first',
      },
    ];
  }
  // Reclamation: only within the preemptor's cohort tree, only from ClusterQueues above their nominal quota.
  if (!forest.shareTree(cq, candidate.clusterQueue)) return [];
  const policy = preemption.reclaimWithinCohort;
  const ok = satisfiesPreemptionPolicy(policy, preemptor.priority, candidate.priority);
  if (ok === 'no') return [];
  const other = candidate.clusterQueue.name;
  const paths: KueuePreemptionPath[] = [
    {
      reason: 'InCohortReclamation',
      policy: `reclaimWithinCohort: ${policy}`,
      condition:
        `while ClusterQueue ${other} uses more than its nominal quota (borrows) and ${preemptor.name} fits within the ` +
        `nominal quota of ClusterQueue ${cq.name}` +
        (policy === 'Any' ? ', whatever the priorities' : ''),
      onlyIfQueuedFirst: false,
    },
  ];
  // ReclaimWhileBorrowing: the preemptor itself must borrow; only lower priorities at or under the threshold.
  const borrow = preemption.borrowWithinCohort;
  if (
    borrow.policy === 'LowerPriority' &&
    candidate.priority < preemptor.priority &&
    (borrow.maxPriorityThreshold === undefined || candidate.priority <= borrow.maxPriorityThreshold)
  ) {
    paths.push({
      reason: 'InCohortReclaimWhileBorrowing',
      policy:
        `borrowWithinCohort: LowerPriority` +
        (borrow.maxPriorityThreshold === undefined ? '' : ` (maxPriorityThreshold ${borrow.maxPriorityThreshold})`),
      condition: `while ClusterQueue ${other} borrows, even when ${preemptor.name} must borrow too`,
      onlyIfQueuedFirst: false,
    });
  }
  return paths;
}

/**
 * reclaimersOf: the ClusterQueues whose Workloads may reclaim quota `cq` borrows (same cohort tree, reclaimWithinCohort
 * not Never), with the policy each uses. A ClusterQueue with nominal quota 0 borrows everything it uses.
 */
export function reclaimersOf(
  cq: ClusterQueue,
  all: readonly ClusterQueue[],
  forest: CohortForest,
): Array<{ clusterQueue: ClusterQueue; policy: KueuePreemptionPolicy }> {
  return all
    .filter((other) => other.name !== cq.name && forest.shareTree(other, cq) && other.preemption.reclaimWithinCohort !== 'Never')
    .map((other) => ({ clusterQueue: other, policy: other.preemption.reclaimWithinCohort }))
    .sort((a, b) => a.clusterQueue.name.localeCompare(b.clusterQueue.name));
}

/**
 * neverPreemptedByKueue: no Workload of `cq` can be evicted by Kueue's classical preemption: its own withinClusterQueue
 * is Never and no ClusterQueue of its cohort tree reclaims. (Fair sharing, when Kueue's configuration enables it,
 * preempts by share instead and is not covered.)
 */
export function neverPreemptedByKueue(cq: ClusterQueue, all: readonly ClusterQueue[], forest: CohortForest): boolean {
  return cq.preemption.withinClusterQueue === 'Never' && reclaimersOf(cq, all, forest).length === 0;
}
