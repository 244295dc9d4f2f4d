// Over 400 lines because the model and its delta update (update, the ladder merge, the signatures) share indexes that must change together.
// The workspace model: every object of every file resolved once (priority, QoS, requests, PDB coverage, ranks).
// Rules read it like the scheduler's CycleState: expensive facts are computed here once and shared by every rule.
import type { ParsedFile, K8sObject } from '../model/objects';
import type { AnalyzedPdb, AnalyzedWorkload } from './analyzed';
import { readWorkload, workloadKinds } from '../model/workload';
import type { Workload } from '../model/workload';
import type { FieldProblem } from '../model/fields';
import { readPriorityClass, systemCriticalPriority } from '../semantics/priority-class';
import type { PriorityClass } from '../semantics/priority-class';
import { PriorityClassIndex, resolvePriority } from '../semantics/priority';
import type { ResolvedPriority } from '../semantics/priority';
import { readLimitRange } from '../semantics/limit-range';
import type { LimitRangeDefaults } from '../semantics/limit-range';
import { defaultContainer, podLevelResources, podRequests } from '../semantics/resources';
import { computePodQos } from '../semantics/qos';
import { readPodDisruptionBudget } from '../semantics/disruption';
import { evictionTier } from '../semantics/eviction';
import { partialReason } from '../semantics/partial';
import { removedApiVersion } from '../semantics/api-versions';
import { isKueueObject } from '../semantics/kueue-objects';
import { KueueFacts } from './kueue-facts';
import { carriesQueueLabel, kueueDependents, kueueSnapshot } from './kueue-delta';
import type { KueueSnapshot } from './kueue-delta';
import { PriorityCounts, PriorityLadder } from './priority-ladder';
import type { PreemptionRank } from './priority-ladder';
import { PdbCoverage } from './pdb-coverage';
import type { PdbEntry } from './pdb-coverage';

export interface AnalysisOptions {
  /** Kubernetes minor version (1.N) whose behaviour is modelled. */
  kubernetesMinor: number;
}

export const newestKubernetesMinor = 36;
export const oldestKubernetesMinor = 29;

export type { AnalyzedPdb, AnalyzedWorkload } from './analyzed';

/** What one file contributes to the model, kept so that an edit replaces that file's part only. */
interface FileFacts {
  /** Insertion order of the file: a fresh build orders everything by it, so an update does too. */
  seq: number;
  objects: K8sObject[];
  /** Workspace classes (cluster classes for the cluster's facts), the served ones only. */
  classes: PriorityClass[];
  limitRanges: LimitRangeDefaults[];
  pdbs: PdbEntry[];
  nodes: K8sObject[];
  workloadObjects: K8sObject[];
  workloads: AnalyzedWorkload[];
}

/** ModelChange: a workspace file replaced (parsed) or removed (undefined), as the host applies edits. */
export interface ModelChange {
  file: string;
  parsed: ParsedFile | undefined;
}

/** What an update may have changed the findings of: these files, and every workload file when the flag is set. */
export interface ModelUpdate {
  files: Set<string>;
  everyWorkloadFile: boolean;
}

/** WorkspaceModel holds the workspace's and the cluster state's objects, resolved. */
export class WorkspaceModel {
  readonly files = new Map<string, ParsedFile>();
  readonly clusterObjects: K8sObject[] = [];
  readonly priorityClasses: PriorityClass[] = [];
  readonly clusterPriorityClasses: PriorityClass[] = [];
  classIndex: PriorityClassIndex;
  /**
   * One resolution per class name for the workloads that give nothing but the name (almost all; shared, never
   * mutated), valid for the current classIndex: a class value edit then resolves once, not once per user.
   */
  private resolvedByClass = new Map<string, ResolvedPriority>();
  readonly limitRanges = new Map<string, LimitRangeDefaults[]>();
  readonly nodes: K8sObject[] = [];
  readonly fieldProblems = new Map<K8sObject, FieldProblem[]>();
  private readonly clusterByFile = new Map<string, AnalyzedWorkload[]>();
  private readonly facts = new Map<string, FileFacts>();
  private readonly cluster: FileFacts;
  private nextSeq = 1;
  /** Files holding each kind of fact, so that an edit rebuilds a list from those files only. */
  private readonly classFiles = new Set<string>();
  private readonly limitRangeFiles = new Set<string>();
  /** PDB coverage and the PDB files by namespace (pdb-coverage.ts). */
  private readonly pdbCoverage = new PdbCoverage({
    entriesOf: (files) => this.factsOf(files).map((f) => f.pdbs),
    entriesOfFile: (file) => (this.facts.get(file) ?? this.cluster).pdbs,
    workloadsIn: (ns) => this.byNamespace.get(ns),
    inNamespace: (ns) => this.inNamespace(ns),
    namespaces: () => this.byNamespace.keys(),
    nodeCount: () => this.nodes.length,
  });
  private readonly nodeFiles = new Set<string>();
  private readonly workloadFileSet = new Set<string>();
  /** Workloads by the class name they reference ('' = none: they get the globalDefault class). */
  private readonly byClassRef = new Map<string, Set<AnalyzedWorkload>>();
  /** Workloads by namespace (PDB coverage, LimitRanges), and those with required pod affinity to others. */
  private readonly byNamespace = new Map<string, Set<AnalyzedWorkload>>();
  private readonly withAffinity = new Set<AnalyzedWorkload>();
  /** How many workloads use each class name (referenced or resolved), for priority-class-unused. */
  private readonly classUse = new Map<string, number>();
  private workspaceWorkloads = 0;
  /** Priorities of the workloads bounded by their requests (eviction tier 2). */
  private readonly tier2 = new PriorityCounts();
  /** Position of a workload in a fresh build's order (file order, then object order): ties of byPriority keep it. */
  private readonly ordinal = new WeakMap<AnalyzedWorkload, number>();
  /** Ranked workloads by priority level, for ranks and "who can preempt whom" (priority-ladder.ts). */
  private readonly ladder = new PriorityLadder((w) => this.ordinal.get(w) ?? 0);
  /** Kueue's view (built on demand) and what other files read of it (kept across edits, for update's dependents). */
  private kueueFacts: KueueFacts | undefined;
  private kueueSnap: KueueSnapshot | undefined;
  /** Files with Kueue objects, and how many workloads carry the queue label: no Kueue work where there is no Kueue. */
  private readonly kueueFiles = new Set<string>();
  private queuedWorkloads = 0;
  /** Lists derived on demand (few callers need them, and an edit would otherwise rebuild them every time). */
  private lazy: { objects?: K8sObject[]; workloads?: AnalyzedWorkload[] } = {};

  /** Every workspace object, file by file. */
  get objects(): K8sObject[] {
    return (this.lazy.objects ??= [...this.facts.values()].flatMap((f) => f.objects));
  }

  /** Every workload, the cluster's first, then file by file. */
  get workloads(): AnalyzedWorkload[] {
    return (this.lazy.workloads ??= [...this.allFacts()].flatMap((f) => f.workloads));
  }

  /**
   * Kueue's view of the model (issue 21): queue paths, Kueue priorities, admission problems, preemptors. Built from the
   * cluster state's objects and then the workspace's (a workspace object replaces the cluster's of the same name).
   */
  get kueue(): KueueFacts {
    return (this.kueueFacts ??= new KueueFacts({
      objects: [...this.clusterObjects, ...this.objects],
      workloads: this.workloads,
      priorityClasses: this.classIndex,
    }));
  }

  /** Whether the model holds any Kueue object or workload naming a queue: Kueue rules and views skip the rest. */
  hasKueue(): boolean {
    return this.kueueRelevant();
  }

  private kueueRelevant(): boolean {
    return this.kueueFiles.size > 0 || this.queuedWorkloads > 0;
  }

  constructor(
    files: readonly ParsedFile[],
    clusterFiles: readonly ParsedFile[],
    readonly options: AnalysisOptions,
  ) {
    const clusterObjects: K8sObject[] = [];
    for (const f of clusterFiles) for (const o of f.objects) clusterObjects.push(o);
    this.cluster = this.readFacts(clusterObjects, 0);
    this.clusterObjects.push(...clusterObjects);
    this.clusterPriorityClasses.push(...this.cluster.classes);
    for (const f of files) {
      this.files.set(f.file, f);
      const facts = this.readFacts(f.objects, this.nextSeq++);
      this.facts.set(f.file, facts);
      this.fileKinds(f.file, facts, true);
    }
    this.collectClasses();
    this.collectLimitRanges();
    this.collectNodes();
    this.classIndex = new PriorityClassIndex(this.priorityClasses, this.clusterPriorityClasses);
    this.resolvedByClass = new Map();
    for (const facts of this.allFacts()) {
      facts.workloads = facts.workloadObjects.map((o) => this.analyzeWorkload(o));
      facts.workloads.forEach((w, i) => {
        this.ordinal.set(w, facts.seq * 1_000_000 + i);
        this.track(w, 1, true);
      });
    }
    for (const w of this.cluster.workloads) {
      const list = this.clusterByFile.get(w.object.file) ?? [];
      list.push(w);
      this.clusterByFile.set(w.object.file, list);
    }
    for (const w of this.workloads) if (w.evictionTier.tier === 2) this.tier2.add(w.priority.priority, 1);
    this.pdbCoverage.assemble(undefined);
    // Pods the apiserver rejects never run: they neither preempt nor get preempted, so they are left out of the ranking.
    this.ladder.add(this.workloads.filter(ranked));
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

  /** fileKinds records (or forgets) which kinds of facts a file holds. */
  private fileKinds(file: string, facts: FileFacts, add: boolean): void {
    const mark = (set: Set<string>, has: boolean): void => {
      if (add && has) set.add(file);
      else set.delete(file);
    };
    mark(this.classFiles, facts.classes.length > 0);
    mark(this.limitRangeFiles, facts.limitRanges.length > 0);
    this.pdbCoverage.fileKinds(file, facts.pdbs, add);
    mark(this.nodeFiles, facts.nodes.length > 0);
    mark(this.workloadFileSet, facts.workloadObjects.length > 0);
    mark(
      this.kueueFiles,
      facts.objects.some((o) => isKueueObject(o.kind, o.apiVersion)),
    );
  }

  /** The workspace files that hold workloads (a live set: it follows later edits). */
  workloadFiles(): ReadonlySet<string> {
    return this.workloadFileSet;
  }

  /** The facts of the files in `set`, in file order (the cluster's first). */
  private factsOf(set: ReadonlySet<string>): FileFacts[] {
    const list: FileFacts[] = [];
    for (const file of set) {
      const facts = this.facts.get(file);
      if (facts !== undefined) list.push(facts);
    }
    return [this.cluster, ...list.sort((a, b) => a.seq - b.seq)];
  }

  private collectClasses(): void {
    this.priorityClasses.length = 0;
    for (const facts of this.factsOf(this.classFiles)) if (facts !== this.cluster) this.priorityClasses.push(...facts.classes);
  }

  private collectLimitRanges(): void {
    this.limitRanges.clear();
    for (const facts of this.factsOf(this.limitRangeFiles)) {
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

  private collectNodes(): void {
    this.nodes.length = 0;
    for (const facts of this.factsOf(this.nodeFiles)) this.nodes.push(...facts.nodes);
  }

  /** track adds (1) or removes (-1) a workload from the indexes; `bulk` leaves the sorted bounded priorities alone. */
  private track(w: AnalyzedWorkload, sign: 1 | -1, bulk = false): void {
    const edit = <K>(map: Map<K, Set<AnalyzedWorkload>>, key: K): void => {
      let set = map.get(key);
      if (set === undefined) map.set(key, (set = new Set()));
      if (sign === 1) set.add(w);
      else set.delete(w);
    };
    edit(this.byClassRef, w.workload.priorityClassName?.value ?? '');
    edit(this.byNamespace, w.object.namespace ?? 'default');
    if (w.workload.requiredPodAffinity.length > 0) {
      if (sign === 1) this.withAffinity.add(w);
      else this.withAffinity.delete(w);
    }
    if (w.object.origin === 'workspace') this.workspaceWorkloads += sign;
    if (carriesQueueLabel(w)) this.queuedWorkloads += sign;
    this.trackResolved(w, sign, bulk);
  }

  /** The indexes that read what resolution gives a workload (its class and priority): class use, tier-2 priorities. */
  private trackResolved(w: AnalyzedWorkload, sign: 1 | -1, bulk = false): void {
    this.trackClassUse(w, sign);
    if (bulk || w.evictionTier.tier !== 2) return;
    this.tier2.add(w.priority.priority, sign);
  }

  private trackClassUse(w: AnalyzedWorkload, sign: 1 | -1): void {
    const use = (name: string | undefined): void => {
      if (name === undefined) return;
      const count = (this.classUse.get(name) ?? 0) + sign;
      if (count > 0) this.classUse.set(name, count);
      else this.classUse.delete(name);
    };
    const resolved = w.priority.priorityClassName;
    const referenced = w.workload.priorityClassName?.value;
    use(resolved);
    if (referenced !== resolved) use(referenced);
  }

  /** The workloads of a namespace in a fresh build's order. */
  private inNamespace(ns: string): AnalyzedWorkload[] {
    return [...(this.byNamespace.get(ns) ?? [])].sort((a, b) => (this.ordinal.get(a) ?? 0) - (this.ordinal.get(b) ?? 0));
  }

  /** Every PDB, one per `namespace/name` (the last file's wins, at the first one's place), in file order. */
  get pdbs(): readonly AnalyzedPdb[] {
    return this.pdbCoverage.all;
  }

  /** The lowest priority of the workloads bounded by their requests (eviction tier 2); undefined when none is. */
  lowestBoundedPriority(): number | undefined {
    return this.tier2.lowest();
  }

  /** How many workloads bounded by their requests (eviction tier 2) have a priority strictly below `priority`. */
  boundedBelow(priority: number): number {
    return this.tier2.countBelow(priority);
  }

  /** Class names some workload references or resolves to. */
  usedClassNames(): Set<string> {
    return new Set(this.classUse.keys());
  }

  /** The PDBs a file defines (as `pdbs` lists them), from its namespaces' files alone: an edit need not list them all. */
  pdbsInFile(file: string): AnalyzedPdb[] {
    return this.pdbCoverage.inFile(file);
  }

  hasWorkspaceWorkloads(): boolean {
    return this.workspaceWorkloads > 0;
  }

  /** How many workloads the model holds (the workspace's and the cluster's), without listing them. */
  workloadCount(): number {
    let count = 0;
    for (const set of this.byNamespace.values()) count += set.size;
    return count;
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
    for (const level of this.ladder.levelsAbove(target.priority.priority))
      for (let i = level.length - 1; i >= 0; i--) {
        if (result.length >= limit) return result;
        const w = level[i];
        if (w !== undefined && w.priority.preemptionPolicy === 'PreemptLowerPriority') result.push(w);
      }
    return result;
  }

  /** preemptorCount counts preemptors without building the list (code lenses and hovers on large workspaces). */
  preemptorCount(target: AnalyzedWorkload): number {
    return this.ladder.preemptingAbove(target.priority.priority);
  }

  /** victimCount counts the workloads `source` may preempt (strictly lower priority), without building the list. */
  victimCount(source: AnalyzedWorkload): number {
    if (source.priority.preemptionPolicy === 'Never') return 0;
    return this.ladder.countBelow(source.priority.priority);
  }

  /** victimsOf lists workloads `source` may preempt: strictly lower priority, when its policy allows preemption. */
  victimsOf(source: AnalyzedWorkload, limit = Infinity): AnalyzedWorkload[] {
    if (source.priority.preemptionPolicy === 'Never') return [];
    const result: AnalyzedWorkload[] = [];
    for (const level of this.ladder.levelsBelow(source.priority.priority))
      for (const w of level) {
        if (result.length >= limit) return result;
        result.push(w);
      }
    return result;
  }

  /** Ranked workloads by priority ascending (ties in a fresh build's order), for the views that walk the ladder. */
  get byPriority(): readonly AnalyzedWorkload[] {
    return this.ladder.all();
  }

  /** A workload's place in the preemption order (1 = preempted first); { 0, 0 } when it is not ranked (rejected). */
  preemptionRank(w: AnalyzedWorkload): PreemptionRank {
    return this.ladder.rank(w);
  }

  /**
   * refreshFile swaps in a re-parsed file whose summary is unchanged: cross-file facts (priorities, ranks, PDB
   * coverage) stay valid, so each object's record is updated in place with the new spans, in O(size of the file).
   */
  refreshFile(parsed: ParsedFile): void {
    const old = this.files.get(parsed.file);
    const facts = this.facts.get(parsed.file);
    this.files.set(parsed.file, parsed);
    // Same summary, same Kueue facts but for the spans of this file's Kueue objects and queued jobs: rebuilt on demand
    // when it holds any (the snapshot stays valid); another file's edit leaves them as they are.
    if (old === undefined || facts === undefined || this.kueueFiles.has(parsed.file) || facts.workloads.some(carriesQueueLabel))
      this.kueueFacts = undefined;
    if (old === undefined || facts === undefined) return;
    const replacements = new Map<K8sObject, K8sObject>();
    old.objects.forEach((o, i) => {
      const next = parsed.objects[i];
      if (next !== undefined) replacements.set(o, next);
    });
    facts.objects = parsed.objects;
    this.lazy.objects = undefined;
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
      this.track(w, -1);
      Object.assign(w, { ...fresh, pdbs: w.pdbs });
      this.track(w, 1);
    }
  }

  /**
   * update applies files whose summaries changed (or that were added or removed) without rebuilding the model: the
   * files' facts are replaced; the workloads whose inputs changed (a class they reference, the globalDefault, their
   * namespace's LimitRange defaults) are resolved again; PDB coverage is recomputed for the namespaces whose pods or
   * PDBs changed; the priority ladder is merged. It returns the workspace files whose findings may have changed
   * (besides the changed files themselves): the dependents of each fact that changed.
   */
  update(changes: readonly ModelChange[]): ModelUpdate {
    const affected = new Set<string>();
    let everyWorkloadFile = false;
    const kueueBefore = this.kueueRelevant() ? (this.kueueSnap ??= kueueSnapshot(this.kueue)) : undefined;
    const oldClassSigs = new Map<string, string>();
    for (const [name, c] of this.classIndex.byName) oldClassSigs.set(name, resolutionSig(c));
    const oldDefault = this.classIndex.globalDefault;
    const oldDefaultSig = oldDefault === undefined ? '' : classSig(oldDefault);
    const oldNodes = this.nodes.length;
    const oldHasWorkspaceWorkloads = this.hasWorkspaceWorkloads();
    const oldWorkloadCount = this.workloadCount();
    // Workloads leaving the model (their file changed) and those resolved again, with what others read of them before.
    const before = new Map<AnalyzedWorkload, WorkloadSigs>();
    const touchedLimitRangeNs = new Set<string>();
    const pdbNs = new Set<string>();
    let classesTouched = false;
    let pdbsTouched = false;
    let nodesTouched = false;
    const added: AnalyzedWorkload[] = [];
    const removed = new Set<AnalyzedWorkload>();
    const reused = new Map<string, AnalyzedWorkload[]>();
    for (const change of changes) {
      const old = this.facts.get(change.file);
      if (old !== undefined) {
        for (const o of old.objects) this.fieldProblems.delete(o);
        for (const l of old.limitRanges) touchedLimitRangeNs.add(l.namespace);
        for (const p of old.pdbs) pdbNs.add(p.read.namespace);
        classesTouched ||= old.classes.length > 0;
        pdbsTouched ||= old.pdbs.length > 0;
        nodesTouched ||= old.nodes.length > 0;
        for (const w of old.workloads) {
          before.set(w, sigsOf(w, true));
          this.track(w, -1);
        }
        reused.set(change.file, old.workloads);
        this.fileKinds(change.file, old, false);
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
      classesTouched ||= facts.classes.length > 0;
      pdbsTouched ||= facts.pdbs.length > 0;
      nodesTouched ||= facts.nodes.length > 0;
      for (const l of facts.limitRanges) touchedLimitRangeNs.add(l.namespace);
      for (const p of facts.pdbs) pdbNs.add(p.read.namespace);
      this.facts.set(change.file, facts);
      this.fileKinds(change.file, facts, true);
    }
    // The PDB lists stay valid unless the PDBs are listed again (PdbCoverage.assemble drops them then).
    this.lazy = {};
    const oldLimitRanges = new Map<string, string>();
    for (const ns of touchedLimitRangeNs) oldLimitRanges.set(ns, limitRangeSig(this.limitRanges.get(ns)));
    if (touchedLimitRangeNs.size > 0) this.collectLimitRanges();
    if (nodesTouched) this.collectNodes();
    const oldResolvedByClass = this.resolvedByClass;
    if (classesTouched) {
      this.collectClasses();
      this.classIndex = new PriorityClassIndex(this.priorityClasses, this.clusterPriorityClasses);
      this.resolvedByClass = new Map();
    }
    // Which inputs of other files' workloads changed: class records, the default class, LimitRange defaults.
    const changedClasses = new Set<string>();
    if (classesTouched) {
      for (const [name, sig] of oldClassSigs) {
        const now = this.classIndex.byName.get(name);
        if (now === undefined || resolutionSig(now) !== sig) changedClasses.add(name);
      }
      for (const name of this.classIndex.byName.keys()) if (!oldClassSigs.has(name)) changedClasses.add(name);
    }
    const newDefault = this.classIndex.globalDefault;
    const defaultChanged = (newDefault === undefined ? '' : classSig(newDefault)) !== oldDefaultSig || newDefault !== oldDefault;
    const changedLimitRangeNs = new Set<string>();
    for (const [ns, sig] of oldLimitRanges) if (limitRangeSig(this.limitRanges.get(ns)) !== sig) changedLimitRangeNs.add(ns);
    // Resolved again: a class only changes priority and eviction tier; LimitRange defaults change the containers too.
    const full = new Set<AnalyzedWorkload>();
    for (const ns of changedLimitRangeNs) for (const w of this.byNamespace.get(ns) ?? []) full.add(w);
    // What others read of a re-resolved workload after it, reused below unless its file changed too.
    const afterSigs = new Map<AnalyzedWorkload, WorkloadSigs>();
    // Class-only re-resolutions whose place in the ladder moved, and what changed of what others read of them.
    const moved: AnalyzedWorkload[] = [];
    const classOnly = { ladder: false, tier: false, usage: false, priority: false };
    // Their files, listed only when the flag for every workload file (which they all are) is not set below.
    const classOnlyFiles: string[] = [];
    const classUsers: Array<[string, ReadonlySet<AnalyzedWorkload>]> = [];
    for (const name of changedClasses) classUsers.push([name, this.byClassRef.get(name) ?? new Set()]);
    if (defaultChanged) classUsers.push(['', this.byClassRef.get('') ?? new Set()]);
    for (const [key, users] of classUsers) {
      // Only the class changed: the other indexes (namespace, class reference, affinity, queue) stay as they are,
      // and what others read is compared field by field (the users of one class can be most of the workspace).
      // Users that shared the class's old resolution get the same new one with the same change: the first one's.
      const oldShared = oldResolvedByClass.get(key);
      let same: { priority: ResolvedPriority; change: ClassOnlyChange } | undefined;
      for (const w of users) {
        if (full.has(w)) continue;
        const oldP = w.priority;
        let change: ClassOnlyChange;
        if (same !== undefined && oldP === oldShared) {
          change = same.change;
          w.priority = same.priority;
          // The eviction tier stays (no priority at or above system-critical): tier 2's counts move with the priority.
          const tier = w.evictionTier.tier === 2 && oldP.priority !== same.priority.priority;
          if (tier) {
            this.tier2.add(oldP.priority, -1);
            this.tier2.add(same.priority.priority, 1);
          }
          classOnly.tier ||= tier;
        } else {
          change = this.resolveClassAgain(w);
          classOnly.tier ||= change.tier;
          if (same === undefined && oldP === oldShared && sharesChange(oldP, w.priority, this.resolvedByClass.get(key)))
            same = { priority: w.priority, change };
        }
        classOnly.ladder ||= change.ladder;
        classOnly.usage ||= change.usage;
        classOnly.priority ||= change.priority;
        if (change.moved) moved.push(w);
        if (w.object.origin === 'workspace' && change.resolved) classOnlyFiles.push(w.object.file);
      }
    }
    for (const w of full) {
      const old = sigsOf(w, false);
      before.set(w, old);
      this.track(w, -1);
      Object.assign(w, { ...this.resolveWorkload(w.workload, w.object), pdbs: w.pdbs });
      this.track(w, 1);
      afterSigs.set(w, sigsOf(w, false));
      if (w.object.origin === 'workspace') affected.add(w.object.file);
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
          afterSigs.delete(old);
          Object.assign(old, { ...fresh, pdbs: old.pdbs });
          return old;
        }
        added.push(fresh);
        return fresh;
      });
      const kept = new Set(facts.workloads);
      for (const w of previous) if (!kept.has(w)) removed.add(w);
      facts.workloads.forEach((w, i) => {
        this.ordinal.set(w, facts.seq * 1_000_000 + i);
        this.track(w, 1);
      });
    }
    // What other files read of the workloads that changed: the ladder (ranks, preemptors), the bounded priorities,
    // pods by namespace (PDB coverage, affinity) and class usage.
    const comeOrGone = added.length > 0 || removed.size > 0;
    let ladderChanged = comeOrGone || classOnly.ladder;
    let tierChanged = comeOrGone || classOnly.tier;
    let podsChanged = comeOrGone;
    // Required pod affinity reads other workloads' labels and priorities.
    let affinityChanged = comeOrGone || classOnly.priority;
    let usageChanged = comeOrGone || classOnly.usage;
    for (const w of removed) pdbNs.add(w.object.namespace ?? 'default');
    for (const w of added) pdbNs.add(w.object.namespace ?? 'default');
    for (const [w, old] of before) {
      if (removed.has(w)) continue;
      const now = (old.labels === undefined ? afterSigs.get(w) : undefined) ?? sigsOf(w, old.labels !== undefined);
      if (now.ladder !== old.ladder) ladderChanged = true;
      if (now.tier !== old.tier) tierChanged = true;
      if (now.usage !== old.usage) usageChanged = true;
      if (now.pods !== old.pods || now.labels !== old.labels) {
        podsChanged = true;
        affinityChanged = true;
        pdbNs.add(now.namespace);
      }
      if (now.priority !== old.priority) affinityChanged = true;
    }
    const nodesChanged = this.nodes.length !== oldNodes;
    this.pdbCoverage.assemble(nodesChanged ? undefined : pdbNs, pdbsTouched || nodesChanged);
    // Class-only re-resolutions are live and their levels' order holds: moved without the live check and sort.
    if (moved.length > 0) this.ladder.move(moved, ranked);
    if (before.size > 0 || added.length > 0) this.mergeLadder(new Set([...before.keys(), ...removed]), [...before.keys(), ...added]);
    // The dependents of each changed fact.
    const addFiles = (workloads: Iterable<AnalyzedWorkload>): void => {
      for (const w of workloads) if (w.object.origin === 'workspace') affected.add(w.object.file);
    };
    // Every workload file: named by a flag rather than listed, so that the edit costs what it touches (the host walks
    // workloadFiles() in its background batches).
    if (ladderChanged || tierChanged) everyWorkloadFile = true;
    else {
      for (const file of classOnlyFiles) affected.add(file);
      // PDB coverage (pdb-overlapping, hovers) and required pod affinity to other workloads.
      if (podsChanged || pdbNs.size > 0) for (const ns of pdbNs) addFiles(this.byNamespace.get(ns) ?? []);
      if (affinityChanged) addFiles(this.withAffinity);
    }
    // limitrange-violation and missing-requests read the namespace's LimitRanges themselves (min, max, ratios).
    for (const ns of touchedLimitRangeNs) addFiles(this.byNamespace.get(ns) ?? []);
    if (nodesChanged) addFiles(this.workloads.filter((w) => w.workload.requiredPodAntiAffinity.length > 0));
    const allPdbs = nodesChanged || this.hasWorkspaceWorkloads() !== oldHasWorkspaceWorkloads;
    for (const file of allPdbs ? this.pdbCoverage.files : this.pdbCoverage.filesIn(pdbNs)) affected.add(file);
    // Class files: duplicates and defaults across files, usage, the workspace's emptiness.
    if (classesTouched || usageChanged || (oldWorkloadCount === 0) !== (this.workloadCount() === 0))
      for (const file of this.classFiles) affected.add(file);
    // priority-class-not-found suggests the existing names: its workloads depend on the set of names.
    if (changedClasses.size > 0)
      for (const [name, workloads] of this.byClassRef) if (name !== '' && !this.classIndex.byName.has(name)) addFiles(workloads);
    // Kueue: the files whose queued jobs read something that changed, and Kueue object files when names changed.
    this.kueueFacts = undefined;
    this.kueueSnap = undefined;
    if (kueueBefore !== undefined || this.kueueRelevant()) {
      this.kueueSnap = kueueSnapshot(this.kueue);
      const empty: KueueSnapshot = { jobs: new Map(), ladder: '[]', names: '[[],[],[],[],[]]', objectFiles: new Set() };
      for (const file of kueueDependents(kueueBefore ?? empty, this.kueueSnap)) if (this.facts.has(file)) affected.add(file);
    }
    for (const change of changes) {
      if (change.parsed === undefined) affected.delete(change.file);
      else affected.add(change.file);
    }
    return { files: affected, everyWorkloadFile };
  }

  /**
   * resolveClassAgain resolves a workload against its changed class (or the changed globalDefault) and says what
   * changed of what others read of it: the same comparisons as sigsOf, field by field.
   */
  private resolveClassAgain(w: AnalyzedWorkload): ClassOnlyChange {
    const oldP = w.priority;
    const oldTier = w.evictionTier;
    const wasRanked = ranked(w);
    const p = this.resolve(w.workload);
    // The indexes of resolved facts are edited only where they changed (a class value edit keeps the names).
    const renamed = p.priorityClassName !== oldP.priorityClassName;
    if (renamed) this.trackClassUse(w, -1);
    w.priority = p;
    // The tier depends on the priority only at and above system-critical (and its reason then names the priority).
    if (oldP.priority >= systemCriticalPriority || p.priority >= systemCriticalPriority)
      w.evictionTier = evictionTier(w.workload, p.priority, w.containers, w.podLevel);
    if (renamed) this.trackClassUse(w, 1);
    const t = w.evictionTier;
    const oldTier2 = oldTier.tier === 2 ? oldP.priority : undefined;
    const tier2 = t.tier === 2 ? p.priority : undefined;
    if (oldTier2 !== tier2) {
      if (oldTier2 !== undefined) this.tier2.add(oldTier2, -1);
      if (tier2 !== undefined) this.tier2.add(tier2, 1);
    }
    const moved = p.priority !== oldP.priority || ranked(w) !== wasRanked || p.preemptionPolicy !== oldP.preemptionPolicy;
    return {
      moved,
      ladder: moved || p.priorityClassName !== oldP.priorityClassName,
      tier: oldTier2 !== tier2,
      usage: renamed,
      priority: p.priority !== oldP.priority,
      resolved:
        p.priority !== oldP.priority ||
        p.from !== oldP.from ||
        p.priorityClassName !== oldP.priorityClassName ||
        p.preemptionPolicy !== oldP.preemptionPolicy ||
        p.admission.allowed !== oldP.admission.allowed ||
        p.admission.message !== oldP.admission.message ||
        t.tier !== oldTier.tier ||
        t.reason !== oldTier.reason,
    };
  }

  /** mergeLadder takes `out` out of the ladder and puts `into` (those still ranked) back in, at their levels. */
  private mergeLadder(out: ReadonlySet<AnalyzedWorkload>, into: readonly AnalyzedWorkload[]): void {
    const live = (w: AnalyzedWorkload): boolean =>
      w.object.origin !== 'workspace' || this.facts.get(w.object.file)?.workloads.includes(w) === true;
    this.ladder.remove(out);
    this.ladder.add([...new Set(into)].filter((w) => ranked(w) && live(w)));
  }

  private analyzeWorkload(object: K8sObject): AnalyzedWorkload {
    const workload = readWorkload(object);
    this.addProblems(object, workload.problems);
    return this.resolveWorkload(workload, object);
  }

  private resolve(workload: Workload): ResolvedPriority {
    if (workload.priority !== undefined || workload.preemptionPolicy !== undefined) return resolvePriority(workload, this.classIndex);
    const key = workload.priorityClassName?.value ?? '';
    const known = this.resolvedByClass.get(key);
    if (known !== undefined) return known;
    const p = resolvePriority(workload, this.classIndex);
    // A rejection names the pod: not shared.
    if (p.admission.allowed) this.resolvedByClass.set(key, p);
    return p;
  }

  /** resolveWorkload derives what depends on other objects (class, LimitRanges); the read workload is the file's own. */
  private resolveWorkload(workload: Workload, object: K8sObject): AnalyzedWorkload {
    const priority = this.resolve(workload);
    const namespace = object.namespace ?? 'default';
    const limitRanges = this.limitRanges.get(namespace) ?? [];
    const containers = workload.containers.map((c) => defaultContainer(c, limitRanges));
    const podLevel = podLevelResources(workload, this.options.kubernetesMinor);
    const qosClass = computePodQos(containers, podLevel, workload.statusQosClass);
    // Only the QoS class without LimitRanges is kept (and equals qosClass where the namespace has none).
    const qosClassWithoutLimitRange =
      limitRanges.length === 0
        ? qosClass
        : computePodQos(
            workload.containers.map((c) => defaultContainer(c, [])),
            podLevel,
            workload.statusQosClass,
          );
    const changedBy = containers.flatMap((c) => c.fromLimitRange.filter((f) => f.resource === 'cpu' || f.resource === 'memory'))[0]
      ?.limitRange;
    const requests = podRequests(containers, workload.overhead.values, podLevel);
    return {
      workload,
      object,
      priority,
      containers,
      podLevel,
      requests,
      qosClass,
      qosClassWithoutLimitRange,
      limitRange: qosClass !== qosClassWithoutLimitRange ? changedBy : undefined,
      evictionTier: evictionTier(workload, priority.priority, containers, podLevel),
      pdbs: [],
      partial: partialReason(workload),
    };
  }

  private addProblems(object: K8sObject, problems: FieldProblem[]): void {
    if (problems.length === 0) return;
    const list = this.fieldProblems.get(object) ?? [];
    list.push(...problems);
    this.fieldProblems.set(object, list);
  }
}

/** Pods the apiserver rejects never run: they neither preempt nor get preempted, so they are left out of the ranking. */
/** What a class-only re-resolution changed of what others read of a workload. */
interface ClassOnlyChange {
  ladder: boolean;
  moved: boolean;
  tier: boolean;
  usage: boolean;
  priority: boolean;
  resolved: boolean;
}

/**
 * sharesChange: every user of a class's old shared resolution gets the same new one (`now` is the new shared one) and
 * the same change, but for tier 2's counts: the class name stays (no class-use edit) and neither priority is at or
 * above system-critical (the eviction tier, which names the priority there, stays).
 */
function sharesChange(old: ResolvedPriority, now: ResolvedPriority, shared: ResolvedPriority | undefined): boolean {
  return (
    now === shared &&
    now.priorityClassName === old.priorityClassName &&
    old.priority < systemCriticalPriority &&
    now.priority < systemCriticalPriority
  );
}

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

/** What resolution by name reads of a class: its users are not resolved again when only globalDefault flips. */
function resolutionSig(c: PriorityClass): string {
  return json([c.name, c.source, c.value, c.preemptionPolicy]);
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
  /** What PDB coverage reads: identity and replicas (and labels, when asked). */
  pods: string;
  labels: string | undefined;
  /** The class names it uses. */
  usage: string;
  priority: number;
}

/** sigsOf: cheap strings of what others read of a workload; labels only when they can have changed (its file did). */
function sigsOf(w: AnalyzedWorkload, withLabels: boolean): WorkloadSigs {
  const o = w.object;
  const p = w.priority;
  const namespace = o.namespace ?? 'default';
  return {
    namespace,
    ladder: `${ranked(w)}|${p.priority}|${p.preemptionPolicy}|${o.kind}|${namespace}|${o.name}|${p.priorityClassName ?? ''}`,
    tier: w.evictionTier.tier === 2 ? String(p.priority) : '',
    pods: `${o.kind}|${namespace}|${o.name}|${o.apiVersion}|${w.workload.replicas ?? ''}`,
    labels: withLabels ? json(w.workload.podLabels) : undefined,
    usage: `${p.priorityClassName ?? ''}|${w.workload.priorityClassName?.value ?? ''}`,
    priority: p.priority,
  };
}
