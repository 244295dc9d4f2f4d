// Who may preempt whom through Kueue (R-Q.3), statically: the cohort forest and, for a preemptor and a candidate
// Workload, the classical preemption paths Kueue could take (pkg/scheduler/preemption: findCandidates,
// classical.classifyPreemptionVariant, common.SatisfiesPreemptionPolicy) with the `Preempted` condition reason each
// gives. Whether a path is taken depends on live usage (who is admitted, who borrows): each path says its condition.
// Given that live usage (a snapshot of the admitted Workloads), kueuePreemptionTargets says which ones Kueue evicts.
import type { ClusterQueue, Cohort, KueuePreemptionPolicy } from './kueue-objects';
import { available, borrowingWith, fitsInQuota, KueueQuotaSnapshot, parentsToRoot, withinNominal } from './kueue-snapshot';
import type { QuotaNode } from './kueue-snapshot';

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

/** One admitted Workload in the live snapshot (what Kueue's scheduler cache holds for it). */
export interface KueueAdmittedWorkload {
  /** `namespace/name`, also the last tie-breaker when no UID is given. */
  key: string;
  uid?: string;
  clusterQueue: string;
  /** Effective priority (spec.priority plus any boost). */
  priority: number;
  /** Quota reserved, per `flavor/resource` (status.admission podSetAssignments' resourceUsage), milli-units. */
  usage: ReadonlyMap<string, number>;
  /** QuotaReserved=True lastTransitionTime, ms since the epoch (CandidatesOrdering: more recent first). */
  quotaReservedAt: number;
  /** The queue-order timestamp (creation, or the last PodsReadyTimeout/AdmissionCheck eviction), ms. */
  queuedAt: number;
  /** Already `Evicted=True` (ordered first). */
  evicted?: boolean;
}

/** The Workload that does not fit: its ClusterQueue, priority, queue-order time and requests per `flavor/resource`. */
export interface KueueIncomingWorkload {
  key: string;
  clusterQueue: string;
  priority: number;
  requests: ReadonlyMap<string, number>;
  queuedAt: number;
}

export interface KueuePreemptionTarget {
  workload: KueueAdmittedWorkload;
  reason: KueuePreemptionReason;
}

type Variant = 'WithinCQ' | 'HierarchicalReclaim' | 'ReclaimWithoutBorrowing' | 'ReclaimWhileBorrowing';
const variantReason: Record<Variant, KueuePreemptionReason> = {
  WithinCQ: 'InClusterQueue',
  HierarchicalReclaim: 'InCohortReclamation',
  ReclaimWithoutBorrowing: 'InCohortReclamation',
  ReclaimWhileBorrowing: 'InCohortReclaimWhileBorrowing',
};
interface Candidate {
  workload: KueueAdmittedWorkload;
  node: QuotaNode;
  /** The lowest common cohort with the preemptor's ClusterQueue (undefined: the same ClusterQueue). */
  lca: QuotaNode | undefined;
  variant: Variant;
}

/**
 * kueuePreemptionTargets: the Workloads Kueue's classical preemption evicts for `incoming` (fair sharing off), with
 * the reason each gets, or [] when preemption cannot make it fit. A port of pkg/scheduler/preemption
 * classicalPreemptions: candidates from the preemptor's ClusterQueue (withinClusterQueue) and from borrowing queues of
 * its cohort tree (reclaimWithinCohort; hierarchical advantage first, classical.collectCandidatesForHierarchicalReclaim),
 * each list in common.CandidatesOrdering, evicted first; removed one by one while the queue still borrows until the
 * incoming Workload fits, then fillBackWorkloads re-adds them from the second-to-last back while it still fits: a
 * minimal set. `needPreemption` is the flavor assigner's set of `flavor/resource` in Preempt mode; by default those
 * whose request exceeds what the ClusterQueue has available. Topology-aware scheduling and AdmissionFairSharing are not
 * modelled.
 */
export function kueuePreemptionTargets(
  incoming: KueueIncomingWorkload,
  admitted: readonly KueueAdmittedWorkload[],
  clusterQueues: readonly ClusterQueue[],
  cohorts: readonly Cohort[],
  needPreemption?: ReadonlySet<string>,
): KueuePreemptionTarget[] {
  const snapshot = new KueueQuotaSnapshot(clusterQueues, cohorts);
  const queue = snapshot.queues.get(incoming.clusterQueue);
  const cq = clusterQueues.find((q) => q.name === incoming.clusterQueue);
  if (queue === undefined || cq === undefined) return [];
  const byQueue = new Map<QuotaNode, KueueAdmittedWorkload[]>();
  for (const w of admitted) {
    const n = snapshot.queues.get(w.clusterQueue);
    if (n === undefined) continue;
    snapshot.addUsage(n, w.usage);
    byQueue.set(n, [...(byQueue.get(n) ?? []), w]);
  }
  const frs = needPreemption ?? new Set([...incoming.requests].filter(([fr, v]) => v > available(queue, fr)).map(([fr]) => fr));
  const preemption = cq.preemption;
  const classify = (w: KueueAdmittedWorkload, hierarchical: boolean): Variant | undefined => {
    if (![...w.usage.keys()].some((fr) => frs.has(fr))) return undefined;
    const same = w.clusterQueue === cq.name;
    const policy = same ? preemption.withinClusterQueue : preemption.reclaimWithinCohort;
    const ok = satisfiesPreemptionPolicy(policy, incoming.priority, w.priority);
    if (ok === 'no' || (ok === 'if-queued-first' && !(incoming.queuedAt < w.queuedAt))) return undefined;
    if (same) return 'WithinCQ';
    if (hierarchical) return 'HierarchicalReclaim';
    const borrow = preemption.borrowWithinCohort;
    if (borrow.policy === 'Never') return 'ReclaimWithoutBorrowing';
    const aboveThreshold =
      w.priority >= incoming.priority || (borrow.maxPriorityThreshold !== undefined && w.priority > borrow.maxPriorityThreshold);
    return aboveThreshold ? 'ReclaimWithoutBorrowing' : 'ReclaimWhileBorrowing';
  };
  const fromQueue = (n: QuotaNode, lca: QuotaNode | undefined, hierarchical: boolean, out: Candidate[]) => {
    for (const w of byQueue.get(n) ?? []) {
      const variant = classify(w, hierarchical);
      if (variant !== undefined) out.push({ workload: w, node: n, lca, variant });
    }
  };
  const sameQueue: Candidate[] = [];
  if (preemption.withinClusterQueue !== 'Never') fromQueue(queue, undefined, false, sameQueue);
  const hierarchy: Candidate[] = [];
  const byPriority: Candidate[] = [];
  if (queue.parent !== undefined && preemption.reclaimWithinCohort !== 'Never') {
    // collectCandidatesForHierarchicalReclaim / collectCandidatesInSubtree
    const inSubtree = (current: QuotaNode, root: QuotaNode, skip: QuotaNode | undefined, h: boolean, out: Candidate[]) => {
      for (const child of current.childCohorts) {
        if (child === skip || withinNominal(child, frs)) continue;
        inSubtree(child, root, skip, h, out);
      }
      for (const child of current.childQueues) if (child !== queue && !withinNominal(child, frs)) fromQueue(child, root, h, out);
    };
    let { fits: advantage, remaining } = fitsInQuota(queue, incoming.requests);
    let previous: QuotaNode | undefined;
    for (const root of parentsToRoot(queue)) {
      inSubtree(root, root, previous, advantage, advantage ? hierarchy : byPriority);
      const r = fitsInQuota(root, remaining);
      remaining = r.remaining;
      advantage = advantage || r.fits;
      previous = root;
    }
  }
  const order = (a: Candidate, b: Candidate): number =>
    Number(b.workload.evicted === true) - Number(a.workload.evicted === true) ||
    Number(a.workload.clusterQueue === cq.name) - Number(b.workload.clusterQueue === cq.name) ||
    a.workload.priority - b.workload.priority ||
    b.workload.quotaReservedAt - a.workload.quotaReservedAt ||
    compareText(a.workload.uid ?? a.workload.key, b.workload.uid ?? b.workload.key);
  const lists = [hierarchy, byPriority, sameQueue].map((l) => l.sort(order));
  const all = [
    ...lists.map((l) => l.filter((c) => c.workload.evicted === true)).flat(),
    ...lists.map((l) => l.filter((c) => c.workload.evicted !== true)).flat(),
  ];

  const fits = (borrowing: boolean): boolean =>
    [...incoming.requests].every(([fr, v]) => (borrowing || !borrowingWith(queue, fr, v)) && v <= available(queue, fr));
  const valid = (c: Candidate, borrowing: boolean): boolean => {
    if (c.workload.clusterQueue === cq.name) return true;
    if (borrowing && c.variant === 'ReclaimWithoutBorrowing') return false;
    if (withinNominal(c.node, frs)) return false;
    for (const n of parentsToRoot(c.node)) {
      if (n === c.lca) break;
      if (withinNominal(n, frs)) return false;
    }
    return true;
  };
  const forbidden = preemption.borrowWithinCohort.policy === 'Never';
  const underNominal = [...frs].every((fr) => (queue.quotas.get(fr)?.nominal ?? 0) > (queue.usage.get(fr) ?? 0));
  const attempts =
    (hierarchy.length === 0 && byPriority.length === 0) || (forbidden && !underNominal)
      ? [true]
      : forbidden && hierarchy.length === 0
        ? [false, true]
        : [true, false];
  for (const borrowing of attempts) {
    const targets: Candidate[] = [];
    for (const c of all) {
      if (!valid(c, borrowing)) continue;
      snapshot.removeUsage(c.node, c.workload.usage);
      targets.push(c);
      if (!fits(borrowing)) continue;
      // fillBackWorkloads: from the second-to-last back, keep out only those the incoming Workload still needs gone.
      for (let i = targets.length - 2; i >= 0; i--) {
        const t = targets[i];
        snapshot.addUsage(t.node, t.workload.usage);
        if (fits(borrowing)) {
          targets[i] = targets[targets.length - 1];
          targets.pop();
        } else snapshot.removeUsage(t.node, t.workload.usage);
      }
      return targets.map((t) => ({ workload: t.workload, reason: variantReason[t.variant] }));
    }
    for (const t of targets) snapshot.addUsage(t.node, t.workload.usage);
  }
  return [];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
