// Scheduler preemption (DefaultPreemption PostFilter, R-E.*) for one pending pod against a SimCluster.
//
// R-E.3 (sampling): upstream dry-runs candidates from a random offset and stops after
// max(10% of nodes, 100) candidates once one has no PDB violation. This simulator dry-runs every node whose filter
// status is Unschedulable, then applies pickOneNodeForPreemption to all candidates. For clusters with at most 100
// potential nodes the two are identical (upstream's numCandidates is then every node); on larger clusters upstream
// may stop early and pick a node that is good but not the globally best one, so `node` is the best possible answer
// and every node upstream could pick is listed in `candidates`.
//
// Cost: filters run once per node in O(1) each from precomputed sums (see filters.ts); a dry run on node N sorts and
// walks only N's pods, so a whole simulation is O(nodes + Σ_N pods(N)·log pods(N)) after one PreFilter pass over the
// cluster, never O(nodes × pods).
import { selectorMatches } from '../semantics/labels';
import type { SimCluster, SimNode, SimPdb, SimPod } from './cluster';
import { filterWithNominated, PreemptorContext, reasons } from './filters';
import type { FilterStatus } from './filters';

export type SimulationOutcome = 'fits' | 'preempt' | 'unschedulable' | 'ineligible';

export interface NodeVerdict {
  node: string;
  fits: boolean;
  /** Filter reasons, then the preemption verdict prefixed with `preemption: `. */
  reasons: string[];
  status: FilterStatus;
  /** Set when the node was dry-run and preemption makes the pod fit there. */
  candidate?: Candidate;
}

export interface Candidate {
  node: string;
  /** Most important first (R-A.8). */
  victims: SimPod[];
  pdbViolations: number;
}

export interface SimulationResult {
  pod: SimPod;
  outcome: SimulationOutcome;
  node: string | null;
  victims: SimPod[];
  candidates: Candidate[];
  nodes: NodeVerdict[];
  reason?: string;
  /** Nodes still tied after every criterion of R-E.8 (upstream picks any of them). */
  tiedNodes: string[];
  /** Which criterion of R-E.8 decided between candidates (1-5), 0 when one candidate, 6 for a tie. */
  decidedBy: number;
}

export interface SimulateOptions {
  /** "Now" in ms, for pods without status.startTime (R-A.8). */
  now: number;
}

const maxInt32 = 2147483647;

/** moreImportant is MoreImportantPod: higher priority, then earlier start time (missing = now). */
export function moreImportant(a: SimPod, b: SimPod, now: number): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return (a.startTime ?? now) < (b.startTime ?? now);
}

/** compareImportance sorts most important first; ties by namespace/name so results are reproducible. */
export function compareImportance(a: SimPod, b: SimPod, now: number): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const sa = a.startTime ?? now;
  const sb = b.startTime ?? now;
  if (sa !== sb) return sa - sb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** eligibility is PodEligibleToPreemptOthers (R-E.1); undefined when eligible. */
export function preemptionIneligibility(
  pod: SimPod,
  snapshot: SimCluster,
  statusOfNominated: FilterStatus | undefined,
): string | undefined {
  if (pod.preemptionPolicy === 'Never') return reasons.policyNever;
  const nominated = pod.nominatedNodeName;
  if (nominated !== undefined) {
    if (statusOfNominated?.code === 'UnschedulableAndUnresolvable') return undefined;
    const node = snapshot.nodeByName.get(nominated);
    if (node !== undefined) {
      for (const p of node.pods) {
        if (p !== pod && p.priority < pod.priority && p.terminatingByPreemption) return reasons.terminatingOnNominated;
      }
    }
  }
  return undefined;
}

/** violatingSplit is filterPodsWithPDBViolation (R-E.7) over importance-sorted pods. */
export function violatingSplit(pods: readonly SimPod[], pdbs: readonly SimPdb[]): { violating: SimPod[]; nonViolating: SimPod[] } {
  const allowed = new Map<SimPdb, number>();
  for (const pdb of pdbs) allowed.set(pdb, pdb.disruptionsAllowed);
  const violating: SimPod[] = [];
  const nonViolating: SimPod[] = [];
  for (const pod of pods) {
    let violates = false;
    if (Object.keys(pod.labels).length > 0) {
      for (const pdb of pdbs) {
        // The scheduler's own rule: nil and `{}` selectors match nothing (R-E.7), whatever the PDB's apiVersion.
        if (pdb.namespace !== pod.namespace || !selectorMatches(pdb.selector, pod.labels, 'nothing')) continue;
        if (pdb.disruptedPods.has(pod.name)) continue;
        const left = (allowed.get(pdb) ?? 0) - 1;
        allowed.set(pdb, left);
        if (left < 0) violates = true;
      }
    }
    (violates ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

export interface DryRunResult {
  /** undefined when the node is rejected. */
  candidate: Candidate | undefined;
  status: FilterStatus;
}

/** selectVictimsOnNode is SelectVictimsOnNode (R-E.4..R-E.7) on one node, touching only that node's pods. */
export function selectVictimsOnNode(ctx: PreemptorContext, node: SimNode, nominated: readonly SimPod[], now: number): DryRunResult {
  const pod = ctx.pod;
  const state = ctx.newState(node);
  const potential: SimPod[] = [];
  for (const p of node.pods) if (p !== ctx.exclude && p.priority < pod.priority) potential.push(p);
  if (potential.length === 0)
    return { candidate: undefined, status: { code: 'Unschedulable', reasons: [reasons.noVictims], plugin: 'DefaultPreemption' } };
  for (const p of potential) state.remove(p);
  const fit = filterWithNominated(state, nominated);
  if (fit.code !== 'Success') return { candidate: undefined, status: fit };
  potential.sort((a, b) => compareImportance(a, b, now));
  const { violating, nonViolating } = violatingSplit(potential, pdbsFor(ctx.snapshot, potential));
  const victims: SimPod[] = [];
  let pdbViolations = 0;
  const reprieve = (p: SimPod): boolean => {
    state.add(p);
    const ok = filterWithNominated(state, nominated).code === 'Success';
    if (!ok) {
      state.remove(p);
      victims.push(p);
    }
    return ok;
  };
  for (const p of violating) if (!reprieve(p)) pdbViolations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort((a, b) => compareImportance(a, b, now));
  if (victims.length === 0) {
    // Upstream treats this as an error ("expected at least one victim pod on node"); it cannot happen when the
    // pod did not fit before, but a snapshot can be inconsistent, so say so instead of proposing an empty eviction.
    return {
      candidate: undefined,
      status: { code: 'Unschedulable', reasons: ['expected at least one victim pod on node'], plugin: 'DefaultPreemption' },
    };
  }
  return { candidate: { node: node.name, victims, pdbViolations }, status: { code: 'Success', reasons: [] } };
}

/** pickOneNodeForPreemption (R-E.8); returns the chosen candidate, the tie set and the deciding criterion. */
export function pickOneNodeForPreemption(
  candidates: readonly Candidate[],
  now: number,
): { chosen: Candidate | undefined; tied: Candidate[]; decidedBy: number } {
  if (candidates.length === 0) return { chosen: undefined, tied: [], decidedBy: 0 };
  if (candidates.length === 1) return { chosen: candidates[0], tied: [], decidedBy: 0 };
  const scores: Array<(c: Candidate) => number> = [
    // 1. fewest PDB violations
    (c) => -c.pdbViolations,
    // 2. lowest highest-priority victim
    (c) => -(c.victims[0]?.priority ?? 0),
    // 3. lowest sum of priorities shifted by MaxInt32+1
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + maxInt32 + 1, 0),
    // 4. fewest victims
    (c) => -c.victims.length,
    // 5. latest earliest-start-time among the highest-priority victims
    (c) => earliestStartOfTopVictims(c.victims, now),
  ];
  let remaining = [...candidates];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i];
    if (score === undefined) continue;
    let best = -Infinity;
    let next: Candidate[] = [];
    for (const c of remaining) {
      const s = score(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    remaining = next;
    if (remaining.length === 1) return { chosen: remaining[0], tied: [], decidedBy: i + 1 };
  }
  return { chosen: remaining[0], tied: remaining, decidedBy: 6 };
}

/** GetEarliestPodStartTime over the victims sharing the highest priority (missing start time = now). */
export function earliestStartOfTopVictims(victims: readonly SimPod[], now: number): number {
  const top = victims[0];
  if (top === undefined) return -Infinity;
  let earliest = Infinity;
  for (const v of victims) if (v.priority === top.priority) earliest = Math.min(earliest, v.startTime ?? now);
  return earliest;
}

const byName = (a: { node: string }, b: { node: string }): number => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
const byId = (a: SimPod, b: SimPod): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * simulate answers "if this pod had to be scheduled now, where would it go and whom would it preempt?".
 * The pod is treated as pending even when it has spec.nodeName (it is then left out of its node).
 */
export function simulate(snapshot: SimCluster, pod: SimPod, options: SimulateOptions): SimulationResult {
  const now = options.now;
  // The pod is left out of every count; if it is bound, its node is viewed without it.
  const ctx = new PreemptorContext(pod, snapshot, pod);
  const verdicts: NodeVerdict[] = [];
  for (const node of snapshot.nodes) {
    const state = ctx.newState(node);
    const status = filterWithNominated(state, snapshot.nominatedByNode.get(node.name) ?? []);
    verdicts.push({ node: node.name, fits: status.code === 'Success', reasons: [...status.reasons], status });
  }
  // Candidates: every Unschedulable (resolvable) node, dry-run (R-E.2, R-E.4..7).
  const candidates: Candidate[] = [];
  for (const v of verdicts) {
    if (v.fits) continue;
    if (v.status.code === 'UnschedulableAndUnresolvable') {
      v.reasons.push(`preemption: ${reasons.notHelpful}`);
      continue;
    }
    const node = snapshot.nodeByName.get(v.node);
    if (node === undefined) continue;
    const dry = selectVictimsOnNode(ctx, node, snapshot.nominatedByNode.get(node.name) ?? [], now);
    if (dry.candidate === undefined) {
      for (const r of dry.status.reasons) v.reasons.push(`preemption: ${r}`);
      continue;
    }
    v.candidate = dry.candidate;
    candidates.push(dry.candidate);
    v.reasons.push(
      `preemption: would fit after evicting ${dry.candidate.victims.length} pod(s): ${[...dry.candidate.victims]
        .sort(byId)
        .map((p) => p.id)
        .join(', ')}${dry.candidate.pdbViolations > 0 ? ` (${dry.candidate.pdbViolations} PDB violation(s))` : ''}`,
    );
  }
  candidates.sort(byName);
  const base = { pod, candidates, nodes: verdicts, tiedNodes: [] as string[], decidedBy: 0 };
  const feasible = verdicts.filter((v) => v.fits);
  if (feasible.length > 0) {
    return { ...base, outcome: 'fits', node: feasible[0]?.node ?? null, victims: [] };
  }
  const nominatedStatus = pod.nominatedNodeName === undefined ? undefined : verdicts.find((v) => v.node === pod.nominatedNodeName)?.status;
  const ineligible = preemptionIneligibility(pod, snapshot, nominatedStatus);
  if (ineligible !== undefined) return { ...base, outcome: 'ineligible', node: null, victims: [], reason: ineligible };
  if (candidates.length === 0) {
    return { ...base, outcome: 'unschedulable', node: null, victims: [], reason: fitErrorMessage(verdicts, snapshot.nodes.length) };
  }
  const { chosen, tied, decidedBy } = pickOneNodeForPreemption(candidates, now);
  const tiedNodes = tied.map((c) => c.node).sort();
  const result: SimulationResult = {
    ...base,
    outcome: 'preempt',
    node: chosen?.node ?? null,
    victims: [...(chosen?.victims ?? [])].sort(byId),
    tiedNodes,
    decidedBy,
  };
  if (tiedNodes.length > 1)
    result.reason = `nodes ${tiedNodes.join(', ')} tie on every criterion of pickOneNodeForPreemption; the scheduler picks any of them (first by name shown)`;
  return result;
}

/** fitErrorMessage builds the scheduler's `preemption: 0/N nodes are available: ...` text (R-I.3b). */
export function fitErrorMessage(verdicts: readonly NodeVerdict[], total: number): string {
  const counts = new Map<string, number>();
  for (const v of verdicts) {
    const pre = v.reasons.filter((r) => r.startsWith('preemption: ')).map((r) => r.slice('preemption: '.length));
    for (const r of pre.length > 0 ? pre : v.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return `preemption: 0/${total} nodes are available: ${parts.join(', ')}.`;
}

/** pdbsFor returns the PDBs of the namespaces of these pods only (bounded by the node's pods, not the cluster). */
function pdbsFor(snapshot: SimCluster, pods: readonly SimPod[]): SimPdb[] {
  const namespaces = new Set(pods.map((p) => p.namespace));
  const result: SimPdb[] = [];
  for (const ns of namespaces) for (const pdb of snapshot.pdbsByNamespace.get(ns) ?? []) result.push(pdb);
  return result;
}
