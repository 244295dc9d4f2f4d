// PDB coverage: which workloads each PodDisruptionBudget selects and the disruption controller's estimate for it, kept
// per namespace so that an edit re-assesses the namespaces whose pods or PDBs changed, not every PDB. The workspace
// model owns the files' facts and the workloads; this part owns the PDB files' index and the PDB lists built from it.
import type { AnalyzedPdb, AnalyzedWorkload } from './analyzed';
import { controllerHasScale, disruptionStatus, pdbSelectsPod, scaleResourceOf } from '../semantics/disruption';
import type { PodDisruptionBudget } from '../semantics/disruption';

/** A PDB as a file read it, and its coverage once assessed. */
export interface PdbEntry {
  read: PodDisruptionBudget;
  analyzed: AnalyzedPdb | undefined;
}

/** What PdbCoverage reads of the model. */
export interface PdbSource {
  /** The PDB entries of these files, file by file in file order (the cluster's first). */
  entriesOf(files: ReadonlySet<string>): Iterable<readonly PdbEntry[]>;
  /** The PDB entries of one file (the cluster's when the file is not a workspace file). */
  entriesOfFile(file: string): readonly PdbEntry[];
  /** The workloads of a namespace, in any order (undefined when none). */
  workloadsIn(ns: string): Iterable<AnalyzedWorkload> | undefined;
  /** The workloads of a namespace in a fresh build's order. */
  inNamespace(ns: string): AnalyzedWorkload[];
  /** Every namespace that holds workloads. */
  namespaces(): Iterable<string>;
  /** How many nodes the model holds (a DaemonSet's pod count). */
  nodeCount(): number;
}

export class PdbCoverage {
  /** The files that hold PDBs. */
  readonly files = new Set<string>();
  /** The files holding PDBs of each namespace: an edit re-assesses its namespaces' PDBs without scanning every PDB file. */
  private readonly filesByNamespace = new Map<string, Set<string>>();
  /** Lists built on demand (few callers need them, and an edit would otherwise rebuild them every time). */
  private list: AnalyzedPdb[] | undefined;
  private byFile: Map<string, AnalyzedPdb[]> | undefined;

  constructor(private readonly source: PdbSource) {}

  /** fileKinds: records (add) or forgets a file's PDBs in the file indexes. */
  fileKinds(file: string, pdbs: readonly PdbEntry[], add: boolean): void {
    if (add && pdbs.length > 0) this.files.add(file);
    else this.files.delete(file);
    for (const p of pdbs) {
      let files = this.filesByNamespace.get(p.read.namespace);
      if (files === undefined) this.filesByNamespace.set(p.read.namespace, (files = new Set()));
      if (add) files.add(file);
      else files.delete(file);
      if (files.size === 0) this.filesByNamespace.delete(p.read.namespace);
    }
  }

  /** The files holding PDBs of these namespaces. */
  filesIn(namespaces: Iterable<string>): Set<string> {
    const files = new Set<string>();
    for (const ns of namespaces) for (const file of this.filesByNamespace.get(ns) ?? []) files.add(file);
    return files;
  }

  /**
   * assemble recomputes coverage and the disruption estimate of the PDBs of `namespaces` (all when undefined)
   * in place; with `relist` (PDBs came or went), the PDB lists built on demand (`all`, `inFile`) are dropped.
   */
  assemble(namespaces: ReadonlySet<string> | undefined, relist = true): void {
    // Nothing to redo: every PDB was analysed before (new ones come with relist) and no namespace changed.
    if (!relist && namespaces !== undefined && namespaces.size === 0) return;
    const candidates = new Map<string, AnalyzedWorkload[]>();
    const workloadsOf = (ns: string): AnalyzedWorkload[] => {
      let list = candidates.get(ns);
      if (list === undefined) candidates.set(ns, (list = this.source.inNamespace(ns)));
      return list;
    };
    // Only the given namespaces' PDBs are analysed again, read from their files alone: new PDBs come from the changed
    // files, whose namespaces the caller passes.
    for (const entries of this.source.entriesOf(namespaces === undefined ? this.files : this.filesIn(namespaces))) {
      for (const entry of entries) {
        if (entry.analyzed === undefined) entry.analyzed = this.analyze(entry.read, workloadsOf(entry.read.namespace));
        else if (namespaces === undefined || namespaces.has(entry.read.namespace))
          Object.assign(entry.analyzed, this.analyze(entry.read, workloadsOf(entry.read.namespace)));
      }
    }
    if (relist) {
      this.list = undefined;
      this.byFile = undefined;
    }
    for (const ns of namespaces ?? this.source.namespaces()) for (const w of this.source.workloadsIn(ns) ?? []) w.pdbs = [];
    for (const analyzed of namespaces === undefined ? this.all : this.in(namespaces))
      if (namespaces === undefined || namespaces.has(analyzed.pdb.namespace)) for (const w of analyzed.workloads) w.pdbs.push(analyzed);
  }

  /** Every PDB, one per `namespace/name` (the last file's wins, at the first one's place), in file order. */
  get all(): readonly AnalyzedPdb[] {
    return (this.list ??= this.ofFiles(this.files, undefined));
  }

  /** The PDBs a file defines (as `all` lists them), from its namespaces' files alone: an edit need not list them all. */
  inFile(file: string): AnalyzedPdb[] {
    const byFile = (this.byFile ??= new Map<string, AnalyzedPdb[]>());
    let list = byFile.get(file);
    if (list === undefined) {
      const own = this.source.entriesOfFile(file).filter((e) => e.read.object.file === file);
      list = own.length === 0 ? [] : this.in(new Set(own.map((e) => e.read.namespace))).filter((p) => p.pdb.object.file === file);
      byFile.set(file, list);
    }
    return list;
  }

  /**
   * The PDBs of these namespaces, as `all` lists them (same winners, same order): a PDB's duplicates share its
   * namespace, so its namespace's files decide which one is kept.
   */
  private in(namespaces: ReadonlySet<string>): AnalyzedPdb[] {
    return this.ofFiles(this.filesIn(namespaces), namespaces);
  }

  private ofFiles(files: ReadonlySet<string>, namespaces: ReadonlySet<string> | undefined): AnalyzedPdb[] {
    const byId = new Map<string, AnalyzedPdb>();
    for (const entries of this.source.entriesOf(files))
      for (const entry of entries)
        if (entry.analyzed !== undefined && (namespaces === undefined || namespaces.has(entry.read.namespace)))
          byId.set(entry.read.id, entry.analyzed);
    return [...byId.values()];
  }

  private analyze(pdb: PodDisruptionBudget, candidates: readonly AnalyzedWorkload[]): AnalyzedPdb {
    const workloads = candidates.filter((w) => pdbSelectsPod(pdb, w.object.namespace ?? 'default', w.workload.podLabels));
    // The disruption controller's arithmetic (R-K.4) with every pod of the selected workloads existing and healthy.
    let pods = 0;
    let replicas = 0;
    let unmanaged = 0;
    let noScale: string | undefined;
    for (const w of workloads) {
      const count = w.object.kind === 'Pod' ? 1 : (w.workload.replicas ?? Math.max(1, this.source.nodeCount()));
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
}
