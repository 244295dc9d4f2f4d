// The rule contract: one rule per file, carrying its id, summary, severity, docs and check().
// Rules are pure functions of the precomputed workspace model; they report findings through the context.
import type { Span } from '../text';
import type { K8sObject } from '../model/objects';
import type { TextEdit } from '../edits/text-edits';
import type { AnalyzedWorkload, WorkspaceModel } from '../facts/workspace-model';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface Fix {
  description: string;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  /** `Kind/namespace/name` (cluster-scoped: `Kind/name`); absent when no object applies. */
  object?: string;
  fix?: Fix;
}

export interface Report {
  file: string;
  span: Span;
  message: string;
  object?: K8sObject;
  fix?: Fix;
}

/** RuleContext gives a rule the model and the files whose findings are being computed. */
export interface RuleContext {
  readonly model: WorkspaceModel;
  /** Only objects of these files are checked (the whole workspace on a full analysis, one file on a local edit). */
  readonly targets: ReadonlySet<string>;
  /** Workspace workloads in target files. */
  readonly workloads: readonly AnalyzedWorkload[];
  report(report: Report): void;
  /** The text of a file, for building edits that keep indentation. */
  text(file: string): string;
}

export type RuleCategory = 'correctness' | 'admission' | 'prediction' | 'syntax';

/**
 * How editors may show a rule's findings besides their severity (LSP DiagnosticTag): `unnecessary` marks what can be
 * removed (faded out), `deprecated` what is outdated (struck through).
 */
export type FindingTag = 'unnecessary' | 'deprecated';

export interface Rule {
  id: string;
  summary: string;
  category: RuleCategory;
  defaultSeverity: Severity;
  /** What the rule's answer depends on: one object, the whole workspace, or the cluster state too. */
  scope: 'file' | 'workspace' | 'cluster';
  /** Markdown with the headings "Why this matters", "How to fix", "Invalid", "Valid". */
  docs: string;
  /** Kubernetes-version notes, when behaviour differs between versions. */
  versions?: string;
  /** Editor presentation of every finding of the rule. */
  tags?: readonly FindingTag[];
  check(ctx: RuleContext): void;
}
