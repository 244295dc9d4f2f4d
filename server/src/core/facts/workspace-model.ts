// Over 400 lines because the model and its delta update (update, the ladder merge, the signatures) share indexes that must change together.
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

/** What one file contributes to the model, kept so that an edit replaces that file's part only. */
interface FileFacts {
  /** Insertion order of the file: a fresh build orders everything by it, so an update does too. */
  seq: number;
  objects: K8sObject[];
  /** Workspace classes (cluster classes for the cluster's facts), the served ones only. */
  classes: PriorityClass[];
  limitRanges: LimitRangeDefaults[];
  pdbs: Array<{ read: PodDisruptionBudget; analyzed: AnalyzedPdb | undefined }>;
  nodes: K8sObject[];
  workloadObjects: K8sObject[];
  workloads: AnalyzedWorkload[];
}

/** ModelChange: a workspace file replaced (parsed) or removed (undefined), as the host applies edits. */
export interface ModelChange {
  file: string;
  parsed: ParsedFile | undefined;
}

/** WorkspaceModel holds the workspace's and the cluster state's objects, resolved. */
export class WorkspaceModel {
  readonly files = new Map<string, ParsedFile>();
  readonly objects: K8sObject[] = [];
  readonly clusterObjects: K8sObject[] = [];
  readonly priorityClasses: PriorityClass[] = [];
  readonly clusterPriorityClasses: PriorityClass[] = [];
  classIndex: PriorityClassIndex;
  readonly workloads: AnalyzedWorkload[] = [];
  readonly pdbs: AnalyzedPdb[] = [];
  readonly limitRanges = new Map<string, LimitRangeDefaults[]>();
  readonly nodes: K8sObject[] = [];
  readonly fieldProblems = new Map<K8sObject, FieldProblem[]>();
  /** Workloads sorted by priority ascending, for ranks and "who can preempt whom". */
  readonly byPriority: AnalyzedWorkload[] = [];
  private readonly clusterByFile = new Map<string, AnalyzedWorkload[]>();
  private readonly facts = new Map<string, FileFacts>();
  private readonly cluster: FileFacts;
  private nextSeq = 1;
  /** Workloads by the class name they reference ('' = none: they get the globalDefault class). */
  private readonly byClassRef = new Map<string, Set<AnalyzedWorkload>>();
  /** Position of a workload in a fresh build's order (file order, then object order): ties of byPriority keep it. */
  private readonly ordinal = new WeakMap<AnalyzedWorkload, number>();
  /** preemptorSuffix[i] = workloads at index >= i of byPriority that may preempt. */
  private preemptorSuffix: number[] = [];

  constructor(
    files: readonly ParsedFile[],
    clusterFiles: readonly ParsedFile[],
    readonly options: AnalysisOptions,
  ) {
    const clusterObjects: K8sObject[] = [];
    for (const f of clusterFiles) for (const o of f.objects) clusterObjects.push(o);
    this.cluster = this.readFacts(clusterObjects, 0);
    for (const f of files) {
      this.files.set(f.file, f);
      this.facts.set(f.file, this.readFacts(f.objects, this.nextSeq++));
    }
    this.collectLists();
    this.classIndex = new PriorityClassIndex(this.priorityClasses, this.clusterPriorityClasses);
    for (const facts of this.allFacts()) {
      facts.workloads = facts.workloadObjects.map((o) => this.analyzeWorkload(o));
      facts.workloads.forEach((w, i) => this.indexWorkload(w, facts.seq, i));
    }
    this.collectWorkloads();
    this.assemblePdbs(undefined);
    // Pods the apiserver rejects never run: they neither preempt nor get preempted, so they are left out of the ranking.
    this.byPriority.push(...this.workloads.filter(ranked).sort((a, b) => a.priority.priority - b.priority.priority));
    this.assignRanks();
  }

  /** readFacts classifies a file's objects and reads what needs no other file (classes, LimitRanges, PDBs). */
  private readFacts(objects: K8sObject[], seq: number): FileFacts {
    const facts: FileFacts = { seq, objects, classes: [], limitRanges: [], pdbs: [], nodes: [], workloadObjects: [], workloads: [] };
    for (const object of objects) {
      this.addProblems(object, object.fieldProblems);
      // An apiVersion the modelled Kubernetes no longer serves never creates the object (R-B.6): it resolves no class,
      // covers no pod and is no workload; rule api-version-removed reports it.
      if (removedApiVersion(object.kind, object.apiVersion, this.options.kubernetesMinor) !== undefined) continue;
      switch (object.kind) {
        case 'PriorityClass': {
          const { priorityClass, problems } = readPriorityClass(object);
          facts.classes.push(priorityClass);
          this.addProblems(object, problems);
          break;
        }
        case 'LimitRange': {
          const { limitRange, problems } = readLimitRange(object);
          facts.limitRanges.push(limitRange);
          this.addProblems(object, problems);
          break;
        }
        case 'PodDisruptionBudget': {
          const { pdb, problems } = readPodDisruptionBudget(object);
          facts.pdbs.push({ read: pdb, analyzed: undefined });
          this.addProblems(object, problems);
          break;
        }
        case 'Node':
          facts.nodes.push(object);
          break;
        default:
          if (workloadKinds.has(object.kind)) facts.workloadObjects.push(object);
      }
    }
    return facts;
  }

  private *allFacts(): Iterable<FileFacts> {
    yield this.cluster;
    yield* this.facts.values();
  }

  /** collectLists rebuilds the object, class, LimitRange and node lists from the files' facts, in file order. */
  private collectLists(): void {
    this.objects.length = 0;
    this.clusterObjects.length = 0;
    this.priorityClasses.length = 0;
    this.nodes.length = 0;
    this.limitRanges.clear();
    this.clusterObjects.push(...this.cluster.objects);
    this.clusterPriorityClasses.length = 0;
    this.clusterPriorityClasses.push(...this.cluster.classes);
    for (const facts of this.facts.values()) {
      for (const o of facts.objects) this.objects.push(o);
      for (const c of facts.classes) this.priorityClasses.push(c);
    }
    for (const facts of this.allFacts()) {
      for (const n of facts.nodes) this.nodes.push(n);
      for (const limitRange of facts.limitRanges) {
        const list = this.limitRanges.get(limitRange.namespace) ?? [];
        // A workspace LimitRange replaces the cluster's object of the same name.
        const same = list.findIndex((l) => l.id === limitRange.id);
        if (same !== -1) list.splice(same, 1);
        list.push(limitRange);
        list.sort((a, b) => a.id.localeCompare(b.id));
        this.limitRanges.set(limitRange.namespace, list);
      }
    }
  }

  private collectWorkloads(): void {
    this.workloads.length = 0;
    this.clusterByFile.clear();
    for (const w of this.cluster.workloads) {
      this.workloads.push(w);
      const list = this.clusterByFile.get(w.object.file) ?? [];
      list.push(w);
      this.clusterByFile.set(w.object.file, list);
    }
    for (const facts of this.facts.values()) for (const w of facts.workloads) this.workloads.push(w);
  }

  private indexWorkload(w: AnalyzedWorkload, seq: number, index: number): void {
    this.ordinal.set(w, seq * 1_000_000 + index);
    const ref = w.workload.priorityClassName?.value ?? '';
    let set = this.byClassRef.get(ref);
    if (set === undefined) this.byClassRef.set(ref, (set = new Set()));
    set.add(w);
  }

  private unindexWorkload(w: AnalyzedWorkload): void {
    this.byClassRef.get(w.workload.priorityClassName?.value ?? '')?.delete(w);
  }

  /**
   * assemblePdbs rebuilds the PDB list in file order; coverage and the disruption estimate are recomputed for the PDBs
   * of `namespaces` (all when undefined) and for newly read ones, and kept for the others.
   */
  private assemblePdbs(namespaces: ReadonlySet<string> | undefined): void {
    let byNamespace: Map<string, AnalyzedWorkload[]> | undefined;
    const workloadsOf = (ns: string): AnalyzedWorkload[] => {
      if (byNamespace === undefined) {
        byNamespace = new Map();
        for (const w of this.workloads) {
          const key = w.object.namespace ?? 'default';
          const list = byNamespace.get(key) ?? [];
          list.push(w);
          byNamespace.set(key, list);
        }
      }
      return byNamespace.get(ns) ?? [];
    };
    const pdbsById = new Map<string, AnalyzedPdb>();
    for (const facts of this.allFacts()) {
      for (const entry of facts.pdbs) {
        if (entry.analyzed === undefined || namespaces === undefined || namespaces.has(entry.read.namespace))
          entry.analyzed = this.analyzePdb(entry.read, workloadsOf(entry.read.namespace));
        pdbsById.set(entry.read.id, entry.analyzed);
      }
    }
    this.pdbs.length = 0;
    for (const analyzed of pdbsById.values()) this.pdbs.push(analyzed);
    for (const w of this.workloads) if (namespaces === undefined || namespaces.has(w.object.namespace ?? 'default')) w.pdbs = [];
    for (const analyzed of this.pdbs)
      if (namespaces === undefined || namespaces.has(analyzed.pdb.namespace)) for (const w of analyzed.workloads) w.pdbs.push(analyzed);
  }

  private analyzePdb(pdb: PodDisruptionBudget, candidates: readonly AnalyzedWorkload[]): AnalyzedPdb {
    const workloads = candidates.filter((w) => pdbSelectsPod(pdb, w.object.namespace ?? 'default', w.workload.podLabels));
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
    return { pdb, workloads, estimate };
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

  /** objectsIn lists the workspace objects of these files (rules check their targets without walking the workspace). */
  *objectsIn(files: Iterable<string>): Iterable<K8sObject> {
    for (const file of files) yield* this.files.get(file)?.objects ?? [];
  }

  workloadsInFile(file: string): AnalyzedWorkload[] {
    const own = this.facts.get(file)?.workloads;
    const cluster = this.clusterByFile.get(file);
    return cluster === undefined ? (own ?? []) : own === undefined ? cluster : [...cluster, ...own];
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
    const facts = this.facts.get(parsed.file);
    this.files.set(parsed.file, parsed);
    if (old === undefined || facts === undefined) return;
    const replacements = new Map<K8sObject, K8sObject>();
    old.objects.forEach((o, i) => {
      const next = parsed.objects[i];
      if (next !== undefined) replacements.set(o, next);
    });
    facts.objects = parsed.objects;
    // The file's objects sit together in `objects`: replace that run (O(objects of the file), not of the workspace).
    for (let i = 0; i < this.objects.length; i++) {
      const next = replacements.get(this.objects[i]);
      if (next !== undefined) this.objects[i] = next;
    }
    for (const list of [this.nodes, facts.nodes, facts.workloadObjects])
      for (let i = 0; i < list.length; i++) {
        const next = replacements.get(list[i]);
        if (next !== undefined) list[i] = next;
      }
    for (const [oldObject, newObject] of replacements) {
      this.fieldProblems.delete(oldObject);
      this.addProblems(newObject, newObject.fieldProblems);
      switch (newObject.kind) {
        case 'PriorityClass': {
          const target = facts.classes.find((c) => c.object === oldObject);
          const { priorityClass, problems } = readPriorityClass(newObject);
          if (target !== undefined) Object.assign(target, priorityClass);
          this.addProblems(newObject, problems);
          break;
        }
        case 'LimitRange': {
          const { limitRange, problems } = readLimitRange(newObject);
          for (const l of facts.limitRanges) if (l.object === oldObject) Object.assign(l, limitRange);
          this.addProblems(newObject, problems);
          break;
        }
        case 'PodDisruptionBudget': {
          const { pdb, problems } = readPodDisruptionBudget(newObject);
          for (const entry of facts.pdbs)
            if (entry.read.object === oldObject) {
              entry.read = pdb;
              if (entry.analyzed !== undefined) entry.analyzed.pdb = pdb;
            }
          this.addProblems(newObject, problems);
          break;
        }
        default:
          break;
      }
    }
    for (const w of facts.workloads) {
      const next = replacements.get(w.object);
      if (next === undefined) continue;
      const fresh = this.analyzeWorkload(next);
      // The summary holds the class name: the workload stays where byClassRef has it.
      Object.assign(w, { ...fresh, pdbs: w.pdbs, preemptionRank: w.preemptionRank });
    }
  }

  /**
   * update applies files whose summaries changed (or that were added or removed) without rebuilding the model: the
   * files' facts are replaced; the workloads whose inputs changed (a class they reference, the globalDefault, their
   * namespace's LimitRange defaults) are resolved again; PDB coverage is recomputed for the namespaces whose pods or
   * PDBs changed; the priority ladder is merged. It returns the workspace files whose findings may have changed
   * (besides the changed files themselves): the dependents of each fact that changed.
   */
  update(changes: readonly ModelChange[]): Set<string> {
    const affected = new Set<string>();
    const oldClassSigs = new Map<string, string>();
    for (const [name, c] of this.classIndex.byName) oldClassSigs.set(name, classSig(c));
    const oldDefault = this.classIndex.globalDefault;
    const oldDefaultSig = oldDefault === undefined ? '' : classSig(oldDefault);
    const oldLimitRanges = new Map<string, string>();
    const oldNodes = this.nodes.length;
    const oldHasWorkspaceWorkloads = this.hasWorkspaceWorkloads();
    const oldWorkloadCount = this.workloads.length;
    // Workloads leaving the model (their file changed) and those resolved again, with what others read of them before.
    const before = new Map<AnalyzedWorkload, WorkloadSigs>();
    const touchedLimitRangeNs = new Set<string>();
    const pdbNs = new Set<string>();
    let classesTouched = false;
    const added: AnalyzedWorkload[] = [];
    const removed = new Set<AnalyzedWorkload>();
    const reused = new Map<string, AnalyzedWorkload[]>();
    for (const change of changes) {
      const old = this.facts.get(change.file);
      if (old !== undefined) {
        for (const o of old.objects) this.fieldProblems.delete(o);
        for (const l of old.limitRanges) touchedLimitRangeNs.add(l.namespace);
        for (const p of old.pdbs) pdbNs.add(p.read.namespace);
        if (old.classes.length > 0) classesTouched = true;
        for (const w of old.workloads) {
          before.set(w, sigsOf(w));
          this.unindexWorkload(w);
        }
        reused.set(change.file, old.workloads);
      }
      if (change.parsed === undefined) {
        this.files.delete(change.file);
        this.facts.delete(change.file);
        for (const w of old?.workloads ?? []) removed.add(w);
        continue;
      }
      this.files.set(change.file, change.parsed);
      const facts = this.readFacts(change.parsed.objects, old?.seq ?? this.nextSeq++);
      // A class that keeps its name keeps its record (updated in place), so workloads resolved against it stay valid.
      const oldClasses = new Map((old?.classes ?? []).map((c) => [c.name, c]));
      facts.classes = facts.classes.map((c) => {
        const previous = oldClasses.get(c.name);
        if (previous === undefined) return c;
        oldClasses.delete(c.name);
        return Object.assign(previous, c);
      });
      if (facts.classes.length > 0) classesTouched = true;
      for (const l of facts.limitRanges) touchedLimitRangeNs.add(l.namespace);
      for (const p of facts.pdbs) pdbNs.add(p.read.namespace);
      this.facts.set(change.file, facts);
    }
    for (const ns of touchedLimitRangeNs) oldLimitRanges.set(ns, limitRangeSig(this.limitRanges.get(ns)));
    this.collectLists();
    if (classesTouched) this.classIndex = new PriorityClassIndex(this.priorityClasses, this.clusterPriorityClasses);
    // Which inputs of other files' workloads changed: class records, the default class, LimitRange defaults.
    const changedClasses = new Set<string>();
    if (classesTouched) {
      for (const [name, sig] of oldClassSigs) {
        const now = this.classIndex.byName.get(name);
        if (now === undefined || classSig(now) !== sig) changedClasses.add(name);
      }
      for (const name of this.classIndex.byName.keys()) if (!oldClassSigs.has(name)) changedClasses.add(name);
    }
    const newDefault = this.classIndex.globalDefault;
    const defaultChanged = (newDefault === undefined ? '' : classSig(newDefault)) !== oldDefaultSig || newDefault !== oldDefault;
    const changedLimitRangeNs = new Set<string>();
    for (const [ns, sig] of oldLimitRanges) if (limitRangeSig(this.limitRanges.get(ns)) !== sig) changedLimitRangeNs.add(ns);
    const again = new Set<AnalyzedWorkload>();
    for (const name of changedClasses) for (const w of this.byClassRef.get(name) ?? []) again.add(w);
    if (defaultChanged) for (const w of this.byClassRef.get('') ?? []) again.add(w);
    if (changedLimitRangeNs.size > 0)
      for (const facts of this.allFacts())
        for (const w of facts.workloads) if (changedLimitRangeNs.has(w.object.namespace ?? 'default')) again.add(w);
    for (const w of removed) again.delete(w);
    for (const w of [...before.keys()]) again.delete(w);
    for (const w of again) {
      before.set(w, sigsOf(w));
      const fresh = this.resolveWorkload(w.workload, w.object);
      Object.assign(w, { ...fresh, pdbs: w.pdbs, preemptionRank: w.preemptionRank });
    }
    // The changed files' workloads: a workload that keeps its place and identity keeps its record (PDBs and the
    // ladder hold it), so an edit that changes nothing others read leaves them alone.
    for (const change of changes) {
      const facts = this.facts.get(change.file);
      if (facts === undefined) continue;
      const previous = reused.get(change.file) ?? [];
      facts.workloads = facts.workloadObjects.map((object, i) => {
        const fresh = this.analyzeWorkload(object);
        const old = previous[i];
        if (old !== undefined && old.object.kind === object.kind && old.object.id === object.id) {
          Object.assign(old, { ...fresh, pdbs: old.pdbs, preemptionRank: old.preemptionRank });
          return old;
        }
        added.push(fresh);
        return fresh;
      });
      const kept = new Set(facts.workloads);
      for (const w of previous) if (!kept.has(w)) removed.add(w);
      facts.workloads.forEach((w, i) => this.indexWorkload(w, facts.seq, i));
    }
    this.collectWorkloads();
    // What other files read of the workloads that changed: the ladder (ranks, preemptors), the bounded priorities,
    // pods by namespace (PDB coverage, affinity) and class usage.
    let ladderChanged = added.length > 0 || removed.size > 0;
    let tierChanged = ladderChanged;
    let podsChanged = ladderChanged;
    let usageChanged = ladderChanged;
    for (const w of removed) pdbNs.add(w.object.namespace ?? 'default');
    for (const w of added) pdbNs.add(w.object.namespace ?? 'default');
    for (const [w, old] of before) {
      if (removed.has(w)) continue;
      const now = sigsOf(w);
      if (now.ladder !== old.ladder) ladderChanged = true;
      if (now.tier !== old.tier) tierChanged = true;
      if (now.usage !== old.usage) usageChanged = true;
      if (now.pods !== old.pods) {
        podsChanged = true;
        pdbNs.add(old.namespace);
        pdbNs.add(now.namespace);
      }
      if (!this.facts.has(w.object.file) || w.object.origin !== 'workspace') continue;
      if (now.all !== old.all) affected.add(w.object.file);
    }
    const nodesChanged = this.nodes.length !== oldNodes;
    this.assemblePdbs(nodesChanged ? undefined : pdbNs);
    if (before.size > 0 || added.length > 0) this.mergeLadder(new Set([...before.keys(), ...removed]), [...before.keys(), ...added]);
    this.memo = {};
    // The dependents of each changed fact.
    const workloadFiles = (test: (w: AnalyzedWorkload) => boolean): void => {
      for (const [file, facts] of this.facts) if (!affected.has(file) && facts.workloads.some(test)) affected.add(file);
    };
    if (ladderChanged || tierChanged) workloadFiles(() => true);
    else if (podsChanged || pdbNs.size > 0) {
      // PDB coverage (pdb-overlapping, hovers) and required pod affinity to other workloads.
      workloadFiles((w) => pdbNs.has(w.object.namespace ?? 'default') || w.workload.requiredPodAffinity.length > 0);
    }
    // limitrange-violation and missing-requests read the namespace's LimitRanges themselves (min, max, ratios).
    if (touchedLimitRangeNs.size > 0) workloadFiles((w) => touchedLimitRangeNs.has(w.object.namespace ?? 'default'));
    if (nodesChanged) workloadFiles((w) => w.workload.requiredPodAntiAffinity.length > 0);
    const allPdbs = nodesChanged || this.hasWorkspaceWorkloads() !== oldHasWorkspaceWorkloads;
    for (const [file, facts] of this.facts) if (facts.pdbs.some((p) => allPdbs || pdbNs.has(p.read.namespace))) affected.add(file);
    // Class files: duplicates and defaults across files, usage, the workspace's emptiness.
    if (classesTouched || usageChanged || (oldWorkloadCount === 0) !== (this.workloads.length === 0))
      for (const [file, facts] of this.facts) if (facts.classes.length > 0) affected.add(file);
    // priority-class-not-found suggests the existing names: its workloads depend on the set of names.
    if (changedClasses.size > 0)
      workloadFiles((w) => w.workload.priorityClassName !== undefined && !this.classIndex.byName.has(w.workload.priorityClassName.value));
    for (const [file] of this.facts) if (changes.some((c) => c.file === file)) affected.add(file);
    for (const change of changes) if (change.parsed === undefined) affected.delete(change.file);
    return affected;
  }

  /** mergeLadder takes `out` out of byPriority and merges `into` (those still ranked) back in, in a fresh build's order. */
  private mergeLadder(out: ReadonlySet<AnalyzedWorkload>, into: readonly AnalyzedWorkload[]): void {
    const order = (a: AnalyzedWorkload, b: AnalyzedWorkload): number =>
      a.priority.priority - b.priority.priority || (this.ordinal.get(a) ?? 0) - (this.ordinal.get(b) ?? 0);
    const kept = this.byPriority.filter((w) => !out.has(w));
    const incoming = [...new Set(into)].filter((w) => ranked(w) && this.ordinal.has(w) && this.isLive(w)).sort(order);
    this.byPriority.length = 0;
    let i = 0;
    for (const w of kept) {
      while (i < incoming.length && order(incoming[i], w) < 0) this.byPriority.push(incoming[i++]);
      this.byPriority.push(w);
    }
    while (i < incoming.length) this.byPriority.push(incoming[i++]);
    this.assignRanks();
  }

  private isLive(w: AnalyzedWorkload): boolean {
    return w.object.origin !== 'workspace' || this.facts.get(w.object.file)?.workloads.includes(w) === true;
  }

  private analyzeWorkload(object: K8sObject): AnalyzedWorkload {
    const workload = readWorkload(object);
    this.addProblems(object, workload.problems);
    return this.resolveWorkload(workload, object);
  }

  /** resolveWorkload derives what depends on other objects (class, LimitRanges); the read workload is the file's own. */
  private resolveWorkload(workload: Workload, object: K8sObject): AnalyzedWorkload {
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
    this.preemptorSuffix = new Array<number>(this.byPriority.length + 1).fill(0);
    for (let i = this.byPriority.length - 1; i >= 0; i--) {
      const w = this.byPriority[i];
      const counts = w !== undefined && w.priority.preemptionPolicy === 'PreemptLowerPriority';
      this.preemptorSuffix[i] = (this.preemptorSuffix[i + 1] ?? 0) + (counts ? 1 : 0);
    }
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

/** Pods the apiserver rejects never run: they neither preempt nor get preempted, so they are left out of the ranking. */
function ranked(w: AnalyzedWorkload): boolean {
  return w.priority.admission.allowed && w.partial === undefined;
}

/** JSON that tolerates bigint quantities. */
function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** What workloads resolve against in a class (its record's identity is kept across edits, so spans need no key). */
function classSig(c: PriorityClass): string {
  return json([c.name, c.source, c.value, c.globalDefault, c.preemptionPolicy]);
}

function limitRangeSig(list: readonly LimitRangeDefaults[] | undefined): string {
  return json((list ?? []).map((l) => [l.id, l.defaultLimit, l.defaultRequest, l.defaultTexts]));
}

interface WorkloadSigs {
  namespace: string;
  /** What the ladder shows of it: ranks, preemptor counts and names. */
  ladder: string;
  /** Its place among the bounded (tier 2) priorities. */
  tier: string;
  /** What PDB coverage and pod affinity read: identity, labels, replicas, priority. */
  pods: string;
  /** The class names it uses. */
  usage: string;
  /** Everything its own file's findings read of it. */
  all: string;
}

function sigsOf(w: AnalyzedWorkload): WorkloadSigs {
  const o = w.object;
  const namespace = o.namespace ?? 'default';
  const ladder = json([
    ranked(w),
    w.priority.priority,
    w.priority.preemptionPolicy,
    o.kind,
    namespace,
    o.name,
    w.priority.priorityClassName,
  ]);
  const tier = json(w.evictionTier.tier === 2 ? w.priority.priority : null);
  const pods = json([o.kind, namespace, o.name, o.apiVersion, w.workload.podLabels, w.workload.replicas, w.priority.priority]);
  const usage = json([w.priority.priorityClassName, w.workload.priorityClassName?.value]);
  const { priority, priorityClassName, from, preemptionPolicy, admission } = w.priority;
  const all = json([
    ladder,
    tier,
    pods,
    priority,
    priorityClassName,
    from,
    preemptionPolicy,
    admission,
    w.qosClass,
    w.qosClassWithoutLimitRange,
    w.limitRange,
    w.evictionTier,
    w.requests,
    w.containers.map((c) => [c.requests, c.limits, c.fromLimitRange]),
    w.partial,
  ]);
  return { namespace, ladder, tier, pods, usage, all };
}
