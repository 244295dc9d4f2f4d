// "Why was this pod the victim?": rebuilds the preemption node as it was just before the preemption from the UID
// cache (the victims and every other pod bound there at that time, with their recorded effective requests, priority,
// start time and labels; the preemptor as pending) as API objects read straight into the object model (from-api.ts),
// then runs the predictor's scheduler preemption (core/predict simulate → selectVictimsOnNode) on it. Pure: the
// records come from the cluster layer or a test.
import { objectsFromApi } from '../model/from-api';
import { SimCluster } from '../predict/cluster';
import type { SimPod } from '../predict/cluster';
import { compareImportance, simulate, violatingSplit } from '../predict/preempt';
import { evictionSignals, rankEviction } from '../predict/evict';
import type { EvictionSignal } from '../predict/evict';
import { asString } from './records';
import type { ApiObject, PodRecord } from './records';

export type VictimVerdict = 'victim' | 'reprieved' | 'not-eligible';

export interface VictimChoicePod {
  namespace: string;
  name: string;
  priority?: number;
  startTime?: string;
  requests?: Record<string, string>;
  /** What the simulation did with it. */
  verdict: VictimVerdict;
  /** Actually preempted (a Preempted event names it). */
  observedVictim: boolean;
  /** Removing it would violate a PDB (disruptionsAllowed as read now). */
  pdbViolation?: boolean;
  reason: string;
}

export interface VictimChoice {
  node: string;
  /** The reconstruction could be simulated (node known, preemptor's requests known). */
  simulated: boolean;
  /** Why it could not, or what the simulation said instead of a preemption on this node. */
  note?: string;
  /** `namespace/name` of the pods the simulation preempts on this node, most important first. */
  predictedVictims: string[];
  /** Predicted victims on this node = the pods actually preempted there. */
  agrees?: boolean;
  pods: VictimChoicePod[];
  /** Caveats of the reconstruction (requests unknown, PDB status as of now, …). */
  assumptions: string[];
}

export interface VictimChoiceInput {
  node: string;
  /** Time of the preemption (ISO). */
  at: string;
  preemptor: PodRecord;
  /** Pods actually preempted on this node by this preemptor (from the Preempted events). */
  victims: readonly PodRecord[];
  pods: readonly PodRecord[];
  nodes: readonly ApiObject[];
  priorityClasses?: readonly ApiObject[];
  pdbs?: readonly ApiObject[];
}

const id = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

function lastFinish(p: PodRecord): string | undefined {
  const times = (p.terminations ?? []).map((t) => t.finishedAt).filter((t): t is string => t !== undefined);
  return times.sort().pop();
}

/** The pods bound to `node` at `at` according to the UID cache (observed victims always included). */
export function podsOnNodeAt(
  pods: readonly PodRecord[],
  node: string,
  at: string,
  victims: ReadonlySet<string>,
  exclude: string,
): PodRecord[] {
  const t = Date.parse(at);
  return pods.filter((p) => {
    if (p.uid === exclude || p.node !== node) return false;
    if (victims.has(p.uid)) return true;
    const created = Date.parse(p.startTime ?? p.creationTime ?? '');
    if (Number.isFinite(created) && created > t) return false;
    const gone = Date.parse(p.deletedAt ?? p.deletionTime ?? '');
    if (Number.isFinite(gone) && gone <= t) return false;
    if (p.phase === 'Succeeded' || p.phase === 'Failed') {
      // Finished pods hold nothing; a pod that finished after the preemption still counted then.
      const done = Date.parse(lastFinish(p) ?? '');
      return Number.isFinite(done) && done > t;
    }
    return true;
  });
}

function podObject(p: PodRecord, bound: boolean): ApiObject {
  const metadata: ApiObject = { name: p.name, namespace: p.namespace, uid: p.uid };
  if (p.labels !== undefined) metadata['labels'] = p.labels;
  if (p.creationTime !== undefined) metadata['creationTimestamp'] = p.creationTime;
  // Only effective requests are recorded; a Guaranteed pod had limits = requests (keeps its QoS for the static tier).
  const resources: ApiObject = { requests: p.requests ?? {} };
  if (p.qosClass === 'Guaranteed' && p.requests !== undefined) resources['limits'] = p.requests;
  const spec: ApiObject = { containers: [{ name: 'recorded', resources }] };
  if (p.priority !== undefined) spec['priority'] = p.priority;
  if (p.priorityClassName !== undefined) spec['priorityClassName'] = p.priorityClassName;
  if (p.preemptionPolicy !== undefined) spec['preemptionPolicy'] = p.preemptionPolicy;
  if (bound) spec['nodeName'] = p.node;
  const status: ApiObject = { phase: bound ? 'Running' : 'Pending' };
  if (bound && p.startTime !== undefined) status['startTime'] = p.startTime;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

function list(items: readonly ApiObject[], kind: string, apiVersion: string): ApiObject[] {
  return items.map((o) => ({ ...o, apiVersion, kind }));
}

export function explainVictimChoice(input: VictimChoiceInput): VictimChoice {
  const { node, at, preemptor } = input;
  const out: VictimChoice = { node, simulated: false, predictedVictims: [], pods: [], assumptions: [] };
  const nodeObject = input.nodes.find((n) => asString(n, 'metadata', 'name') === node);
  if (nodeObject === undefined) {
    out.note = `Node ${node} is not in the cluster snapshot (deleted, or Nodes are not readable): its capacity is unknown, so the choice cannot be simulated.`;
    return out;
  }
  if (preemptor.requests === undefined) {
    out.note = `The preemptor's requests were not recorded (it was seen before requests were kept, or requests nothing): the choice cannot be simulated.`;
    return out;
  }
  const victimUids = new Set(input.victims.map((v) => v.uid));
  const onNode = podsOnNodeAt(input.pods, node, at, victimUids, preemptor.uid);
  const unknown = onNode.filter((p) => p.requests === undefined);
  if (unknown.length > 0) out.assumptions.push(`Requests unknown (counted as 0) for: ${unknown.map(id).join(', ')}.`);
  if (onNode.some((p) => p.priority === undefined)) out.assumptions.push('Some pods have no recorded priority (counted as 0).');
  if ((input.pdbs ?? []).length > 0) out.assumptions.push('PDB disruptionsAllowed is as read now, not as it was at the preemption.');
  out.assumptions.push(
    `Node state rebuilt from the pods Kube Priority Lens saw on ${node} at ${at} (${onNode.length} pod(s), deleted ones included); allocatable as read now.`,
  );

  const items: ApiObject[] = [
    { ...nodeObject, apiVersion: 'v1', kind: 'Node' },
    ...list(input.priorityClasses ?? [], 'PriorityClass', 'scheduling.k8s.io/v1'),
    ...list(input.pdbs ?? [], 'PodDisruptionBudget', 'policy/v1'),
    ...onNode.map((p) => podObject(p, true)),
    podObject(preemptor, false),
  ];
  const snapshot = new SimCluster(objectsFromApi(items, 'diagnose-reconstruction.json'), { kubernetesMinor: 36 });
  const pending = snapshot.podById.get(id(preemptor));
  if (pending === undefined) {
    out.note = 'The preemptor could not be rebuilt for the simulation.';
    return out;
  }
  const now = Date.parse(at) || Date.now();
  const result = simulate(snapshot, pending, { now });
  out.simulated = true;
  const verdict = result.nodes.find((v) => v.node === node);
  const predicted: SimPod[] = verdict?.candidate?.victims ?? [];
  out.predictedVictims = predicted.map((p) => p.id);
  if (result.outcome === 'fits')
    out.note = `In the rebuilt state the preemptor fits on ${node} without preempting: pods or requests that were there were not seen (or capacity changed since).`;
  else if (verdict?.candidate === undefined)
    out.note = `In the rebuilt state preemption on ${node} does not help: ${(verdict?.reasons ?? []).join('; ')}`;
  else if (result.outcome === 'ineligible' && result.reason !== undefined)
    out.note = `The simulation says the preemptor may not preempt: ${result.reason}`;

  const nodeSim = snapshot.nodeByName.get(node);
  const potential = (nodeSim?.pods ?? []).filter((p) => p.priority < pending.priority).sort((a, b) => compareImportance(a, b, now));
  const violating = new Set(violatingSplit(potential, snapshot.pdbs).violating.map((p) => p.id));
  const predictedIds = new Set(out.predictedVictims);
  for (const sim of nodeSim?.pods ?? []) {
    const rec = onNode.find((p) => id(p) === sim.id);
    const entry: VictimChoicePod = {
      namespace: sim.namespace,
      name: sim.name,
      priority: sim.priority,
      verdict: 'not-eligible',
      observedVictim: rec !== undefined && victimUids.has(rec.uid),
      reason: '',
    };
    if (rec?.startTime !== undefined) entry.startTime = rec.startTime;
    if (rec?.requests !== undefined) entry.requests = rec.requests;
    if (violating.has(sim.id)) entry.pdbViolation = true;
    const pdbNote =
      entry.pdbViolation === true
        ? ' Removing it violates a PDB, so the scheduler tried to keep it first (pods protected by a PDB are kept before the others).'
        : '';
    if (sim.priority >= pending.priority) {
      entry.verdict = 'not-eligible';
      entry.reason = `priority ${sim.priority} ≥ the preemptor's ${pending.priority}: never a victim.`;
    } else if (predictedIds.has(sim.id)) {
      entry.verdict = 'victim';
      entry.reason = `priority ${sim.priority} < ${pending.priority}; when added back (most important first: higher priority, then earlier start) the preemptor no longer fit, so it stayed a victim.${pdbNote}`;
    } else {
      entry.verdict = 'reprieved';
      entry.reason = `priority ${sim.priority} < ${pending.priority}, but spared: the scheduler put it back (more important than the pods it removed, or small enough) and the preemptor still fit.${pdbNote}`;
    }
    out.pods.push(entry);
  }
  const order: Record<VictimVerdict, number> = { victim: 0, reprieved: 1, 'not-eligible': 2 };
  out.pods.sort((a, b) => order[a.verdict] - order[b.verdict] || (b.priority ?? 0) - (a.priority ?? 0) || id(a).localeCompare(id(b)));
  if (verdict?.candidate !== undefined) {
    const observed = new Set(input.victims.filter((v) => v.node === node || v.node === undefined).map(id));
    out.agrees = observed.size === predictedIds.size && [...observed].every((x) => predictedIds.has(x));
  }
  return out;
}

/** One-line summaries of a VictimChoice for the report. */
export function victimChoiceLines(v: VictimChoice): string[] {
  const lines: string[] = [];
  if (!v.simulated) return v.note !== undefined ? [`Simulation: ${v.note}`] : [];
  if (v.predictedVictims.length > 0) {
    lines.push(
      `Simulated on ${v.node} as it was just before the preemption: the scheduler's dry run preempts ${v.predictedVictims.join(', ')}${v.agrees === true ? ' — the same pods the cluster preempted' : v.agrees === false ? ' — not exactly the pods the cluster preempted (the rebuilt node state differs)' : ''}.`,
    );
  }
  if (v.note !== undefined) lines.push(`Simulation: ${v.note}`);
  for (const p of v.pods)
    lines.push(
      `${p.verdict === 'victim' ? 'Chosen' : p.verdict === 'reprieved' ? 'Spared' : 'Not eligible'}: ${p.namespace}/${p.name}${
        p.requests !== undefined
          ? ` (requests ${Object.entries(p.requests)
              .map(([k, q]) => `${k} ${q}`)
              .join(', ')})`
          : ''
      } — ${p.reason}`,
    );
  for (const a of v.assumptions) lines.push(`Assumption: ${a}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Kubelet eviction: the node's conditions and the predicted next eviction victims (core/predict rankEviction).

export interface NodeConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface NextEvictionVictim {
  namespace: string;
  name: string;
  priority: number;
  qosClass?: string;
  /** Usage (bytes for memory) when PodMetrics were listed. */
  usage?: number;
  request?: number;
  exceeds?: boolean;
}

export interface NodeEvictionRanking {
  node: string;
  signal: EvictionSignal;
  conditions: NodeConditionView[];
  /** Conditions `*Pressure` that are True. */
  pressure: string[];
  /** Evictable pods, first evicted first. */
  next: NextEvictionVictim[];
  exempt: { namespace: string; name: string; reason: string }[];
  /** podmetrics: usage from metrics.k8s.io; none: the static tier order (no metrics-server). */
  usageSource: 'podmetrics' | 'none';
  notes: string[];
}

export function nodeConditions(node: ApiObject | undefined): NodeConditionView[] {
  const conds = node === undefined ? [] : (((node['status'] as ApiObject | undefined)?.['conditions'] as unknown[] | undefined) ?? []);
  const out: NodeConditionView[] = [];
  for (const c of conds) {
    const type = asString(c, 'type');
    if (type === undefined) continue;
    const v: NodeConditionView = { type, status: asString(c, 'status') ?? '' };
    const reason = asString(c, 'reason');
    const message = asString(c, 'message');
    if (reason !== undefined) v.reason = reason;
    if (message !== undefined) v.message = message;
    out.push(v);
  }
  return out;
}

const signalOfCondition: Record<string, EvictionSignal> = {
  MemoryPressure: 'memory.available',
  DiskPressure: 'nodefs.available',
  PIDPressure: 'pid.available',
};

/** The signal to rank for: the given one when valid, else from a True pressure condition, else memory. */
export function evictionSignalFor(signal: string | undefined, pressure: readonly string[]): EvictionSignal {
  if (signal !== undefined && (evictionSignals as readonly string[]).includes(signal)) return signal as EvictionSignal;
  for (const p of pressure) if (signalOfCondition[p] !== undefined) return signalOfCondition[p];
  return 'memory.available';
}

/**
 * Ranks the pods now on `node` (live records of the UID cache) as the kubelet's eviction manager would for `signal`:
 * with PodMetrics (metrics.k8s.io, memory only) usage > requests, then priority, then usage above requests; without
 * metrics the engine's static tier (pods that can exceed their memory request before those that cannot) and priority.
 */
export function rankNodeForEviction(input: {
  node: string;
  signal?: string;
  pods: readonly PodRecord[];
  nodes: readonly ApiObject[];
  priorityClasses?: readonly ApiObject[];
  podMetrics?: readonly ApiObject[];
  limit?: number;
}): NodeEvictionRanking {
  const nodeObject = input.nodes.find((n) => asString(n, 'metadata', 'name') === input.node);
  const conditions = nodeConditions(nodeObject);
  const pressure = conditions.filter((c) => /Pressure$/.test(c.type) && c.status === 'True').map((c) => c.type);
  const signal = evictionSignalFor(input.signal, pressure);
  const out: NodeEvictionRanking = { node: input.node, signal, conditions, pressure, next: [], exempt: [], usageSource: 'none', notes: [] };
  const live = input.pods.filter(
    (p) => p.node === input.node && p.deletedAt === undefined && p.phase !== 'Succeeded' && p.phase !== 'Failed',
  );
  if (live.length === 0) return out;
  const items: ApiObject[] = [
    { ...(nodeObject ?? { metadata: { name: input.node } }), apiVersion: 'v1', kind: 'Node' },
    ...list(input.priorityClasses ?? [], 'PriorityClass', 'scheduling.k8s.io/v1'),
    ...list(input.podMetrics ?? [], 'PodMetrics', 'metrics.k8s.io/v1beta1'),
    ...live.map((p) => podObject(p, true)),
  ];
  const snapshot = new SimCluster(objectsFromApi(items, 'diagnose-eviction.json'), { kubernetesMinor: 36 });
  const simNode = snapshot.nodeForEviction(input.node);
  if (simNode === undefined) return out;
  const r = rankEviction(snapshot, simNode, { signal, layout: { imagefs: 'shared', containerfs: 'shared' } });
  out.usageSource = r.usageSource === 'podmetrics' ? 'podmetrics' : 'none';
  const qos = new Map(live.map((p) => [id(p), p.qosClass]));
  for (const x of r.order.slice(0, input.limit ?? 10)) {
    const v: NextEvictionVictim = { namespace: x.pod.namespace, name: x.pod.name, priority: x.pod.priority };
    const q = qos.get(x.pod.id);
    if (q !== undefined) v.qosClass = q;
    if (x.usage !== undefined) {
      v.usage = x.usage;
      v.request = x.request;
      v.exceeds = x.exceeds;
    }
    out.next.push(v);
  }
  out.exempt = r.exempt.map((x) => ({ namespace: x.pod.namespace, name: x.pod.name, reason: x.reason }));
  if (r.static)
    out.notes.push(
      'No PodMetrics (metrics-server absent or not readable): static order: pods that can use more memory than they request (no request, or limit above it) first, then lower priority; rebuilt from the recorded requests and QoS class.',
    );
  else
    out.notes.push(
      'Usage from PodMetrics (metrics.k8s.io): pods using more than their request first, then lower priority, then usage above request.',
    );
  return out;
}

const mib = (bytes: number): string => `${Math.round(bytes / 1048576)}Mi`;

export function evictionRankingLines(r: NodeEvictionRanking): string[] {
  const lines: string[] = [];
  lines.push(
    `Node ${r.node} conditions: ${r.conditions.length > 0 ? r.conditions.map((c) => `${c.type}=${c.status}${c.reason !== undefined && c.status === 'True' ? ` (${c.reason})` : ''}`).join(', ') : 'unknown'}`,
  );
  if (r.next.length === 0) {
    lines.push(`No pods known on ${r.node} now: no predicted next eviction victims.`);
    return lines;
  }
  lines.push(
    `Predicted next eviction victims on ${r.node} for ${r.signal} (first evicted first): ${r.next.map((v, i) => `${i + 1}. ${v.namespace}/${v.name} (priority ${v.priority}${v.qosClass !== undefined ? `, ${v.qosClass}` : ''}${v.usage !== undefined ? `, uses ${mib(v.usage)} of ${mib(v.request ?? 0)} requested${v.exceeds === true ? ', over request' : ''}` : ''})`).join('; ')}.`,
  );
  if (r.exempt.length > 0)
    lines.push(`Never evicted for node pressure: ${r.exempt.map((x) => `${x.namespace}/${x.name} (${x.reason})`).join(', ')}.`);
  lines.push(...r.notes);
  return lines;
}
