// AnalysisHost owns the parsed files, the model and the findings; it re-analyses incrementally.
// An edit re-parses one file; the model is rebuilt only when a file's summary (what other files depend on) changed.
import { parseFile } from '../model/objects';
import type { ParsedFile, SourceInput } from '../model/objects';
import type { Finding } from '../rules/rule';
import { WorkspaceModel } from '../facts/workspace-model';
import type { AnalysisOptions } from '../facts/workspace-model';
import { runRules } from './analyze';
import type { RuleSettings } from './analyze';
import { summarizeFile } from './summary';

export interface AnalysisResult {
  model: WorkspaceModel;
  /** Findings per workspace file, for every file re-checked in this run (all files after a rebuild). */
  findings: Map<string, Finding[]>;
  /** True when the model was rebuilt (every file's findings may have changed). */
  rebuilt: boolean;
}

export class AnalysisHost {
  private readonly files = new Map<string, { parsed: ParsedFile; summary: string }>();
  private clusterFiles: ParsedFile[] = [];
  private model: WorkspaceModel | undefined;
  private readonly dirty = new Set<string>();
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
    if (previous === undefined || previous.summary !== summary) this.needsRebuild = true;
  }

  /** addParsed registers a file parsed elsewhere (e.g. with a problem found while walking directories). */
  addParsed(parsed: ParsedFile): void {
    this.files.set(parsed.file, { parsed, summary: summarizeFile(parsed) });
    this.dirty.add(parsed.file);
    this.needsRebuild = true;
  }

  removeFile(path: string): void {
    if (!this.files.delete(path)) return;
    this.dirty.delete(path);
    this.needsRebuild = true;
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
  analyze(): AnalysisResult {
    if (this.needsRebuild || this.model === undefined) {
      this.model = new WorkspaceModel(
        [...this.files.values()].map((f) => f.parsed),
        this.clusterFiles,
        this.options,
      );
      this.needsRebuild = false;
      this.dirty.clear();
      return {
        model: this.model,
        findings: groupByFile(runRules(this.model, new Set(this.files.keys()), this.settings), this.files.keys()),
        rebuilt: true,
      };
    }
    const model = this.model;
    const targets = new Set(this.dirty);
    for (const file of targets) {
      const entry = this.files.get(file);
      if (entry !== undefined) model.refreshFile(entry.parsed);
    }
    this.dirty.clear();
    return { model, findings: groupByFile(runRules(model, targets, this.settings), targets), rebuilt: false };
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
