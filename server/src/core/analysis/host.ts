// AnalysisHost owns the parsed files, the model and the findings; it re-analyses incrementally.
// An edit re-parses one file. When its summary (what other files depend on) is unchanged, only that file is re-checked;
// otherwise the model applies the change by delta and names the files whose findings may have changed (its dependents).
import { parseFile } from '../model/objects';
import type { ParsedFile, SourceInput } from '../model/objects';
import type { Finding } from '../rules/rule';
import { WorkspaceModel } from '../facts/workspace-model';
import type { AnalysisOptions, ModelChange } from '../facts/workspace-model';
import { runRules } from './analyze';
import type { RuleSettings } from './analyze';
import { summarizeFile } from './summary';

export interface AnalysisResult {
  model: WorkspaceModel;
  /** Findings per workspace file, for every file re-checked in this run (all files after a rebuild). */
  findings: Map<string, Finding[]>;
  /** True when the model was rebuilt (every file's findings may have changed). */
  rebuilt: boolean;
  /** Files whose findings may have changed but were left for `analyzePending` (only with `first`). */
  pending: number;
  /** A cross-file fact changed (a summary changed, a file came or went): other files' views may have changed. */
  factsChanged: boolean;
}

export interface AnalyzeOptions {
  /**
   * Check the changed files and these (open documents) now, and leave the other affected files pending, for
   * `analyzePending` in bounded batches. Without it, every affected file is checked now.
   */
  first?: ReadonlySet<string>;
  /**
   * The returned model must stay as it is after later edits (callers that keep one model per view, like the rendered
   * analysis): anything changed rebuilds a new model instead of updating the current one in place.
   */
  snapshot?: boolean;
}

export class AnalysisHost {
  private readonly files = new Map<string, { parsed: ParsedFile; summary: string }>();
  private clusterFiles: ParsedFile[] = [];
  private model: WorkspaceModel | undefined;
  private readonly dirty = new Set<string>();
  /** Files whose summary changed, added or removed since the last analysis: the model applies them by delta. */
  private readonly changed = new Set<string>();
  /** Files whose findings may have changed and were not re-checked yet, in the order they became pending. */
  private readonly pending = new Set<string>();
  /**
   * Every workload file is pending too (a ladder edit): walked from the model's live set in background batches rather
   * than copied into `pending`, so the edit costs what it touches. `seen`: files already re-checked in this round.
   */
  private everyWorkloadFile: { files: ReadonlySet<string>; walk: Iterator<string>; seen: Set<string> } | undefined;
  private needsRebuild = true;

  constructor(
    private options: AnalysisOptions,
    private settings: RuleSettings,
  ) {}

  setFile(input: SourceInput): void {
    const parsed = parseFile({ ...input, origin: 'workspace' });
    const summary = summarizeFile(parsed);
    const previous = this.files.get(input.path);
    this.files.set(input.path, { parsed, summary });
    this.dirty.add(input.path);
    if (previous === undefined || previous.summary !== summary) this.changed.add(input.path);
  }

  /** addParsed registers a file parsed elsewhere (e.g. with a problem found while walking directories). */
  addParsed(parsed: ParsedFile): void {
    this.files.set(parsed.file, { parsed, summary: summarizeFile(parsed) });
    this.dirty.add(parsed.file);
    this.changed.add(parsed.file);
  }

  removeFile(path: string): void {
    if (!this.files.delete(path)) return;
    this.dirty.delete(path);
    this.pending.delete(path);
    this.changed.add(path);
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  filePaths(): string[] {
    return [...this.files.keys()];
  }

  setClusterState(inputs: readonly SourceInput[]): void {
    this.clusterFiles = inputs.map((i) => parseFile({ ...i, origin: 'cluster' }));
    this.needsRebuild = true;
  }

  setClusterParsed(files: ParsedFile[]): void {
    this.clusterFiles = files;
    this.needsRebuild = true;
  }

  setSettings(settings: RuleSettings, options?: AnalysisOptions): void {
    this.settings = settings;
    if (options !== undefined) this.options = options;
    this.needsRebuild = true;
  }

  /** analyze brings the model and findings up to date and returns what was re-checked. */
  analyze(options: AnalyzeOptions = {}): AnalysisResult {
    const first = options.first;
    const edited = new Set([...this.dirty, ...this.changed]);
    let affected: Set<string>;
    let rebuilt = false;
    let factsChanged = false;
    const changedAny = this.changed.size > 0 || this.dirty.size > 0;
    if (this.needsRebuild || this.model === undefined || (options.snapshot === true && changedAny)) {
      this.model = new WorkspaceModel(
        [...this.files.values()].map((f) => f.parsed),
        this.clusterFiles,
        this.options,
      );
      this.needsRebuild = false;
      this.dirty.clear();
      this.changed.clear();
      this.pending.clear();
      this.everyWorkloadFile = undefined;
      affected = new Set(this.files.keys());
      rebuilt = true;
      factsChanged = true;
    } else {
      const model = this.model;
      affected = new Set<string>();
      if (this.changed.size > 0) {
        const changes: ModelChange[] = [...this.changed].map((file) => ({ file, parsed: this.files.get(file)?.parsed }));
        const update = model.update(changes);
        affected = update.files;
        this.changed.clear();
        factsChanged = true;
        if (update.everyWorkloadFile) {
          if (first === undefined) for (const file of model.workloadFiles()) affected.add(file);
          else this.startEveryWorkloadFile(model.workloadFiles());
        }
      }
      for (const file of this.dirty) {
        if (affected.has(file)) continue;
        const entry = this.files.get(file);
        if (entry !== undefined) model.refreshFile(entry.parsed);
        affected.add(file);
      }
      this.dirty.clear();
    }
    const model = this.model;
    let targets = affected;
    if (first !== undefined) {
      // The edited files and the open documents now (after a rebuild: the open documents); the others in batches.
      targets = new Set<string>();
      for (const file of affected) {
        if (first.has(file) || (!rebuilt && edited.has(file))) targets.add(file);
        else this.addPending(file);
      }
      for (const file of first) if (this.pending.has(file) || this.waitsInEveryWorkloadFile(file)) targets.add(file);
    }
    return {
      model,
      findings: this.check(model, targets),
      rebuilt,
      pending: this.pendingCount(),
      factsChanged,
    };
  }

  /** analyzePending re-checks up to `limit` of the pending files against the current model (call after analyze). */
  analyzePending(limit: number): { findings: Map<string, Finding[]>; remaining: number } {
    const model = this.current();
    const targets = new Set<string>();
    for (const file of this.pending) {
      if (targets.size >= limit) break;
      targets.add(file);
    }
    const every = this.everyWorkloadFile;
    while (every !== undefined && targets.size < limit) {
      const next = every.walk.next();
      if (next.done === true) {
        this.everyWorkloadFile = undefined;
        break;
      }
      if (every.seen.has(next.value) || !this.files.has(next.value)) continue;
      every.seen.add(next.value);
      targets.add(next.value);
    }
    return { findings: this.check(model, targets), remaining: this.pendingCount() };
  }

  /** Files still to re-check (while every workload file is being walked, at least 1 until the walk ends). */
  pendingCount(): number {
    const every = this.everyWorkloadFile;
    return this.pending.size + (every === undefined ? 0 : Math.max(1, every.files.size - every.seen.size));
  }

  /** A new round over every workload file: those pending one by one join it (the walk reaches them). */
  private startEveryWorkloadFile(files: ReadonlySet<string>): void {
    if (this.pending.size > 0) for (const file of [...this.pending]) if (files.has(file)) this.pending.delete(file);
    this.everyWorkloadFile = { files, walk: files.values(), seen: new Set() };
  }

  /** A file the running round over every workload file has not reached yet. */
  private waitsInEveryWorkloadFile(file: string): boolean {
    const every = this.everyWorkloadFile;
    return every !== undefined && every.files.has(file) && !every.seen.has(file);
  }

  /** check runs the rules on `targets`, which are no longer pending then. */
  private check(model: WorkspaceModel, targets: ReadonlySet<string>): Map<string, Finding[]> {
    this.take(targets);
    return groupByFile(runRules(model, targets, this.settings), targets);
  }

  /** take: these files are re-checked now, so they are no longer pending, one by one or in the walk over every workload file. */
  private take(targets: Iterable<string>): void {
    for (const file of targets) {
      this.pending.delete(file);
      this.markSeen(file);
    }
  }

  private markSeen(file: string): void {
    const every = this.everyWorkloadFile;
    if (every !== undefined && every.files.has(file)) every.seen.add(file);
  }

  private addPending(file: string): void {
    if (!this.waitsInEveryWorkloadFile(file)) this.pending.add(file);
  }

  current(): WorkspaceModel {
    return this.model ?? this.analyze().model;
  }

  /** findingsOf re-runs the rules for one file against the current model (callers that did not keep its findings). */
  findingsOf(file: string): Finding[] {
    if (!this.files.has(file)) return [];
    return runRules(this.current(), new Set([file]), this.settings);
  }
}

function groupByFile(findings: Finding[], files: Iterable<string>): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of files) map.set(f, []);
  for (const f of findings) map.get(f.file)?.push(f);
  return map;
}
