// Kueue's view of a workspace (R-Q.1-R-Q.3): the queue objects, the quota tree (cohorts and ClusterQueues with the
// capacity Kueue computes for them), and for every job that names a LocalQueue its path to a ClusterQueue, its Kueue
// priority next to its pod priority, why Kueue would never admit it, and which other jobs Kueue could preempt it for.
// Values in, values out: built from the objects and the analysed workloads of the workspace model.
import type { Span } from '../text';
import { closest } from '../suggest';
import { formatCpu, formatQuantity } from '../quantity';
import type { K8sObject } from '../model/objects';
import { selectorMatches } from '../semantics/labels';
import type { PriorityClassIndex } from '../semantics/priority';
import { kueueJobLabels, queueNameLabel, readKueueObject } from '../semantics/kueue-objects';
import type { ClusterQueue, Cohort, LocalQueue, ResourceFlavor, ResourceGroup, WorkloadPriorityClass } from '../semantics/kueue-objects';
import { resolveKueuePriority } from '../semantics/kueue-priority';
import type { KueuePriority, KueuePriorityOptions } from '../semantics/kueue-priority';
import { CohortForest, kueuePreemptionPaths } from '../semantics/kueue-preemption';
import { kueueFairSharingNote } from '../semantics/kueue-fair-sharing';
import type { KueuePreemptionPath } from '../semantics/kueue-preemption';
import type { AnalyzedWorkload } from './analyzed';

/** The kinds Kueue's default and shipped integrations manage through the queue label on the object's own metadata. */
const queuedKinds: ReadonlySet<string> = new Set(['Job', 'CronJob', 'Pod', 'Deployment', 'StatefulSet']);

export type KueueJobProblem =
  | { kind: 'label-on-template'; span: Span; queueName: string }
  | { kind: 'local-queue-not-found'; queueName: string; suggestions: string[]; span: Span }
  | { kind: 'cluster-queue-not-found'; clusterQueue: string; localQueue: LocalQueue; suggestions: string[] }
  | { kind: 'namespace-not-admitted'; clusterQueue: ClusterQueue; namespace: string; selectorIsNil: boolean }
  | { kind: 'resource-not-covered'; clusterQueue: ClusterQueue; resource: string; message: string }
  /** `pods`: the pod count that does not fit (the fewest Kueue may admit, with partial admission). */
  | { kind: 'never-fits'; clusterQueue: ClusterQueue; resource: string; flavor: string; pods: number; message: string }
  | { kind: 'priority'; priority: KueuePriority; span: Span | undefined };

export interface KueueJob {
  workload: AnalyzedWorkload;
  queueName: string;
  /** Where the queue label is: the job's own metadata (what Kueue reads) or only the pod template (ignored). */
  labelSpan: Span;
  localQueue: LocalQueue | undefined;
  clusterQueue: ClusterQueue | undefined;
  /** Kueue's path of the ClusterQueue (`/co/cq-a`), when known. */
  path: string | undefined;
  priority: KueuePriority;
  /** The pod count of Kueue's one pod set (`main`): parallelism, at most completions, for a Job. */
  podCount: number;
  problems: KueueJobProblem[];
}

export interface KueuePreemptor {
  job: KueueJob;
  paths: KueuePreemptionPath[];
}

export interface KueueInputs {
  objects: readonly K8sObject[];
  workloads: readonly AnalyzedWorkload[];
  priorityClasses: PriorityClassIndex;
  options?: KueuePriorityOptions;
}

/** KueueFacts: everything the Kueue rules, hovers and `kpl explain` read, computed once per model. */
export class KueueFacts {
  readonly workloadPriorityClasses = new Map<string, WorkloadPriorityClass>();
  readonly localQueues = new Map<string, LocalQueue>();
  readonly clusterQueues = new Map<string, ClusterQueue>();
  readonly cohorts: Cohort[] = [];
  readonly flavors = new Map<string, ResourceFlavor>();
  readonly forest: CohortForest;
  /** Jobs in the order of the workloads given. */
  readonly jobs: KueueJob[] = [];
  readonly byWorkload = new Map<AnalyzedWorkload, KueueJob>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly quota: QuotaTree;
  private readonly fairSharingNotes = new Map<string, string | undefined>();

  constructor(inputs: KueueInputs) {
    for (const object of inputs.objects) {
      if (object.kind === 'Namespace') this.namespaceLabels.set(object.name, object.labels);
      const read = readKueueObject(object)?.read;
      if (read === undefined) continue;
      switch (read.kind) {
        case 'WorkloadPriorityClass':
          this.workloadPriorityClasses.set(read.value.name, read.value);
          break;
        case 'LocalQueue':
          this.localQueues.set(`${read.value.namespace}/${read.value.name}`, read.value);
          break;
        case 'ClusterQueue':
          this.clusterQueues.set(read.value.name, read.value);
          break;
        case 'Cohort':
          this.cohorts.push(read.value);
          break;
        case 'ResourceFlavor':
          this.flavors.set(read.value.name, read.value);
      }
    }
    this.forest = new CohortForest(this.cohorts);
    this.quota = new QuotaTree([...this.clusterQueues.values()], this.cohorts);
    for (const w of inputs.workloads) {
      const job = this.readJob(w, inputs.priorityClasses, inputs.options ?? {});
      if (job === undefined) continue;
      this.jobs.push(job);
      this.byWorkload.set(w, job);
    }
  }

  /** The jobs Kueue could preempt `job` for, with how (classical preemption; empty when Kueue never would). */
  preemptorsOf(job: KueueJob): KueuePreemptor[] {
    const victimCq = job.clusterQueue;
    const victimPriority = job.priority.value;
    if (victimCq === undefined || victimPriority === undefined) return [];
    const out: KueuePreemptor[] = [];
    for (const other of this.jobs) {
      if (other === job || other.clusterQueue === undefined || other.priority.value === undefined) continue;
      const paths = kueuePreemptionPaths(
        { name: jobName(other), priority: other.priority.value, clusterQueue: other.clusterQueue },
        { name: jobName(job), priority: victimPriority, clusterQueue: victimCq },
        this.forest,
      );
      if (paths.length > 0) out.push({ job: other, paths });
    }
    return out;
  }

  /**
   * What fair sharing means for a job's Workload (R-Q.7), when its ClusterQueue's cohort tree uses fair sharing: some
   * ClusterQueue of the tree sets `spec.fairSharing` (fair sharing itself is switched on in Kueue's Configuration, which
   * no manifest shows). Undefined outside a cohort or when no queue of the tree sets a weight. One note per ClusterQueue.
   */
  fairSharingOf(job: KueueJob): string | undefined {
    const cq = job.clusterQueue;
    if (cq === undefined) return undefined;
    if (this.fairSharingNotes.has(cq.name)) return this.fairSharingNotes.get(cq.name);
    const all = [...this.clusterQueues.values()];
    const root = this.forest.rootOf(cq);
    const uses = root !== undefined && all.some((q) => q.fairSharingWeight !== undefined && this.forest.rootOf(q) === root);
    const note = uses ? kueueFairSharingNote(cq, all, this.forest) : undefined;
    this.fairSharingNotes.set(cq.name, note);
    return note;
  }

  /** The most Kueue could ever admit of `resource` in `flavor` for ClusterQueue `cq` (PotentialAvailable), in milli-units. */
  maxCapacity(cq: ClusterQueue, flavor: string, resource: string): number {
    return this.quota.potentialAvailable(cq.name, `${flavor}/${resource}`);
  }

  private readJob(w: AnalyzedWorkload, priorityClasses: PriorityClassIndex, options: KueuePriorityOptions): KueueJob | undefined {
    const object = w.object;
    if (!queuedKinds.has(object.kind)) return undefined;
    const ownLabels = kueueJobLabels(object);
    const own = ownLabels[queueNameLabel];
    const onTemplate = object.kind === 'Pod' ? undefined : w.workload.podLabels[queueNameLabel];
    if ((own === undefined || own === '') && (onTemplate === undefined || onTemplate === '')) return undefined;
    const problems: KueueJobProblem[] = [];
    const namespace = object.namespace ?? 'default';
    const podCount = podSetCount(w);
    const priority = resolveKueuePriority(
      ownLabels,
      w.workload.priorityClassName?.value,
      this.workloadPriorityClasses,
      priorityClasses,
      options,
    );
    if (priority.problem !== undefined) problems.push({ kind: 'priority', priority, span: object.nameSpan });
    if (own === undefined || own === '') {
      // Kueue reads the label on the job's own metadata only: this job is not queued at all.
      const queueName = onTemplate ?? '';
      problems.push({ kind: 'label-on-template', span: object.nameSpan, queueName });
      return {
        workload: w,
        queueName,
        labelSpan: object.nameSpan,
        localQueue: undefined,
        clusterQueue: undefined,
        path: undefined,
        priority,
        podCount,
        problems,
      };
    }
    const localQueue = this.localQueues.get(`${namespace}/${own}`);
    let clusterQueue: ClusterQueue | undefined;
    if (localQueue === undefined) {
      const inNamespace = [...this.localQueues.values()].filter((q) => q.namespace === namespace).map((q) => q.name);
      problems.push({ kind: 'local-queue-not-found', queueName: own, suggestions: closest(own, inNamespace), span: object.nameSpan });
    } else {
      const cqName = localQueue.clusterQueue?.value ?? '';
      clusterQueue = this.clusterQueues.get(cqName);
      if (clusterQueue === undefined) {
        problems.push({
          kind: 'cluster-queue-not-found',
          clusterQueue: cqName,
          localQueue,
          suggestions: closest(cqName, [...this.clusterQueues.keys()]),
        });
      } else {
        problems.push(...this.admissionProblems(w, clusterQueue, namespace, minPodCount(w, podCount)));
      }
    }
    return {
      workload: w,
      queueName: own,
      labelSpan: object.nameSpan,
      localQueue,
      clusterQueue,
      path: clusterQueue === undefined ? undefined : this.forest.queuePath(clusterQueue),
      priority,
      podCount,
      problems,
    };
  }

  /** Why Kueue would never admit the job into `cq`: its namespace, a resource no group covers, or more than any flavor can hold. */
  private admissionProblems(w: AnalyzedWorkload, cq: ClusterQueue, namespace: string, podCount: number): KueueJobProblem[] {
    const problems: KueueJobProblem[] = [];
    const nsLabels = { ...(this.namespaceLabels.get(namespace) ?? {}), 'kubernetes.io/metadata.name': namespace };
    // A nil namespaceSelector admits no namespace; `{}` every one. Labels of a Namespace not in the workspace are
    // unknown, so only a selector decided by the name alone (or a nil one) is judged without the Namespace object.
    const judged = cq.namespaceSelector === undefined || this.namespaceLabels.has(namespace) || selectorOnlyReadsName(cq.namespaceSelector);
    if (judged && !selectorMatches(cq.namespaceSelector, nsLabels, 'everything')) {
      problems.push({ kind: 'namespace-not-admitted', clusterQueue: cq, namespace, selectorIsNil: cq.namespaceSelector === undefined });
    }
    for (const [resource, perPod] of Object.entries(w.requests)) {
      if (perPod <= 0) continue;
      const group = cq.resourceGroups.find((g) => g.coveredResources.includes(resource));
      if (group === undefined) {
        problems.push({
          kind: 'resource-not-covered',
          clusterQueue: cq,
          resource,
          message: `couldn't assign flavors to pod set main: resource ${resource} unavailable in ClusterQueue`,
        });
        continue;
      }
      const need = perPod * podCount;
      const best = bestFlavor(group, resource, (flavor) => this.maxCapacity(cq, flavor, resource));
      if (best !== undefined && need > best.capacity) {
        problems.push({
          kind: 'never-fits',
          clusterQueue: cq,
          pods: podCount,
          resource,
          flavor: best.flavor,
          message:
            `couldn't assign flavors to pod set main: insufficient quota for ${resource} in flavor ${best.flavor}, ` +
            `previously considered podsets requests (0) + current podset request (${amount(resource, need)}) > maximum capacity (${amount(resource, best.capacity)})`,
        });
      }
    }
    return problems;
  }
}

/** The flavor of a group with the most capacity for a resource: if even it cannot hold the job, none can. */
function bestFlavor(
  group: ResourceGroup,
  resource: string,
  capacity: (flavor: string) => number,
): { flavor: string; capacity: number } | undefined {
  let best: { flavor: string; capacity: number } | undefined;
  for (const f of group.flavors) {
    if (!f.resources.some((r) => r.name === resource)) continue;
    const c = capacity(f.name);
    if (best === undefined || c > best.capacity) best = { flavor: f.name, capacity: c };
  }
  return best;
}

function amount(resource: string, milli: number): string {
  return resource === 'cpu' ? formatCpu(milli) : formatQuantity(milli);
}

function jobName(job: KueueJob): string {
  const o = job.workload.object;
  return `${o.kind} ${o.namespace ?? 'default'}/${o.name}`;
}

function selectorOnlyReadsName(selector: NonNullable<ClusterQueue['namespaceSelector']>): boolean {
  return (
    Object.keys(selector.matchLabels).every((k) => k === 'kubernetes.io/metadata.name') &&
    selector.matchExpressions.every((e) => e.key === 'kubernetes.io/metadata.name')
  );
}

/** podSetCount: a Job's pods at once (parallelism, at most completions: Job.podsCount); other kinds their replicas. */
function podSetCount(w: AnalyzedWorkload): number {
  const job = w.workload.job;
  if (job !== undefined) return job.completions !== undefined ? Math.min(job.parallelism, job.completions) : job.parallelism;
  return w.workload.replicas ?? 1;
}

/**
 * minPodCount: the fewest pods Kueue may admit the job with. A Job annotated `kueue.x-k8s.io/job-min-parallelism`
 * (PartialAdmission, beta and on by default) may be admitted with down to that many pods when the whole does not fit.
 */
function minPodCount(w: AnalyzedWorkload, podCount: number): number {
  if (w.object.kind !== 'Job') return podCount;
  const text = w.object.annotations['kueue.x-k8s.io/job-min-parallelism'];
  const min = text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : undefined;
  return min !== undefined && min > 0 && min < podCount ? min : podCount;
}

/** QuotaTree: Kueue's resource nodes (pkg/cache/scheduler/resource_node.go) for the capacity a ClusterQueue can reach. */
class QuotaTree {
  /** Per node (`cq:<name>` or `cohort:<name>`): nominal and lending/borrowing limits per `flavor/resource`. */
  private readonly quotas = new Map<string, Map<string, { nominal: number; borrowingLimit?: number; lendingLimit?: number }>>();
  private readonly subtree = new Map<string, Map<string, number>>();
  private readonly parent = new Map<string, string>();

  constructor(cqs: readonly ClusterQueue[], cohorts: readonly Cohort[]) {
    const children = new Map<string, string[]>();
    const link = (child: string, cohortName: string | undefined): void => {
      if (cohortName === undefined || cohortName === '') return;
      const parent = `cohort:${cohortName}`;
      this.parent.set(child, parent);
      children.set(parent, [...(children.get(parent) ?? []), child]);
      if (!this.quotas.has(parent)) this.quotas.set(parent, new Map());
    };
    for (const c of cohorts) this.quotas.set(`cohort:${c.name}`, quotasOf(c.resourceGroups));
    for (const cq of cqs) {
      this.quotas.set(`cq:${cq.name}`, quotasOf(cq.resourceGroups));
      link(`cq:${cq.name}`, cq.cohort?.value);
    }
    // A cohort in a cycle of parents stays unlinked: Kueue refuses the tree (ErrCohortHasCycle) and its queues are inactive.
    const parentOf = new Map(cohorts.map((c) => [c.name, c.parentName?.value]));
    const inCycle = (name: string): boolean => {
      const seen = new Set<string>();
      for (let p = parentOf.get(name); p !== undefined && p !== ''; p = parentOf.get(p)) {
        if (p === name) return true;
        if (seen.has(p)) return false;
        seen.add(p);
      }
      return false;
    };
    for (const c of cohorts) if (!inCycle(c.name)) link(`cohort:${c.name}`, c.parentName?.value);
    // Cohorts in a cycle are never linked (above), so every parent chain ends at a root: no guard against loops.
    const visit = (node: string): Map<string, number> => {
      const known = this.subtree.get(node);
      if (known !== undefined) return known;
      const total = new Map<string, number>();
      for (const [fr, q] of this.quotas.get(node) ?? []) total.set(fr, q.nominal);
      for (const child of children.get(node) ?? []) {
        const sub = visit(child);
        for (const [fr, v] of sub) total.set(fr, (total.get(fr) ?? 0) + v - this.localQuota(child, fr, sub));
      }
      this.subtree.set(node, total);
      return total;
    };
    for (const node of this.quotas.keys()) visit(node);
  }

  /** localQuota: what a node keeps for itself (nominal above its lending limit). */
  private localQuota(node: string, fr: string, subtree: Map<string, number>): number {
    const lending = this.quotas.get(node)?.get(fr)?.lendingLimit;
    return lending === undefined ? 0 : Math.max(0, (subtree.get(fr) ?? 0) - lending);
  }

  potentialAvailable(cqName: string, fr: string): number {
    return this.potential(`cq:${cqName}`, fr);
  }

  private potential(node: string, fr: string): number {
    const subtree = this.subtree.get(node) ?? new Map<string, number>();
    const parent = this.parent.get(node);
    if (parent === undefined) return subtree.get(fr) ?? 0;
    let avail = this.localQuota(node, fr, subtree) + this.potential(parent, fr);
    const borrowing = this.quotas.get(node)?.get(fr)?.borrowingLimit;
    if (borrowing !== undefined) avail = Math.min((subtree.get(fr) ?? 0) + borrowing, avail);
    return avail;
  }
}

function quotasOf(groups: readonly ResourceGroup[]): Map<string, { nominal: number; borrowingLimit?: number; lendingLimit?: number }> {
  const out = new Map<string, { nominal: number; borrowingLimit?: number; lendingLimit?: number }>();
  for (const g of groups)
    for (const f of g.flavors)
      for (const r of f.resources) {
        const q: { nominal: number; borrowingLimit?: number; lendingLimit?: number } = { nominal: r.nominalQuota };
        if (r.borrowingLimit !== undefined) q.borrowingLimit = r.borrowingLimit;
        if (r.lendingLimit !== undefined) q.lendingLimit = r.lendingLimit;
        out.set(`${f.name}/${r.name}`, q);
      }
  return out;
}
