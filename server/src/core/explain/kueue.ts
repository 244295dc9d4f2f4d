// Kueue's part of a workload's explanation (issue 21): its queue path, its Kueue priority beside its pod priority, why
// Kueue would never admit it, and which queued jobs Kueue could preempt it for (R-Q.1-R-Q.3).
import type { AnalyzedWorkload, WorkspaceModel } from '../facts/workspace-model';
import type { KueueJob, KueueJobProblem } from '../facts/kueue-facts';
import type { PriorityFrom } from '../semantics/priority';
import type { KueuePriorityFrom } from '../semantics/kueue-priority';
import { describeKueuePriority } from '../semantics/kueue-priority';
import { kueuePreemptionReasonText, neverPreemptedByKueue } from '../semantics/kueue-preemption';
import type { KueuePreemptionReason } from '../semantics/kueue-preemption';
import { queueNameLabel } from '../semantics/kueue-objects';
import type { K8sObject } from '../model/objects';
import type { Span } from '../text';

export interface KueueExplanation {
  /** The `kueue.x-k8s.io/queue-name` label's value. */
  queueName: string;
  /** Whether Kueue manages the job: the label is on its own metadata (not only on the pod template). */
  queued: boolean;
  /** `namespace/name` of the LocalQueue, when it exists. */
  localQueue?: string;
  clusterQueue?: string;
  /** Kueue's path of the ClusterQueue, as its preemption messages print it (`/cohort/cq`). */
  path?: string;
  /** The ClusterQueue's cohort and the root of its cohort tree. */
  cohort?: string;
  cohortRoot?: string;
  /** The Workload's priority: value (absent when Kueue creates no Workload), where it came from, the class. */
  priority: { value?: number; origin: KueuePriorityFrom; className?: string; text: string };
  /** The pods' own priority, which kube-scheduler uses (R-A.*). */
  podPriority: { value: number; origin: PriorityFrom; className?: string };
  /** Why Kueue would never admit it (or not manage it), in Kueue's words where Kueue has them. */
  problems: Array<{ kind: KueueJobProblem['kind']; message: string }>;
  /** Queued jobs whose Workloads Kueue could evict this one's for, with the ClusterQueue field and reason of each way. */
  preemptors: Array<{
    id: string;
    path?: string;
    priority: number;
    reasons: Array<{ reason: KueuePreemptionReason; reasonText: string; policy: string; condition: string }>;
  }>;
  /** How many preemptors there are (the list may be capped). */
  preemptorCount: number;
  /** True when its ClusterQueue's policies make Kueue's classical preemption of it impossible (withinClusterQueue Never, no reclaiming queue in its cohort tree). */
  neverPreemptedByKueue: boolean;
  /**
   * Set when the ClusterQueue's cohort tree uses fair sharing (a queue of it sets `spec.fairSharing`): cross-queue
   * preemption then follows live usage, and this says what the weights imply (kueueFairSharingNote).
   */
  fairSharing?: string;
}

/** explainKueue: undefined for a workload that names no queue. */
export function explainKueue(model: WorkspaceModel, w: AnalyzedWorkload, maxListed = Infinity): KueueExplanation | undefined {
  if (!model.hasKueue()) return undefined;
  const kueue = model.kueue;
  const job = kueue.byWorkload.get(w);
  if (job === undefined) return undefined;
  const p = job.priority;
  const pod = w.priority;
  const out: KueueExplanation = {
    queueName: job.queueName,
    queued: !job.problems.some((x) => x.kind === 'label-on-template'),
    priority: { origin: p.from, text: describeKueuePriority(p) },
    podPriority: { value: pod.priority, origin: pod.from },
    problems: job.problems
      .filter((x) => x.kind !== 'priority' || x.priority.problem !== undefined)
      .map((x) => ({ kind: x.kind, message: problemText(job, x) })),
    preemptors: [],
    preemptorCount: 0,
    neverPreemptedByKueue: false,
  };
  if (p.value !== undefined) out.priority.value = p.value;
  if (p.className !== undefined) out.priority.className = p.className;
  if (pod.priorityClassName !== undefined) out.podPriority.className = pod.priorityClassName;
  if (job.localQueue !== undefined) out.localQueue = `${job.localQueue.namespace}/${job.localQueue.name}`;
  const cq = job.clusterQueue;
  if (cq !== undefined) {
    out.clusterQueue = cq.name;
    if (job.path !== undefined) out.path = job.path;
    const cohort = cq.cohort?.value;
    if (cohort !== undefined && cohort !== '') {
      out.cohort = cohort;
      out.cohortRoot = kueue.forest.rootOf(cq) ?? cohort;
    }
    const preemptors = kueue
      .preemptorsOf(job)
      .sort(
        (a, b) =>
          (b.job.priority.value ?? 0) - (a.job.priority.value ?? 0) || (a.job.workload.object.id < b.job.workload.object.id ? -1 : 1),
      );
    out.preemptorCount = preemptors.length;
    out.preemptors = preemptors.slice(0, maxListed).map((x) => {
      const item: KueueExplanation['preemptors'][number] = {
        id: x.job.workload.object.id,
        priority: x.job.priority.value ?? 0,
        reasons: x.paths.map((path) => ({
          reason: path.reason,
          reasonText: kueuePreemptionReasonText[path.reason],
          policy: path.policy,
          condition: path.condition,
        })),
      };
      if (x.job.path !== undefined) item.path = x.job.path;
      return item;
    });
    out.neverPreemptedByKueue = preemptors.length === 0 && neverPreemptedByKueue(cq, [...kueue.clusterQueues.values()], kueue.forest);
    const fair = kueue.fairSharingOf(job);
    if (fair !== undefined) out.fairSharing = `fair sharing: depends on live usage; the weights imply: ${fair}`;
    else if (cq.fairSharingWeight !== undefined)
      out.fairSharing = `fairSharing.weight ${cq.fairSharingWeight.value}: ClusterQueue ${cq.name} is in no cohort, so fair sharing never preempts across queues for it.`;
  }
  return out;
}

function problemText(job: KueueJob, p: KueueJobProblem): string {
  switch (p.kind) {
    case 'label-on-template':
      return `${queueNameLabel} is only on the pod template: Kueue does not manage this ${job.workload.object.kind}`;
    case 'local-queue-not-found':
      return `LocalQueue ${p.queueName} does not exist in namespace ${job.workload.object.namespace ?? 'default'}`;
    case 'cluster-queue-not-found':
      return `LocalQueue ${p.localQueue.namespace}/${p.localQueue.name} points to ClusterQueue ${p.clusterQueue}, which does not exist`;
    case 'namespace-not-admitted':
      return `ClusterQueue ${p.clusterQueue.name} does not admit namespace ${p.namespace}${p.selectorIsNil ? ' (no namespaceSelector: no namespace)' : ''}`;
    case 'resource-not-covered':
    case 'never-fits':
      return p.message;
    case 'priority':
      return p.priority.problem?.message ?? '';
  }
}

/** What hovers and code lenses show of a queued workload: one line of plain text (callers escape it) and Kueue's preemptors. */
export interface KueueSummary {
  /** `Kueue priority 1000 (WorkloadPriorityClass high) · pod priority 0 (none) · queue ci/tests → /ci/tests`. */
  text: string;
  /** What Kueue could preempt it for, in words (`never preempted by Kueue`, `preemptible by Kueue: 2`). */
  preemption: string;
  preemptors: AnalyzedWorkload[];
  preemptorCount: number;
  /** explainKueue's `fairSharing` (plain text; callers escape it). */
  fairSharing?: string;
}

/** kueueSummary: undefined for a workload that names no queue. */
export function kueueSummary(model: WorkspaceModel, w: AnalyzedWorkload, limit = Infinity): KueueSummary | undefined {
  const k = explainKueue(model, w, limit);
  const job = model.hasKueue() ? model.kueue.byWorkload.get(w) : undefined;
  if (k === undefined || job === undefined) return undefined;
  const kueuePriority =
    k.priority.value === undefined
      ? `Kueue priority none (${job.priority.problem?.message ?? 'no Workload'})`
      : `Kueue priority ${k.priority.value} (${kueueOrigin(k)})`;
  const podPriority = `pod priority ${k.podPriority.value} (${k.podPriority.className ?? k.podPriority.origin})`;
  const queue = k.localQueue ?? `${w.object.namespace ?? 'default'}/${k.queueName}`;
  const where = !k.queued
    ? `queue label only on the pod template: not queued`
    : k.path !== undefined
      ? `queue ${queue} → ${k.path}`
      : k.localQueue === undefined
        ? `queue ${queue}: LocalQueue not found`
        : `queue ${queue}: ClusterQueue not found`;
  const preemption =
    !k.queued || k.clusterQueue === undefined
      ? ''
      : k.neverPreemptedByKueue
        ? 'never preempted by Kueue'
        : `preemptible by Kueue: ${k.preemptorCount}`;
  const fair = model.kueue.fairSharingOf(job) !== undefined;
  const byId = new Map(model.kueue.preemptorsOf(job).map((p) => [p.job.workload.object.id, p.job.workload]));
  const preemptors = k.preemptors.map((p) => byId.get(p.id)).filter((p): p is AnalyzedWorkload => p !== undefined);
  const out: KueueSummary = {
    text: `${kueuePriority} · ${podPriority} · ${where}`,
    preemption: fair && preemption !== '' ? `${preemption} · fair sharing: depends on live usage` : preemption,
    preemptors,
    preemptorCount: k.preemptorCount,
  };
  if (k.fairSharing !== undefined) out.fairSharing = k.fairSharing;
  return out;
}

function kueueOrigin(k: KueueExplanation): string {
  const name = k.priority.className ?? '';
  switch (k.priority.origin) {
    case 'workloadPriorityClass':
      return `WorkloadPriorityClass ${name}`;
    case 'defaultWorkloadPriorityClass':
      return `WorkloadPriorityClass ${name}, defaulted`;
    case 'priorityClass':
      return `PriorityClass ${name}`;
    case 'globalDefault':
      return `globalDefault ${name}`;
    case 'none':
      return 'none';
  }
}

/** A WorkloadPriorityClass as the Priority Map's Kueue ladder shows it. */
export interface WorkloadPriorityClassExplanation {
  name: string;
  value: number;
  origin: K8sObject['origin'];
  file: string;
  span: Span;
  /** Queued jobs whose Workload takes this class's value (by label, or as the `default` class), by id. */
  usedBy: string[];
}

/** The WorkloadPriorityClasses Kueue sees, highest value first; [] when the workspace does not use Kueue. */
export function explainWorkloadPriorityClasses(model: WorkspaceModel): WorkloadPriorityClassExplanation[] {
  if (!model.hasKueue()) return [];
  const kueue = model.kueue;
  const usedBy = new Map<string, string[]>();
  for (const job of kueue.jobs) {
    const p = job.priority;
    if (p.className === undefined || (p.from !== 'workloadPriorityClass' && p.from !== 'defaultWorkloadPriorityClass')) continue;
    const ids = usedBy.get(p.className) ?? [];
    ids.push(job.workload.object.id);
    usedBy.set(p.className, ids);
  }
  return [...kueue.workloadPriorityClasses.values()]
    .map((c) => ({
      name: c.name,
      value: c.value,
      origin: c.object.origin,
      file: c.object.file,
      span: c.object.nameSpan,
      usedBy: (usedBy.get(c.name) ?? []).sort(),
    }))
    .sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
