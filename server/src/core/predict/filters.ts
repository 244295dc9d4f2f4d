// The scheduler's Filter plugins for one incoming pod, in the default profile's order, with upstream's reason strings:
// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread,
// InterPodAffinity. The first failing plugin decides the node's status, as the framework's RunFilterPlugins does.
//
// Bounding the work per node: like the scheduler's PreFilter, `PreemptorContext` computes the cluster-wide counts once
// per incoming pod (topology-pair counts for pod (anti-)affinity, per-domain counts and the two smallest domains for
// topology spread). A `NodeState` is the dry-run view of one node: it starts from the node's precomputed requested sums
// and records only deltas (removed/added pods and the topology pairs of that node they touch), exactly like
// PreFilterExtensions.AddPod/RemovePod. So one filter evaluation costs O(labels + terms + resources) and adding or
// removing a pod costs O(its terms); nothing iterates the other nodes' pods.
import type { LabelSelector } from '../model/workload';
import { selectorMatches } from '../semantics/labels';
import type { Resources } from '../semantics/resource-amounts';
import type {
  AffinityTerm,
  SimCluster,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  SimNode,
  SimPod,
  SpreadConstraint,
  Taint,
  Toleration,
} from './cluster';

export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface FilterStatus {
  code: StatusCode;
  /** Upstream reason strings (empty on success). */
  reasons: string[];
  plugin?: string;
}

export const reasons = {
  nodeUnschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  nodePorts: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  affinity: "node(s) didn't match pod affinity rules",
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  spread: "node(s) didn't match pod topology spread constraints",
  spreadMissingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  noVictims: 'No preemption victims found for incoming pod',
  notHelpful: 'Preemption is not helpful for scheduling',
  policyNever: 'not eligible due to preemptionPolicy=Never.',
  terminatingOnNominated: 'not eligible due to a terminating pod on the nominated node.',
} as const;

export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value}}`;
}

const success: FilterStatus = { code: 'Success', reasons: [] };

// ---------------------------------------------------------------------------------------------------------------
// Pure predicates

/** tolerates is v1helper.ToleratesTaint: empty effect matches all, Exists with empty key matches every taint. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.key !== '' && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  if (toleration.operator === 'Equal' || toleration.operator === '') return toleration.value === taint.value;
  return false;
}

/** firstUntoleratedTaint finds the first NoSchedule/NoExecute taint no toleration tolerates. */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const a = Number(value);
      const b = Number(r.values[0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: SimNode): boolean {
  // An empty term matches nothing (nodeaffinity.NewNodeSelector drops it).
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  for (const r of term.matchExpressions) if (!requirementMatches(r, node.labels[r.key])) return false;
  for (const r of term.matchFields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.name)) return false;
  }
  return true;
}

/** matchesNodeSelectorAndAffinity is NodeAffinity's required part: nodeSelector AND (any required term). */
export function matchesNodeSelectorAndAffinity(pod: SimPod, node: SimNode): boolean {
  for (const [k, v] of Object.entries(pod.nodeSelector)) if (node.labels[k] !== v) return false;
  if (pod.requiredNodeAffinity === undefined) return true;
  return pod.requiredNodeAffinity.some((t) => termMatches(t, node));
}

/** Affinity terms and spread constraints use LabelSelectorAsSelector as is: nil matches nothing, `{}` everything (R-K.1). */
function selectorMatchesPod(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  return selectorMatches(selector, labels, 'everything');
}

/** termMatchesPod is PodMatchesTermsNamespaceAndSelector; a `{}` namespaceSelector selects every namespace (R-K.1). */
export function termMatchesPod(term: AffinityTerm, pod: SimPod, snapshot: SimCluster): boolean {
  const inNamespace =
    term.namespaces.has(pod.namespace) || selectorMatches(term.namespaceSelector, snapshot.namespaceLabelsOf(pod.namespace), 'everything');
  return inNamespace && selectorMatchesPod(term.selector, pod.labels);
}

function matchesAllTerms(pod: SimPod, terms: readonly AffinityTerm[], snapshot: SimCluster): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatchesPod(t, pod, snapshot));
}

function portsConflict(
  a: { port: number; protocol: string; hostIP: string },
  b: { port: number; protocol: string; hostIP: string },
): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  const wild = (ip: string): boolean => ip === '' || ip === '0.0.0.0' || ip === '::';
  return wild(a.hostIP) || wild(b.hostIP) || a.hostIP === b.hostIP;
}

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

function bump(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

// ---------------------------------------------------------------------------------------------------------------
// PreFilter state for one incoming pod

interface SpreadState {
  constraint: SpreadConstraint;
  selfMatch: boolean;
  /** domain value → matching pods, over eligible nodes (a domain present with 0 counts as a domain). */
  counts: Map<string, number>;
  min1: { domain: string | undefined; value: number };
  min2: { domain: string | undefined; value: number };
}

/** PreemptorContext is the PreFilter state of the incoming pod: computed once, shared by every node. */
export class PreemptorContext {
  readonly fitResources: string[];
  /** Topology-pair counts of existing pods matching all of the pod's required affinity terms. */
  readonly affinityCounts = new Map<string, number>();
  affinityTotal = 0;
  readonly antiAffinityCounts = new Map<string, number>();
  /** Topology-pair counts of existing pods' anti-affinity terms that match the incoming pod. */
  readonly existingAntiCounts = new Map<string, number>();
  readonly spread: SpreadState[] = [];
  readonly spreadKeys: string[];
  readonly selfAffinity: boolean;

  constructor(
    readonly pod: SimPod,
    readonly snapshot: SimCluster,
    /** The incoming pod itself, when it is bound somewhere: left out of every count. */
    readonly exclude: SimPod | undefined,
  ) {
    this.fitResources = Object.keys(pod.requests).filter((r) => (pod.requests[r] ?? 0) > 0 && isFitResource(r));
    this.selfAffinity = matchesAllTerms(pod, pod.affinityTerms, snapshot);
    const needIncoming = pod.affinityTerms.length > 0 || pod.antiAffinityTerms.length > 0;
    for (const node of snapshot.nodes) {
      for (const existing of node.podsWithAntiAffinity) {
        if (existing === exclude) continue;
        for (const t of existing.antiAffinityTerms) {
          const value = node.labels[t.topologyKey];
          if (value !== undefined && termMatchesPod(t, pod, snapshot)) bump(this.existingAntiCounts, pairKey(t.topologyKey, value), 1);
        }
      }
      if (!needIncoming) continue;
      for (const existing of node.pods) {
        if (existing === exclude) continue;
        this.countIncoming(existing, node, 1);
      }
    }
    this.spreadKeys = pod.spreadConstraints.map((c) => c.topologyKey);
    if (pod.spreadConstraints.length > 0) {
      for (const c of pod.spreadConstraints) {
        this.spread.push({
          constraint: c,
          selfMatch: selectorMatchesPod(c.selector, pod.labels),
          counts: new Map(),
          min1: { domain: undefined, value: Infinity },
          min2: { domain: undefined, value: Infinity },
        });
      }
      for (const node of snapshot.nodes) {
        if (!this.spreadKeys.every((k) => node.labels[k] !== undefined)) continue;
        for (const s of this.spread) {
          if (!this.spreadEligible(s.constraint, node)) continue;
          const domain = node.labels[s.constraint.topologyKey] ?? '';
          let count = 0;
          for (const existing of node.pods) {
            // countPodsMatchSelector skips terminating pods and other namespaces.
            if (existing === exclude || existing.terminating || existing.namespace !== pod.namespace) continue;
            if (selectorMatchesPod(s.constraint.selector, existing.labels)) count++;
          }
          s.counts.set(domain, (s.counts.get(domain) ?? 0) + count);
        }
      }
      for (const s of this.spread) {
        for (const [domain, value] of s.counts) {
          if (value < s.min1.value) {
            s.min2 = s.min1;
            s.min1 = { domain, value };
          } else if (value < s.min2.value) s.min2 = { domain, value };
        }
      }
    }
  }

  /** countIncoming adds an existing pod to the incoming pod's affinity/anti-affinity pair counts (global state). */
  private countIncoming(existing: SimPod, node: SimNode, delta: number): void {
    const pod = this.pod;
    if (pod.affinityTerms.length > 0 && matchesAllTerms(existing, pod.affinityTerms, this.snapshot)) {
      for (const t of pod.affinityTerms) {
        const value = node.labels[t.topologyKey];
        if (value === undefined) continue;
        bump(this.affinityCounts, pairKey(t.topologyKey, value), delta);
        this.affinityTotal += delta;
      }
    }
    for (const t of pod.antiAffinityTerms) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && termMatchesPod(t, existing, this.snapshot))
        bump(this.antiAffinityCounts, pairKey(t.topologyKey, value), delta);
    }
  }

  /** spreadEligible: the node counts for this constraint (node inclusion policies, default Honor affinity / Ignore taints). */
  spreadEligible(c: SpreadConstraint, node: SimNode): boolean {
    if (c.nodeAffinityPolicy === 'Honor' && !matchesNodeSelectorAndAffinity(this.pod, node)) return false;
    if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, this.pod.tolerations) !== undefined) return false;
    return true;
  }

  /** newState opens a dry-run view of a node (the incoming pod itself is never part of it). */
  newState(node: SimNode): NodeState {
    const state = new NodeState(this, node);
    if (this.exclude !== undefined && this.exclude.nodeName === node.name && node.pods.includes(this.exclude))
      state.removeBase(this.exclude);
    return state;
  }
}

export function isFitResource(name: string): boolean {
  return (
    name === 'cpu' ||
    name === 'memory' ||
    name === 'ephemeral-storage' ||
    name.includes('/') ||
    name.startsWith('hugepages-') ||
    name.startsWith('attachable-volumes-')
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Per-node dry-run state

/** NodeState is one node as the filters see it, with pods removed (victims) or added (nominated pods). */
export class NodeState {
  readonly requested: Resources;
  podCount: number;
  private readonly removed = new Set<SimPod>();
  private readonly added: SimPod[] = [];
  private ports: Map<string, Array<{ port: number; protocol: string; hostIP: string }>> | undefined;
  private readonly affinityDelta = new Map<string, number>();
  private affinityTotalDelta = 0;
  private readonly antiDelta = new Map<string, number>();
  private readonly existingAntiDelta = new Map<string, number>();
  private readonly spreadDelta: number[];
  private readonly spreadCounted: boolean;

  constructor(
    readonly ctx: PreemptorContext,
    readonly node: SimNode,
  ) {
    this.requested = { ...node.requested };
    this.podCount = node.pods.length;
    this.spreadDelta = ctx.spread.map(() => 0);
    this.spreadCounted = ctx.spreadKeys.every((k) => node.labels[k] !== undefined);
  }

  /** removeBase takes the incoming pod itself off its node before anything else. */
  removeBase(pod: SimPod): void {
    this.remove(pod);
  }

  remove(pod: SimPod): void {
    this.removed.add(pod);
    this.update(pod, -1);
  }

  add(pod: SimPod): void {
    if (this.removed.has(pod)) this.removed.delete(pod);
    else this.added.push(pod);
    this.update(pod, 1);
  }

  /** dropAdded undoes add() of pods not on the node (nominated pods), restoring the state. */
  dropAdded(pod: SimPod): void {
    const i = this.added.indexOf(pod);
    if (i !== -1) this.added.splice(i, 1);
    this.update(pod, -1);
  }

  private update(pod: SimPod, delta: number): void {
    const node = this.node;
    const ctx = this.ctx;
    for (const [r, v] of Object.entries(pod.requests)) this.requested[r] = (this.requested[r] ?? 0) + delta * v;
    this.podCount += delta;
    if (this.ports !== undefined) this.updatePorts(pod, delta);
    const incoming = ctx.pod;
    // InterPodAffinity.updateWithPod
    for (const t of pod.antiAffinityTerms) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && termMatchesPod(t, incoming, ctx.snapshot))
        bump(this.existingAntiDelta, pairKey(t.topologyKey, value), delta);
    }
    if (incoming.affinityTerms.length > 0 && matchesAllTerms(pod, incoming.affinityTerms, ctx.snapshot)) {
      for (const t of incoming.affinityTerms) {
        const value = node.labels[t.topologyKey];
        if (value === undefined) continue;
        bump(this.affinityDelta, pairKey(t.topologyKey, value), delta);
        this.affinityTotalDelta += delta;
      }
    }
    for (const t of incoming.antiAffinityTerms) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && termMatchesPod(t, pod, ctx.snapshot)) bump(this.antiDelta, pairKey(t.topologyKey, value), delta);
    }
    // PodTopologySpread.updateWithPod (same namespace, node carries every key, inclusion policies)
    if (this.spreadCounted && pod.namespace === incoming.namespace) {
      ctx.spread.forEach((s, i) => {
        if (ctx.spreadEligible(s.constraint, node) && selectorMatchesPod(s.constraint.selector, pod.labels))
          this.spreadDelta[i] = (this.spreadDelta[i] ?? 0) + delta;
      });
    }
  }

  private updatePorts(pod: SimPod, delta: number): void {
    if (this.ports === undefined) return;
    for (const p of pod.hostPorts) {
      const key = `${p.protocol}/${p.port}`;
      const list = this.ports.get(key) ?? [];
      if (delta > 0) list.push(p);
      else {
        const i = list.findIndex((q) => q.hostIP === p.hostIP);
        if (i !== -1) list.splice(i, 1);
      }
      this.ports.set(key, list);
    }
  }

  private usedPorts(): Map<string, Array<{ port: number; protocol: string; hostIP: string }>> {
    if (this.ports === undefined) {
      this.ports = new Map();
      const all = [...this.node.pods.filter((p) => !this.removed.has(p)), ...this.added];
      for (const p of all) this.updatePorts(p, 1);
    }
    return this.ports;
  }

  private count(global: Map<string, number>, delta: Map<string, number>, key: string): number {
    return (global.get(key) ?? 0) + (delta.get(key) ?? 0);
  }

  /** filter runs every filter plugin in order and returns the first failure. */
  filter(): FilterStatus {
    const pod = this.ctx.pod;
    const node = this.node;
    // NodeUnschedulable
    if (
      node.unschedulable &&
      !pod.tolerations.some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' }))
    ) {
      return { code: 'UnschedulableAndUnresolvable', reasons: [reasons.nodeUnschedulable], plugin: 'NodeUnschedulable' };
    }
    // NodeName
    if (pod.nodeName !== undefined && pod.nodeName !== node.name && this.ctx.exclude !== pod) {
      return { code: 'UnschedulableAndUnresolvable', reasons: [reasons.nodeName], plugin: 'NodeName' };
    }
    // TaintToleration
    const taint = firstUntoleratedTaint(node.taints, pod.tolerations);
    if (taint !== undefined)
      return { code: 'UnschedulableAndUnresolvable', reasons: [untoleratedTaintReason(taint)], plugin: 'TaintToleration' };
    // NodeAffinity
    if (!matchesNodeSelectorAndAffinity(pod, node))
      return { code: 'UnschedulableAndUnresolvable', reasons: [reasons.nodeAffinity], plugin: 'NodeAffinity' };
    // NodePorts
    if (pod.hostPorts.length > 0) {
      const used = this.usedPorts();
      for (const p of pod.hostPorts) {
        const list = used.get(`${p.protocol}/${p.port}`) ?? [];
        if (list.some((q) => portsConflict(p, q))) return { code: 'Unschedulable', reasons: [reasons.nodePorts], plugin: 'NodePorts' };
      }
    }
    // NodeResourcesFit
    const fit = this.resourceFit();
    if (fit.length > 0) return { code: 'Unschedulable', reasons: fit, plugin: 'NodeResourcesFit' };
    // PodTopologySpread
    const spread = this.spreadFilter();
    if (spread !== undefined) return spread;
    // InterPodAffinity
    return this.interPodAffinity();
  }

  private resourceFit(): string[] {
    const out: string[] = [];
    const node = this.node;
    if (this.podCount + 1 > node.allowedPods) out.push(reasons.tooManyPods);
    const req = this.ctx.pod.requests;
    const fixed = ['cpu', 'memory', 'ephemeral-storage'];
    const scalar = this.ctx.fitResources.filter((r) => !fixed.includes(r)).sort();
    for (const r of [...fixed, ...scalar]) {
      const want = req[r] ?? 0;
      if (want <= 0) continue;
      if (want > (node.allocatable[r] ?? 0) - (this.requested[r] ?? 0)) out.push(`Insufficient ${r}`);
    }
    return out;
  }

  private spreadFilter(): FilterStatus | undefined {
    const ctx = this.ctx;
    const node = this.node;
    for (let i = 0; i < ctx.spread.length; i++) {
      const s = ctx.spread[i];
      if (s === undefined) continue;
      const domain = node.labels[s.constraint.topologyKey];
      if (domain === undefined)
        return { code: 'UnschedulableAndUnresolvable', reasons: [reasons.spreadMissingLabel], plugin: 'PodTopologySpread' };
      const base = s.counts.get(domain);
      const here = base === undefined ? undefined : base + (this.spreadDelta[i] ?? 0);
      let min = s.min1.domain === domain ? s.min2.value : s.min1.value;
      if (here !== undefined && here < min) min = here;
      if (s.counts.size < s.constraint.minDomains) min = 0;
      if (min === Infinity) continue;
      const skew = (here ?? 0) + (s.selfMatch ? 1 : 0) - min;
      if (skew > s.constraint.maxSkew) return { code: 'Unschedulable', reasons: [reasons.spread], plugin: 'PodTopologySpread' };
    }
    return undefined;
  }

  private interPodAffinity(): FilterStatus {
    const ctx = this.ctx;
    const pod = ctx.pod;
    const labels = this.node.labels;
    if (pod.affinityTerms.length > 0) {
      let podsExist = true;
      for (const t of pod.affinityTerms) {
        const value = labels[t.topologyKey];
        if (value === undefined) return { code: 'UnschedulableAndUnresolvable', reasons: [reasons.affinity], plugin: 'InterPodAffinity' };
        if (this.count(ctx.affinityCounts, this.affinityDelta, pairKey(t.topologyKey, value)) <= 0) podsExist = false;
      }
      // The first pod of a group with affinity to itself may go anywhere when no pod matches anywhere.
      if (!podsExist && !(ctx.affinityTotal + this.affinityTotalDelta === 0 && ctx.selfAffinity)) {
        return { code: 'UnschedulableAndUnresolvable', reasons: [reasons.affinity], plugin: 'InterPodAffinity' };
      }
    }
    for (const t of pod.antiAffinityTerms) {
      const value = labels[t.topologyKey];
      if (value !== undefined && this.count(ctx.antiAffinityCounts, this.antiDelta, pairKey(t.topologyKey, value)) > 0) {
        return { code: 'Unschedulable', reasons: [reasons.antiAffinity], plugin: 'InterPodAffinity' };
      }
    }
    if (ctx.existingAntiCounts.size > 0 || this.existingAntiDelta.size > 0) {
      for (const [k, v] of Object.entries(labels)) {
        if (this.count(ctx.existingAntiCounts, this.existingAntiDelta, pairKey(k, v)) > 0) {
          return { code: 'Unschedulable', reasons: [reasons.existingAntiAffinity], plugin: 'InterPodAffinity' };
        }
      }
    }
    return success;
  }
}

/**
 * filterWithNominated is RunFilterPluginsWithNominatedPods (R-E.10): nominated pods of priority >= the incoming pod's
 * are first added to the node and the filters run; if they pass, the filters run again without them.
 */
export function filterWithNominated(state: NodeState, nominated: readonly SimPod[]): FilterStatus {
  const pod = state.ctx.pod;
  const relevant = nominated.filter((p) => p !== pod && p.priority >= pod.priority);
  if (relevant.length === 0) return state.filter();
  for (const p of relevant) state.add(p);
  const withNominated = state.filter();
  for (const p of relevant) state.dropAdded(p);
  if (withNominated.code !== 'Success') return withNominated;
  return state.filter();
}
