// The workspace model: every object of every file resolved once (priority, QoS, requests, PDB coverage, ranks).
// Rules read it like the scheduler's CycleState: expensive facts are computed here once and shared by every rule.
import type { ParsedFile, K8sObject } from '../model/objects';
import { readWorkload, workloadKinds } from '../model/workload';
import type { Workload } from '../model/workload';
import type { FieldProblem } from '../model/fields';
import { readPriorityClass } from '../semantics/priority-class';
import type { PriorityClass } from '../semantics/priority-class';
import { PriorityClassIndex, resolvePriority } from '../semantics/priority';
import type { ResolvedPriority } from '../semantics/priority';
import { readLimitRange } from '../semantics/limit-range';
import type { LimitRangeDefaults } from '../semantics/limit-range';
import { defaultContainer, podLevelResources, podRequests } from '../semantics/resources';
import type { EffectiveContainer, PodLevelResources } from '../semantics/resources';
import type { Resources } from '../semantics/resource-amounts';
import { computePodQos } from '../semantics/qos';
import type { QosClass } from '../semantics/qos';
import { controllerHasScale, disruptionStatus, pdbSelectsPod, readPodDisruptionBudget, scaleResourceOf } from '../semantics/disruption';
import type { DisruptionEstimate, PodDisruptionBudget } from '../semantics/disruption';
import { evictionTier } from '../semantics/eviction';
import { partialReason } from '../semantics/partial';
import { removedApiVersion } from '../semantics/api-versions';
import type { EvictionTier } from '../semantics/eviction';

export interface AnalysisOptions {
  /** Kubernetes minor version (1.N) whose behaviour is modelled. */
  kubernetesMinor: number;
}

export const newestKubernetesMinor = 36;
export const oldestKubernetesMinor = 29;

/** AnalyzedWorkload is a workload with every derived fact the rules and views need. */
export interface AnalyzedWorkload {
  workload: Workload;
  object: K8sObject;
  priority: ResolvedPriority;
  containers: EffectiveContainer[];
  containersWithoutLimitRange: EffectiveContainer[];
  podLevel: PodLevelResources | undefined;
  requests: Resources;
  qosClass: QosClass;
  qosClassWithoutLimitRange: QosClass;
  /** The LimitRange that changed the QoS class, `namespace/name`. */
  limitRange: string | undefined;
  evictionTier: EvictionTier;
  pdbs: AnalyzedPdb[];
  /** 1-based position from the bottom (1 = preempted first); equal priorities share a position. */
  preemptionRank: { position: number; of: number };
  /** Set when the object is a fragment (R-D.11): the apiserver's cause; it is then not analysed as a workload. */
  partial: string | undefined;
}

export interface AnalyzedPdb {
  pdb: PodDisruptionBudget;
  workloads: AnalyzedWorkload[];
  estimate: DisruptionEstimate;
}

/** WorkspaceModel holds the workspace's and the cluster state's objects, resolved. */
export class WorkspaceModel {
  readonly files = new Map<string, ParsedFile>();
  readonly objects: K8sObject[] = [];
  readonly clusterObjects: K8sObject[] = [];
  readonly priorityClasses: PriorityClass[] = [];
  readonly clusterPriorityClasses: PriorityClass[] = [];
  readonly classIndex: PriorityClassIndex;
  readonly workloads: AnalyzedWorkload[] = [];
  readonly pdbs: AnalyzedPdb[] = [];
  readonly limitRanges = new Map<string, LimitRangeDefaults[]>();
  readonly nodes: K8sObject[] = [];
  readonly fieldProblems = new Map<K8sObject, FieldProblem[]>();
  /** Workloads sorted by priority ascending, for ranks and "who can preempt whom". */
  readonly byPriority: AnalyzedWorkload[];
  private readonly byFile = new Map<string, AnalyzedWorkload[]>();
  /** Where each file's objects start in `objects` (they are stored file by file), so an edit replaces them in place. */
  private readonly firstObjectOfFile = new Map<string, number>();
  /** preemptorSuffix[i] = workloads at index >= i of byPriority that may preempt. */
  private readonly preemptorSuffix: number[];

  constructor(
    files: readonly ParsedFile[],
    clusterFiles: readonly ParsedFile[],
    readonly options: AnalysisOptions,
  ) {
    for (const f of files) {
      this.files.set(f.file, f);
      this.firstObjectOfFile.set(f.file, this.objects.length);
      for (const o of f.objects) this.objects.push(o);
    }
    for (const f of clusterFiles) for (const o of f.objects) this.clusterObjects.push(o);
    const all = [...this.clusterObjects, ...this.objects];
    const pdbObjects: K8sObject[] = [];
    const workloadObjects: K8sObject[] = [];
    for (const object of all) {
      this.addProblems(object, object.fieldProblems);
      // An apiVersion the modelled Kubernetes no longer serves never creates the object (R-B.6): it resolves no class,
      // covers no pod and is no workload; rule api-version-removed reports it.
      if (removedApiVersion(object.kind, object.apiVersion, options.kubernetesMinor) !== undefined) continue;
      switch (object.kind) {
        case 'PriorityClass': {
          const { priorityClass, problems } = readPriorityClass(object);
          (object.origin === 'cluster' ? this.clusterPriorityClasses : this.priorityClasses).push(priorityClass);
          this.addProblems(object, problems);
          break;
        }
        case 'LimitRange': {
          const { limitRange, problems } = readLimitRange(object);
          const list = this.limitRanges.get(limitRange.namespace) ?? [];
          // A workspace LimitRange replaces the cluster's object of the same name.
          const same = list.findIndex((l) => l.id === limitRange.id);
          if (same !== -1) list.splice(same, 1);
          list.push(limitRange);
          list.sort((a, b) => a.id.localeCompare(b.id));
          this.limitRanges.set(limitRange.namespace, list);
          this.addProblems(object, problems);
          break;
        }
        case 'PodDisruptionBudget':
          pdbObjects.push(object);
          break;
        case 'Node':
          this.nodes.push(object);
          break;
        default:
          if (workloadKinds.has(object.kind)) workloadObjects.push(object);
      }
    }
    this.classIndex = new PriorityClassIndex(this.priorityClasses, this.clusterPriorityClasses);
    for (const object of workloadObjects) {
      const analyzed = this.analyzeWorkload(object);
      this.workloads.push(analyzed);
      const list = this.byFile.get(object.file) ?? [];
      list.push(analyzed);
      this.byFile.set(object.file, list);
    }
    const byNamespace = new Map<string, AnalyzedWorkload[]>();
    for (const w of this.workloads) {
      const ns = w.object.namespace ?? 'default';
      const list = byNamespace.get(ns) ?? [];
      list.push(w);
      byNamespace.set(ns, list);
    }
    const pdbsById = new Map<string, AnalyzedPdb>();
    for (const object of pdbObjects) {
      const { pdb, problems } = readPodDisruptionBudget(object);
      this.addProblems(object, problems);
      const workloads = (byNamespace.get(pdb.namespace) ?? []).filter((w) =>
        pdbSelectsPod(pdb, w.object.namespace ?? 'default', w.workload.podLabels),
      );
      // The disruption controller's arithmetic (R-K.4) with every pod of the selected workloads existing and healthy.
      let pods = 0;
      let replicas = 0;
      let unmanaged = 0;
      let noScale: string | undefined;
      for (const w of workloads) {
        const count = w.object.kind === 'Pod' ? 1 : (w.workload.replicas ?? Math.max(1, this.nodes.length));
        pods += count;
        if (w.object.kind === 'Pod') unmanaged += count;
        else if (controllerHasScale(w.object.apiVersion, w.object.kind) === true) replicas += count;
        else noScale ??= `${scaleResourceOf(w.object.kind)} does not implement the scale subresource`;
      }
      const estimate = disruptionStatus(pdb, {
        pods,
        healthy: pods,
        scale: noScale !== undefined ? { error: noScale } : { replicas, unmanaged },
      });
      const analyzed: AnalyzedPdb = { pdb, workloads, estimate };
      pdbsById.set(pdb.id, analyzed);
    }
    for (const analyzed of pdbsById.values()) {
      this.pdbs.push(analyzed);
      for (const w of analyzed.workloads) w.pdbs.push(analyzed);
    }
    // Pods the apiserver rejects never run: they neither preempt nor get preempted, so they are left out of the ranking.
    this.byPriority = this.workloads
      .filter((w) => w.priority.admission.allowed && w.partial === undefined)
      .sort((a, b) => a.priority.priority - b.priority.priority);
    this.preemptorSuffix = new Array<number>(this.byPriority.length + 1).fill(0);
    for (let i = this.byPriority.length - 1; i >= 0; i--) {
      const w = this.byPriority[i];
      const counts = w !== undefined && w.priority.preemptionPolicy === 'PreemptLowerPriority';
      this.preemptorSuffix[i] = (this.preemptorSuffix[i + 1] ?? 0) + (counts ? 1 : 0);
    }
    this.assignRanks();
  }

  private memo: { tier2?: number[]; usedClasses?: Set<string>; pdbsByFile?: Map<string, AnalyzedPdb[]>; hasWorkspaceWorkloads?: boolean } =
    {};

  /**
   * Cross-file facts that rules read on every edit, computed once per model: an in-place refresh (summary unchanged)
   * cannot change them, since priorities, class names, eviction tiers and identities are all part of the summary.
   */
  boundedPriorities(): number[] {
    return (this.memo.tier2 ??= this.workloads
      .filter((w) => w.evictionTier.tier === 2)
      .map((w) => w.priority.priority)
      .sort((a, b) => a - b));
  }

  usedClassNames(): Set<string> {
    if (this.memo.usedClasses === undefined) {
      const used = new Set<string>();
      for (const w of this.workloads) {
        if (w.priority.priorityClassName !== undefined) used.add(w.priority.priorityClassName);
        if (w.workload.priorityClassName !== undefined) used.add(w.workload.priorityClassName.value);
      }
      this.memo.usedClasses = used;
    }
    return this.memo.usedClasses;
  }

  pdbsInFile(file: string): AnalyzedPdb[] {
    if (this.memo.pdbsByFile === undefined) {
      const byFile = new Map<string, AnalyzedPdb[]>();
      for (const p of this.pdbs) {
        const list = byFile.get(p.pdb.object.file) ?? [];
        list.push(p);
        byFile.set(p.pdb.object.file, list);
      }
      this.memo.pdbsByFile = byFile;
    }
    return this.memo.pdbsByFile.get(file) ?? [];
  }

  hasWorkspaceWorkloads(): boolean {
    return (this.memo.hasWorkspaceWorkloads ??= this.workloads.some((w) => w.object.origin === 'workspace'));
  }

  workloadsInFile(file: string): AnalyzedWorkload[] {
    return this.byFile.get(file) ?? [];
  }

  /**
   * preemptorsOf lists workloads that may preempt `target`: strictly higher priority and policy PreemptLowerPriority
   * (R-E.4, R-E.1), highest first, at most `limit` of them (messages name a few; counts come from preemptorCount).
   */
  preemptorsOf(target: AnalyzedWorkload, limit = Infinity): AnalyzedWorkload[] {
    const result: AnalyzedWorkload[] = [];
    for (let i = this.byPriority.length - 1; i >= 0 && result.length < limit; i--) {
      const w = this.byPriority[i];
      if (w === undefined || w.priority.priority <= target.priority.priority) break;
      if (w.priority.preemptionPolicy === 'PreemptLowerPriority') result.push(w);
    }
    return result;
  }

  /** preemptorCount counts preemptors without building the list (code lenses and hovers on large workspaces). */
  preemptorCount(target: AnalyzedWorkload): number {
    // Binary search for the first workload of strictly higher priority, then read the precomputed suffix count.
    return this.preemptorSuffix[this.firstAbove(target.priority.priority)] ?? 0;
  }

  /** victimCount counts the workloads `source` may preempt (strictly lower priority), without building the list. */
  victimCount(source: AnalyzedWorkload): number {
    if (source.priority.preemptionPolicy === 'Never') return 0;
    let lo = 0;
    let hi = this.byPriority.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.byPriority[mid]?.priority.priority ?? 0) < source.priority.priority) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstAbove(priority: number): number {
    let lo = 0;
    let hi = this.byPriority.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.byPriority[mid]?.priority.priority ?? 0) <= priority) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** victimsOf lists workloads `source` may preempt: strictly lower priority, when its policy allows preemption. */
  victimsOf(source: AnalyzedWorkload, limit = Infinity): AnalyzedWorkload[] {
    if (source.priority.preemptionPolicy === 'Never') return [];
    const result: AnalyzedWorkload[] = [];
    for (const w of this.byPriority) {
      if (w.priority.priority >= source.priority.priority || result.length >= limit) break;
      result.push(w);
    }
    return result;
  }

  /**
   * refreshFile swaps in a re-parsed file whose summary is unchanged: cross-file facts (priorities, ranks, PDB
   * coverage) stay valid, so each object's record is updated in place with the new spans, in O(size of the file).
   */
  refreshFile(parsed: ParsedFile): void {
    const old = this.files.get(parsed.file);
    this.files.set(parsed.file, parsed);
    if (old === undefined) return;
    const replacements = new Map<K8sObject, K8sObject>();
    old.objects.forEach((o, i) => {
      const next = parsed.objects[i];
      if (next !== undefined) replacements.set(o, next);
    });
    // The file's objects sit together in `objects`: replace that run (O(objects of the file), not of the workspace).
    const first = this.firstObjectOfFile.get(parsed.file) ?? -1;
    const inPlace = first >= 0 && old.objects.every((o, i) => this.objects[first + i] === o);
    for (let i = inPlace ? first : 0, end = inPlace ? first + old.objects.length : this.objects.length; i < end; i++) {
      const next = replacements.get(this.objects[i]);
      if (next !== undefined) this.objects[i] = next;
    }
    for (let i = 0; i < this.nodes.length; i++) {
      const next = replacements.get(this.nodes[i]);
      if (next !== undefined) this.nodes[i] = next;
    }
    for (const [oldObject, newObject] of replacements) {
      this.fieldProblems.delete(oldObject);
      this.addProblems(newObject, newObject.fieldProblems);
      switch (newObject.kind) {
        case 'PriorityClass': {
          const target = this.priorityClasses.find((c) => c.object === oldObject);
          const { priorityClass, problems } = readPriorityClass(newObject);
          if (target !== undefined) Object.assign(target, priorityClass);
          this.addProblems(newObject, problems);
          break;
        }
        case 'LimitRange': {
          const { limitRange, problems } = readLimitRange(newObject);
          for (const list of this.limitRanges.values()) for (const l of list) if (l.object === oldObject) Object.assign(l, limitRange);
          this.addProblems(newObject, problems);
          break;
        }
        case 'PodDisruptionBudget': {
          const { pdb, problems } = readPodDisruptionBudget(newObject);
          const target = this.pdbs.find((p) => p.pdb.object === oldObject);
          if (target !== undefined) target.pdb = pdb;
          this.addProblems(newObject, problems);
          break;
        }
        default:
          break;
      }
    }
    for (const w of this.byFile.get(parsed.file) ?? []) {
      const next = replacements.get(w.object);
      if (next === undefined) continue;
      const fresh = this.analyzeWorkload(next);
      Object.assign(w, { ...fresh, pdbs: w.pdbs, preemptionRank: w.preemptionRank });
    }
  }

  private analyzeWorkload(object: K8sObject): AnalyzedWorkload {
    const workload = readWorkload(object);
    this.addProblems(object, workload.problems);
    const priority = resolvePriority(workload, this.classIndex);
    const namespace = object.namespace ?? 'default';
    const limitRanges = this.limitRanges.get(namespace) ?? [];
    const containers = workload.containers.map((c) => defaultContainer(c, limitRanges));
    const containersWithoutLimitRange = workload.containers.map((c) => defaultContainer(c, []));
    const podLevel = podLevelResources(workload, this.options.kubernetesMinor);
    const qosClass = computePodQos(containers, podLevel, workload.statusQosClass);
    const qosClassWithoutLimitRange = computePodQos(containersWithoutLimitRange, podLevel, workload.statusQosClass);
    const changedBy = containers.flatMap((c) => c.fromLimitRange.filter((f) => f.resource === 'cpu' || f.resource === 'memory'))[0]
      ?.limitRange;
    const requests = podRequests(containers, workload.overhead.values, podLevel);
    return {
      workload,
      object,
      priority,
      containers,
      containersWithoutLimitRange,
      podLevel,
      requests,
      qosClass,
      qosClassWithoutLimitRange,
      limitRange: qosClass !== qosClassWithoutLimitRange ? changedBy : undefined,
      evictionTier: evictionTier(workload, priority.priority, containers, podLevel),
      pdbs: [],
      preemptionRank: { position: 0, of: 0 },
      partial: partialReason(workload),
    };
  }

  private assignRanks(): void {
    const of = this.byPriority.length;
    let position = 1;
    for (let i = 0; i < this.byPriority.length; i++) {
      const w = this.byPriority[i];
      const previous = this.byPriority[i - 1];
      if (w === undefined) continue;
      if (previous !== undefined && previous.priority.priority !== w.priority.priority) position = i + 1;
      w.preemptionRank = { position, of };
    }
  }

  private addProblems(object: K8sObject, problems: FieldProblem[]): void {
    if (problems.length === 0) return;
    const list = this.fieldProblems.get(object) ?? [];
    list.push(...problems);
    this.fieldProblems.set(object, list);
  }
}
