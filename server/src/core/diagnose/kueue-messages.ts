// Parsers for the texts Kueue writes when it preempts (R-Q.5; pkg/scheduler/preemption preemptionMessage and
// IssuePreemptions, v0.14 to v0.19): Workload conditions and events, kept apart from kube-scheduler's `Preempted` events
// on Pods, which share the reason. Pure string functions, linear by construction: every quantifier runs over a class
// the next token cannot start with, so hostile event text cannot make them backtrack.
import type { KueuePreemptionReason } from '../semantics/kueue-preemption';

export type KueueReason = KueuePreemptionReason | 'InCohortFairSharing';

/** HumanReadablePreemptionReasons, inverted. The longer text first: "… while borrowing" extends "reclamation within the cohort". */
const humanReasons: ReadonlyArray<[string, KueueReason]> = [
  ['prioritization in the ClusterQueue', 'InClusterQueue'],
  ['reclamation within the cohort while borrowing', 'InCohortReclaimWhileBorrowing'],
  ['reclamation within the cohort', 'InCohortReclamation'],
  ['Fair Sharing within the cohort', 'InCohortFairSharing'],
];

// The message is `; `-separated parts, each read by a small literal regex (test/security/redos.test.ts proves each
// linear with recheck's automaton checker; one regex for the whole text is too large for it).
const headRe =
  /^(Previously: )?Preempted to accommodate a workload \(UID: ([^\s,()]+), JobUID: ([^\s,()]+)\) due to (prioritization in the ClusterQueue|reclamation within the cohort while borrowing|reclamation within the cohort|Fair Sharing within the cohort)$/;
const pathRe = /^(preemptor|preemptee) path: (\S+)$/;
const priorityRe = /^(preemptor|preemptee) effective priority: (-?\d+) \(base: (-?\d+), boost: (-?\d+)\)$/;

export interface KueuePriorityFigures {
  effective: number;
  base: number;
  boost: number;
}

export interface KueuePreemptionMessage {
  /** The preempting Workload's UID (`UNKNOWN` when Kueue did not know it). */
  preemptorWorkloadUid: string;
  /** The preempting job's UID, from the Workload's `kueue.x-k8s.io/job-uid` label: resolves to the job. */
  preemptorJobUid: string;
  reason: KueueReason;
  /** `/cohort…/cq` paths (v0.15+); undefined in the v0.14 text. */
  preemptorPath: string | undefined;
  preempteePath: string | undefined;
  /** The event's priority suffix (v0.17+), absent from conditions. */
  preemptorPriority: KueuePriorityFigures | undefined;
  preempteePriority: KueuePriorityFigures | undefined;
  /** True for a condition flipped back on re-admission (`Previously: <message>`): the evidence of an earlier preemption. */
  previously: boolean;
}

/**
 * parseKueuePreemptionMessage reads the `Preempted`/`Evicted` condition message, the victim Workload's `Preempted` and
 * `EvictedDueToPreempted` events, the victim Job's `Stopped` event and the plain Pod's TerminationTarget message.
 */
export function parseKueuePreemptionMessage(text: string | undefined): KueuePreemptionMessage | undefined {
  if (text === undefined || text.length > 4096) return undefined;
  const [head, ...rest] = text.trim().split('; ');
  const m = headRe.exec(head ?? '');
  if (m === null || rest.length > 4) return undefined;
  const reason = humanReasons.find(([h]) => h === m[4])?.[1];
  if (reason === undefined) return undefined;
  const message: KueuePreemptionMessage = {
    preemptorWorkloadUid: m[2] ?? '',
    preemptorJobUid: m[3] ?? '',
    reason,
    preemptorPath: undefined,
    preempteePath: undefined,
    preemptorPriority: undefined,
    preempteePriority: undefined,
    previously: m[1] !== undefined,
  };
  for (const part of rest) {
    const path = pathRe.exec(part);
    if (path !== null) {
      if (path[1] === 'preemptor') message.preemptorPath = path[2];
      else message.preempteePath = path[2];
      continue;
    }
    const p = priorityRe.exec(part);
    if (p === null) return undefined;
    const figures = { effective: Number(p[2]), base: Number(p[3]), boost: Number(p[4]) };
    if (p[1] === 'preemptor') message.preemptorPriority = figures;
    else message.preempteePriority = figures;
  }
  return message;
}

const preemptedWorkloadRe =
  /^Preempted workload ([^\s/]+)\/([^\s/(]+) \(UID: ([^\s()]+)\) in ClusterQueue ([^\s;]+)(?:; preemptor effective priority: -?\d+ \(base: -?\d+, boost: -?\d+\); preemptee effective priority: -?\d+ \(base: -?\d+, boost: -?\d+\))?$/;

export interface KueuePreemptedWorkloadNote {
  namespace: string;
  name: string;
  uid: string;
  clusterQueue: string;
}

/** parsePreemptedWorkloadNote reads the preemptor Workload's `PreemptedWorkload` event: which victim it evicted. */
export function parsePreemptedWorkloadNote(text: string | undefined): KueuePreemptedWorkloadNote | undefined {
  if (text === undefined || text.length > 4096) return undefined;
  const m = preemptedWorkloadRe.exec(text.trim());
  if (m === null) return undefined;
  return { namespace: m[1] ?? '', name: m[2] ?? '', uid: m[3] ?? '', clusterQueue: m[4] ?? '' };
}

/** parsePendingPreemption reads `<flavor message>. Pending the preemption of N workload(s)` (markPreemptionOutcome). */
export function parsePendingPreemption(text: string | undefined): { flavorMessage: string; workloads: number } | undefined {
  if (text === undefined || text.length > 8192) return undefined;
  const m = /^([^]*)\. Pending the preemption of (\d{1,9}) workload\(s\)$/.exec(text.trim());
  return m === null ? undefined : { flavorMessage: m[1] ?? '', workloads: Number(m[2]) };
}

/** parsePodsReadyTimeout reads `Exceeded the PodsReady timeout <ns>/<workload>` (workload_controller.go). */
export function parsePodsReadyTimeout(text: string | undefined): { namespace: string; name: string } | undefined {
  if (text === undefined) return undefined;
  const m = /^Exceeded the PodsReady timeout ([^\s/]+)\/(\S+)$/.exec(text.trim());
  return m === null ? undefined : { namespace: m[1] ?? '', name: m[2] ?? '' };
}

/**
 * isKueuePreemptionEvent: both Kueue and kube-scheduler use reason `Preempted`. Kueue's regards a Workload
 * (kueue.x-k8s.io) and comes from `kueue-admission`; kube-scheduler's regards a Pod. The kind decides; the component is
 * the tie-breaker for events whose regarding object lacks its kind.
 */
export function isKueuePreemptionEvent(event: {
  reason: string;
  regardingKind?: string;
  regardingApiVersion?: string;
  component?: string;
}): boolean {
  if (event.reason !== 'Preempted' && event.reason !== 'EvictedDueToPreempted') return false;
  if (event.regardingKind === 'Workload')
    return event.regardingApiVersion === undefined || event.regardingApiVersion.startsWith('kueue.x-k8s.io/');
  if (event.regardingKind === 'Pod') return false;
  return event.component === 'kueue-admission';
}

/** Requeued=True reasons Kueue writes once a Workload may queue again, with their fixed messages (workload_controller.go). */
const requeuedTexts: Readonly<Partial<Record<string, string>>> = {
  BackoffFinished: 'The workload backoff was finished',
  Reactivated: 'The workload was reactivated',
  LocalQueueRestarted: 'The LocalQueue was restarted after being stopped',
  ClusterQueueRestarted: 'The ClusterQueue was restarted after being stopped',
};

export interface KueueRequeued {
  /** Whether the Workload is back in its queue (`True`), or waits (`False`: a requeue backoff, or inadmissible). */
  requeued: boolean;
  reason: string;
  /** For `False` after an eviction, the eviction's own message, read: a PodsReady timeout or a preemption. */
  podsReadyTimeout: { namespace: string; name: string } | undefined;
  preemption: KueuePreemptionMessage | undefined;
  /** The message is the one Kueue writes for this reason (a fixed text, or an eviction message that parses). */
  known: boolean;
}

/**
 * parseRequeuedCondition reads the Workload's `Requeued` condition. On eviction Kueue's job reconciler copies the
 * `Evicted` reason and message into it (jobframework "handle eviction"): `True` after a preemption (the Workload
 * queues again at once), `False` after a PodsReady timeout until the requeue backoff ends; then `True`, reason
 * `BackoffFinished`, "The workload backoff was finished".
 */
export function parseRequeuedCondition(c: { status?: string; reason?: string; message?: string } | undefined): KueueRequeued | undefined {
  if (c === undefined || (c.status !== 'True' && c.status !== 'False') || c.reason === undefined) return undefined;
  const message = c.message ?? '';
  const podsReadyTimeout = c.reason === 'PodsReadyTimeout' ? parsePodsReadyTimeout(message) : undefined;
  const preemption = c.reason === 'Preempted' ? parseKueuePreemptionMessage(message) : undefined;
  const fixed = requeuedTexts[c.reason];
  return {
    requeued: c.status === 'True',
    reason: c.reason,
    podsReadyTimeout,
    preemption,
    known: (fixed !== undefined && fixed === message.trim()) || podsReadyTimeout !== undefined || preemption !== undefined,
  };
}
