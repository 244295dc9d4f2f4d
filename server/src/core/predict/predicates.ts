// The scheduler's Filter plugins' pure predicates and upstream's reason strings: taint toleration, node selector and
// required node affinity, pod (anti-)affinity term matching, host-port conflicts and the resources NodeResourcesFit checks.
// No state: predict/filters.ts applies them to one node's dry-run view (NodeState) with the PreFilter counts.
import type { LabelSelector } from '../model/workload';
import { selectorMatches } from '../semantics/labels';
import type { AffinityTerm, SimCluster, NodeSelectorRequirement, NodeSelectorTerm, SimNode, SimPod, Taint, Toleration } from './cluster';

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
  volumeNodeAffinity: "node(s) didn't match PersistentVolume's node affinity",
  noVictims: 'No preemption victims found for incoming pod',
  notHelpful: 'Preemption is not helpful for scheduling',
  policyNever: 'not eligible due to preemptionPolicy=Never.',
  terminatingOnNominated: 'not eligible due to a terminating pod on the nominated node.',
} as const;

export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value}}`;
}

export const success: FilterStatus = { code: 'Success', reasons: [] };

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

export function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
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

export function termMatches(term: NodeSelectorTerm, node: SimNode): boolean {
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
export function selectorMatchesPod(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  return selectorMatches(selector, labels, 'everything');
}

/** termMatchesPod is PodMatchesTermsNamespaceAndSelector; a `{}` namespaceSelector selects every namespace (R-K.1). */
export function termMatchesPod(term: AffinityTerm, pod: SimPod, snapshot: SimCluster): boolean {
  const inNamespace =
    term.namespaces.has(pod.namespace) || selectorMatches(term.namespaceSelector, snapshot.namespaceLabelsOf(pod.namespace), 'everything');
  return inNamespace && selectorMatchesPod(term.selector, pod.labels);
}

export function matchesAllTerms(pod: SimPod, terms: readonly AffinityTerm[], snapshot: SimCluster): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatchesPod(t, pod, snapshot));
}

export function portsConflict(
  a: { port: number; protocol: string; hostIP: string },
  b: { port: number; protocol: string; hostIP: string },
): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  // HostPortInfo.CheckConflict (R-E.12): only `0.0.0.0` (and empty, sanitized to it) is a wildcard; `::` is compared
  // as an address like any other.
  const wild = (ip: string): boolean => ip === '' || ip === '0.0.0.0';
  return wild(a.hostIP) || wild(b.hostIP) || a.hostIP === b.hostIP;
}

export const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

export function bump(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next === 0) map.delete(key);
  else map.set(key, next);
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
