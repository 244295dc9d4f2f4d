// The engine's public API: what the CLI, the language server, the cluster layer and the webviews use, and only that.
// Pure: values in, values out, no IO. test/public-api.test.ts lists these names, so widening the API is a visible
// decision; tests and benchmarks that need an internal import its module directly.

// Text positions and quantities.
export type { Span, Range } from './text';
export { LineIndex } from './text';
export { formatCpu } from './quantity';
export { escapeMarkdown, codeSpan } from './markdown';

// Syntax: the located tree manifests are read into.
export type { YNode, YEntry } from './syntax/tree';
export { get, entry, stringValue } from './syntax/tree';

// Model: files and API objects into Kubernetes objects.
export { parseFile, unreadFile } from './model/objects';
export type { K8sObject, ParsedFile, SourceInput, FileProblem } from './model/objects';
export { parsedFromApi } from './model/from-api';
export { packParsedFile, unpackParsedFile } from './model/packed';
export type { PackedFile } from './model/packed';

// Semantics used by views.
export type { PriorityClass } from './semantics/priority-class';
export { ignoresDisruptions } from './semantics/job';

// Edits: the editor's own quick fixes.
export type { TextEdit } from './edits/text-edits';
export { requestsEqualLimits, addPreemptionPolicyNever } from './edits/quick-fixes';

// Facts, rules and their analysis.
export { WorkspaceModel, newestKubernetesMinor, oldestKubernetesMinor } from './facts/workspace-model';
export type { AnalyzedWorkload } from './facts/workspace-model';
export { rules, rulesById } from './rules/index';
export type { Rule, Finding, Fix, Severity, SeveritySetting, FindingTag } from './rules/rule';
export { AnalysisHost } from './analysis/host';
export { sortFindings } from './analysis/analyze';
export { earlyAnalysis } from './analysis/early';
export type { RuleSettings } from './analysis/analyze';

// Predict: scheduler preemption (`kpl simulate`) and kubelet eviction (`kpl evict`).
export { SimCluster } from './predict/cluster';
export { simulate } from './predict/preempt';
export type { SimulationResult } from './predict/preempt';
export { rankEviction, evictionSignals, validThreshold } from './predict/evict';
export { readSummary } from './predict/summary';
export type { EvictionResult, EvictionSignal } from './predict/evict';
export type { Summary } from './predict/summary';
export { canonicalQuantity, bytesQuantity } from './predict/quantity-text';

// Explain: view models for `kpl explain`, hovers and the Priority Map.
export { explain, explainWorkload } from './explain/explain';
export { explainWorkloadPriorityClasses, kueueSummary } from './explain/kueue';
export type { KueueExplanation } from './explain/kueue';
export type { WorkloadExplanation, PriorityClassExplanation } from './explain/explain';

// Diagnose: records the cluster layer keeps, and the Diagnose Pod report.
export {
  watchedEventReasons,
  podRecordFromObject,
  mergePodRecord,
  eventRecordFromObject,
  formatOwner,
  podsOfWorkload,
} from './diagnose/records';
export type { ApiObject, PodRecord, EventRecord, WorkloadMatch } from './diagnose/records';
export { parsePreemptedNote } from './diagnose/messages';
export { maxTextBytes, capStrings } from './diagnose/cap';
export { buildDiagnoseReport } from './diagnose/report/build';
export { controllerCandidates } from './diagnose/reconstruct';
export { renderDiagnoseText, renderDiagnoseMarkdown } from './diagnose/report/render';
export type { DiagnoseReport } from './diagnose/report/types';
export { parseKueuePreemptionMessage } from './diagnose/kueue-messages';
export {
  workloadRecordFromObject,
  workloadEvictionRecord,
  workloadConditionController,
  kueueReasonText,
  kueuePreemptionKey,
} from './diagnose/kueue-workload';
export type { WorkloadRecord } from './diagnose/kueue-workload';
export { buildKueueJobReport } from './diagnose/kueue-job-report';
export { rankNodeForEviction } from './diagnose/victim-choice';
export type { NodeEvictionRanking } from './diagnose/victim-choice';
