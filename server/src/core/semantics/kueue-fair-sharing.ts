// Kueue's fair sharing (R-Q.7): with `fairSharing` in Kueue's Configuration, preemption across a cohort follows each
// ClusterQueue's weighted share (DominantResourceShare) instead of reclaimWithinCohort/borrowWithinCohort. Which
// ClusterQueue is targeted depends on live usage; statically the weights say how shares compare for equal borrowing.
// pkg/cache/scheduler/fair_sharing.go, pkg/scheduler/preemption/fairsharing (TargetClusterQueueOrdering, strategy.go).
import { parseQuantity } from '../quantity';
import type { ClusterQueue, Cohort } from './kueue-objects';
import type { CohortForest, KueueAdmittedWorkload } from './kueue-preemption';
import { dominantResourceShare, KueueQuotaSnapshot } from './kueue-snapshot';
import type { DominantResourceShare } from './kueue-snapshot';

/** `spec.fairSharing.weight` as a number (a quantity; default 1, parseFairWeight). */
export function kueueFairSharingWeight(cq: ClusterQueue): number {
  const text = cq.fairSharingWeight?.value;
  const milli = text === undefined ? undefined : parseQuantity(text);
  return milli === undefined || milli < 0 ? 1 : milli / 1000;
}

/**
 * kueueFairSharingNote: what the weights of `cq`'s cohort tree imply, in words. Undefined outside a cohort. A share is
 * what a ClusterQueue borrows over what the cohort can lend, divided by its weight; Kueue preempts first from the
 * ClusterQueue with the highest share, and only when the preemptor's share (with its Workload) stays at or below the
 * target's after the eviction (LessThanOrEqualToFinalShare), or else below the target's before it (LessThanInitialShare).
 */
export function kueueFairSharingNote(cq: ClusterQueue, all: readonly ClusterQueue[], forest: CohortForest): string | undefined {
  const root = forest.rootOf(cq);
  if (root === undefined) return undefined;
  const tree = all.filter((q) => forest.rootOf(q) === root).sort((a, b) => a.name.localeCompare(b.name));
  const w = kueueFairSharingWeight(cq);
  const parts = [
    `With fair sharing on, Kueue preempts across cohort ${root} by weighted share, which depends on live usage: what a ClusterQueue borrows over what the cohort can lend, divided by its weight.`,
    `Weights: ${tree.map((q) => `${q.name} ${kueueFairSharingWeight(q)}`).join(', ')}.`,
  ];
  const others = tree.filter((q) => q !== cq);
  for (const o of others) {
    const ow = kueueFairSharingWeight(o);
    if (ow === w) continue;
    if (w === 0 || ow === 0) continue;
    const [heavier, lighter] = ow > w ? [o, cq] : [cq, o];
    const ratio = Math.max(ow, w) / Math.min(ow, w);
    parts.push(
      `For equal borrowing ${heavier.name}'s share is ${formatRatio(1 / ratio)} of ${lighter.name}'s, so ${lighter.name}'s Workloads are preempted first; ${heavier.name} may borrow ${formatRatio(ratio)} as much before its share is as high.`,
    );
  }
  for (const q of tree)
    if (kueueFairSharingWeight(q) === 0)
      parts.push(`${q.name} has weight 0: whenever it borrows, its share is infinite and it is preempted first.`);
  return parts.join(' ');
}

function formatRatio(r: number): string {
  if (r === 0.5) return 'half';
  if (r === 2) return 'twice';
  return `${Number(r.toFixed(3))} times`;
}

/** kueueFairShares: every ClusterQueue's share given the admitted Workloads (what `status.fairSharing.weightedShare` reports). */
export function kueueFairShares(
  clusterQueues: readonly ClusterQueue[],
  cohorts: readonly Cohort[],
  admitted: readonly KueueAdmittedWorkload[],
  simulate?: { clusterQueue: string; requests: ReadonlyMap<string, number> },
): Map<string, DominantResourceShare> {
  const snapshot = new KueueQuotaSnapshot(clusterQueues, cohorts);
  for (const w of admitted) {
    const n = snapshot.queues.get(w.clusterQueue);
    if (n !== undefined) snapshot.addUsage(n, w.usage);
  }
  const out = new Map<string, DominantResourceShare>();
  for (const cq of clusterQueues) {
    const n = snapshot.queues.get(cq.name);
    if (n === undefined) continue;
    const extra = simulate?.clusterQueue === cq.name ? simulate.requests : undefined;
    out.set(cq.name, dominantResourceShare(n, kueueFairSharingWeight(cq), extra));
  }
  return out;
}

/**
 * kueueFairSharingTarget: the ClusterQueue fair-sharing preemption looks at first for a preemptor of `preemptorQueue`
 * (TargetClusterQueueOrdering, for ClusterQueues directly in one cohort): the borrowing one with the highest share
 * among those holding candidates; undefined when none borrows.
 */
export function kueueFairSharingTarget(
  shares: ReadonlyMap<string, DominantResourceShare>,
  candidates: readonly string[],
): string | undefined {
  let best: string | undefined;
  for (const name of [...candidates].sort()) {
    const s = shares.get(name);
    if (s === undefined || !s.borrowing) continue;
    if (best === undefined || s.weightedShare > (shares.get(best)?.weightedShare ?? 0)) best = name;
  }
  return best;
}
