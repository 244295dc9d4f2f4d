// Kueue's quota tree with live usage (R-Q.6), as its scheduler snapshot holds it (pkg/cache/scheduler/resource_node.go,
// clusterqueue_snapshot.go, cohort_snapshot.go): ClusterQueues and Cohorts as resource nodes with nominal quota,
// borrowing and lending limits per `flavor/resource`, the subtree quota each node offers its parent, and usage that
// bubbles up past a node's local (non-lent) quota. The preemption simulation (kueue-preemption-targets.ts) removes and
// re-adds Workloads' usage here exactly as Kueue's Snapshot.RemoveWorkload/AddWorkload do. Amounts in milli-units.
import type { ClusterQueue, Cohort, ResourceGroup } from './kueue-objects';

interface Quota {
  nominal: number;
  borrowingLimit: number | undefined;
  lendingLimit: number | undefined;
}

export interface QuotaNode {
  kind: 'ClusterQueue' | 'Cohort';
  name: string;
  parent: QuotaNode | undefined;
  childQueues: QuotaNode[];
  childCohorts: QuotaNode[];
  quotas: Map<string, Quota>;
  /** Own nominal plus what the children lend (SubtreeQuota). */
  subtree: Map<string, number>;
  /** For a ClusterQueue its usage; for a Cohort the children's usage past their local quota. */
  usage: Map<string, number>;
}

const amount = (m: ReadonlyMap<string, number>, fr: string): number => m.get(fr) ?? 0;

export class KueueQuotaSnapshot {
  readonly queues = new Map<string, QuotaNode>();
  readonly cohorts = new Map<string, QuotaNode>();

  constructor(clusterQueues: readonly ClusterQueue[], cohortObjects: readonly Cohort[]) {
    const cohort = (name: string): QuotaNode => {
      let c = this.cohorts.get(name);
      if (c === undefined) {
        c = node('Cohort', name, []);
        this.cohorts.set(name, c);
      }
      return c;
    };
    for (const c of cohortObjects) cohort(c.name).quotas = quotasOf(c.resourceGroups);
    const parentOf = new Map(cohortObjects.map((c) => [c.name, c.parentName?.value]));
    // A cohort in a cycle of parents stays unlinked (Kueue refuses the tree: ErrCohortHasCycle).
    const inCycle = (name: string): boolean => {
      const seen = new Set<string>();
      for (let p = parentOf.get(name); p !== undefined && p !== ''; p = parentOf.get(p)) {
        if (p === name) return true;
        if (seen.has(p)) return false;
        seen.add(p);
      }
      return false;
    };
    for (const c of cohortObjects) {
      const parent = c.parentName?.value;
      if (parent === undefined || parent === '' || inCycle(c.name)) continue;
      const child = cohort(c.name);
      child.parent = cohort(parent);
      child.parent.childCohorts.push(child);
    }
    for (const cq of clusterQueues) {
      const q = node('ClusterQueue', cq.name, cq.resourceGroups);
      this.queues.set(cq.name, q);
      const name = cq.cohort?.value;
      if (name !== undefined && name !== '') {
        q.parent = cohort(name);
        q.parent.childQueues.push(q);
      }
    }
    for (const q of this.queues.values()) if (q.parent === undefined) accumulate(q);
    for (const c of this.cohorts.values()) if (c.parent === undefined) accumulate(c);
  }

  /** Add a Workload's usage to its ClusterQueue (Snapshot.AddWorkload). */
  addUsage(queue: QuotaNode, usage: ReadonlyMap<string, number>): void {
    for (const [fr, v] of usage) addUsage(queue, fr, v);
  }

  removeUsage(queue: QuotaNode, usage: ReadonlyMap<string, number>): void {
    for (const [fr, v] of usage) removeUsage(queue, fr, v);
  }
}

function node(kind: QuotaNode['kind'], name: string, groups: readonly ResourceGroup[]): QuotaNode {
  return {
    kind,
    name,
    parent: undefined,
    childQueues: [],
    childCohorts: [],
    quotas: quotasOf(groups),
    subtree: new Map(),
    usage: new Map(),
  };
}

function quotasOf(groups: readonly ResourceGroup[]): Map<string, Quota> {
  const out = new Map<string, Quota>();
  for (const g of groups)
    for (const f of g.flavors)
      for (const r of f.resources)
        out.set(`${f.name}/${r.name}`, { nominal: r.nominalQuota, borrowingLimit: r.borrowingLimit, lendingLimit: r.lendingLimit });
  return out;
}

/** updateCohortResourceNode / accumulateFromChild: subtree quota from the leaves up (usage starts empty). */
function accumulate(n: QuotaNode): void {
  n.subtree = new Map([...n.quotas].map(([fr, q]) => [fr, q.nominal]));
  for (const child of [...n.childCohorts, ...n.childQueues]) {
    accumulate(child);
    for (const [fr, q] of child.subtree) n.subtree.set(fr, amount(n.subtree, fr) + q - localQuota(child, fr));
  }
}

/** localQuota: capacity only this subtree sees (subtree quota above the lending limit). */
export function localQuota(n: QuotaNode, fr: string): number {
  const lending = n.quotas.get(fr)?.lendingLimit;
  return lending === undefined ? 0 : Math.max(0, amount(n.subtree, fr) - lending);
}

export function localAvailable(n: QuotaNode, fr: string): number {
  return Math.max(0, localQuota(n, fr) - amount(n.usage, fr));
}

/** available: what remains for a node, its local quota plus what its parent has left, within its borrowing limit. */
function rawAvailable(n: QuotaNode, fr: string): number {
  if (n.parent === undefined) return amount(n.subtree, fr) - amount(n.usage, fr);
  let parentAvailable = rawAvailable(n.parent, fr);
  const borrowing = n.quotas.get(fr)?.borrowingLimit;
  if (borrowing !== undefined) {
    const lq = localQuota(n, fr);
    const storedInParent = amount(n.subtree, fr) - lq;
    const usedInParent = Math.max(0, amount(n.usage, fr) - lq);
    parentAvailable = Math.min(storedInParent - usedInParent + borrowing, parentAvailable);
  }
  return localAvailable(n, fr) + parentAvailable;
}

/** ClusterQueueSnapshot.Available: never negative. */
export function available(n: QuotaNode, fr: string): number {
  return Math.max(0, rawAvailable(n, fr));
}

function addUsage(n: QuotaNode, fr: string, v: number): void {
  const local = localAvailable(n, fr);
  n.usage.set(fr, amount(n.usage, fr) + v);
  if (n.parent !== undefined && v > local) addUsage(n.parent, fr, v - local);
}

function removeUsage(n: QuotaNode, fr: string, v: number): void {
  const storedInParent = amount(n.usage, fr) - localQuota(n, fr);
  n.usage.set(fr, amount(n.usage, fr) - v);
  if (storedInParent <= 0 || n.parent === undefined) return;
  removeUsage(n.parent, fr, Math.min(v, storedInParent));
}

/** BorrowingWith: a ClusterQueue above its nominal quota, a Cohort above its subtree quota, once `v` more is used. */
export function borrowingWith(n: QuotaNode, fr: string, v: number): boolean {
  const limit = n.kind === 'ClusterQueue' ? (n.quotas.get(fr)?.nominal ?? 0) : amount(n.subtree, fr);
  return limit < amount(n.usage, fr) + v;
}

/** IsWithinNominalInResources: the node uses no more than its subtree quota in every one of `frs`. */
export function withinNominal(n: QuotaNode, frs: ReadonlySet<string>): boolean {
  for (const fr of frs) if (amount(n.subtree, fr) < amount(n.usage, fr)) return false;
  return true;
}

/** QuantitiesFitInQuota: whether `requests` fit this node's subtree quota, and what exceeds its local quota. */
export function fitsInQuota(n: QuotaNode, requests: ReadonlyMap<string, number>): { fits: boolean; remaining: Map<string, number> } {
  let fits = true;
  const remaining = new Map<string, number>();
  for (const [fr, v] of requests) {
    if (amount(n.subtree, fr) < amount(n.usage, fr) + v) fits = false;
    remaining.set(fr, Math.max(0, v - localAvailable(n, fr)));
  }
  return { fits, remaining };
}

/** The nodes from a ClusterQueue's parent to the root (PathParentToRoot). */
export function* parentsToRoot(n: QuotaNode): Generator<QuotaNode> {
  for (let p = n.parent; p !== undefined; p = p.parent) yield p;
}

/** potentialAvailable: the most a node could use with no usage anywhere, within its borrowing limit. */
export function potentialAvailable(n: QuotaNode, fr: string): number {
  if (n.parent === undefined) return amount(n.subtree, fr);
  let avail = localQuota(n, fr) + potentialAvailable(n.parent, fr);
  const borrowing = n.quotas.get(fr)?.borrowingLimit;
  if (borrowing !== undefined) avail = Math.min(amount(n.subtree, fr) + borrowing, avail);
  return avail;
}

/** A node's DominantResourceShare (pkg/cache/scheduler/fair_sharing.go). */
export interface DominantResourceShare {
  /** What it borrows over what its cohort tree can lend, per mille, for the dominant resource, divided by the weight. */
  weightedShare: number;
  /** `status.fairSharing.weightedShare` as Kueue writes it (rounded up; Number.MAX_SAFE_INTEGER for a borrowing weight 0). */
  rounded: number;
  dominantResource: string | undefined;
  borrowing: boolean;
}

/**
 * dominantResourceShare: for each `flavor/resource` of its subtree quota, how much the node uses (plus `extra`, a
 * Workload simulated in) above that quota, summed per resource over flavors; the share is the largest
 * borrowed × 1000 ÷ lendable (the potential capacity of its parent, per resource), divided by the fair-sharing weight.
 * A node outside any cohort, or not borrowing, has share 0.
 */
export function dominantResourceShare(n: QuotaNode, weight: number, extra: ReadonlyMap<string, number> = new Map()): DominantResourceShare {
  const zero: DominantResourceShare = { weightedShare: 0, rounded: 0, dominantResource: undefined, borrowing: false };
  if (n.parent === undefined) return zero;
  const borrowed = new Map<string, number>();
  for (const [fr, quota] of n.subtree) {
    const b = amount(extra, fr) + amount(n.usage, fr) - quota;
    if (b > 0) borrowed.set(resourceOf(fr), (borrowed.get(resourceOf(fr)) ?? 0) + b);
  }
  if (borrowed.size === 0) return zero;
  let root = n.parent;
  while (root.parent !== undefined) root = root.parent;
  const lendable = new Map<string, number>();
  for (const fr of root.subtree.keys())
    lendable.set(resourceOf(fr), (lendable.get(resourceOf(fr)) ?? 0) + potentialAvailable(n.parent, fr));
  let ratio = 0;
  let dominant: string | undefined;
  for (const [resource, b] of borrowed) {
    const l = lendable.get(resource) ?? 0;
    if (l <= 0) continue;
    const r = (b * 1000) / l;
    if (r > ratio || (r === ratio && dominant !== undefined && resource < dominant)) {
      ratio = r;
      dominant = resource;
    }
  }
  if (ratio === 0) return { ...zero, borrowing: true };
  if (weight === 0) return { weightedShare: Infinity, rounded: Number.MAX_SAFE_INTEGER, dominantResource: dominant, borrowing: true };
  return { weightedShare: ratio / weight, rounded: Math.ceil(ratio / weight), dominantResource: dominant, borrowing: true };
}

function resourceOf(fr: string): string {
  return fr.slice(fr.indexOf('/') + 1);
}
