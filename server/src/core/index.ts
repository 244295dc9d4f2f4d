// The engine's public API: the only module other projects import. Pure: values in, values out, no IO.
export type { Span, Position, Range } from './text';
export { LineIndex, decodeUtf8 } from './text';
export { parseQuantity, formatQuantity, formatCpu } from './quantity';
export type { YNode, YMap, YSeq, YScalar, YEntry } from './syntax/tree';
export { get, entry, lookup, isMap, isSeq, isScalar, stringValue, scalarText } from './syntax/tree';
export { parseFile, unreadFile, clusterScopedKinds } from './model/objects';
export { parsedFromApi, objectsFromApi } from './model/from-api';
export type { K8sObject, ParsedFile, SourceInput, FileProblem, Origin } from './model/objects';
export { readWorkload, workloadKinds, readLabelSelector } from './model/workload';
export type { Workload, ContainerSpec, LabelSelector, PodAffinityTerm } from './model/workload';
export { FieldReader } from './model/fields';
export { WorkspaceModel, newestKubernetesMinor, oldestKubernetesMinor } from './facts/workspace-model';
export type { AnalyzedWorkload, AnalyzedPdb, AnalysisOptions } from './facts/workspace-model';
export { evictionTier } from './semantics/eviction';
export type { EvictionTier } from './semantics/eviction';
export { AnalysisHost } from './analysis/host';
export type { AnalysisResult } from './analysis/host';
export { runRules, sortFindings, ignoreAnnotation } from './analysis/analyze';
export type { RuleSettings } from './analysis/analyze';
export { rules, rulesById } from './rules/index';
export type { Rule, Finding, Fix, Severity, SeveritySetting, RuleCategory, FindingTag } from './rules/rule';
export { ignoresDisruptions } from './semantics/job';
export { closest } from './suggest';
export { insertKey, replace, removeLine } from './edits/text-edits';
export type { TextEdit } from './edits/text-edits';
export { requestsEqualLimits, addPreemptionPolicyNever } from './edits/quick-fixes';
export { resolvePriority, PriorityClassIndex } from './semantics/priority';
export type { ResolvedPriority, PriorityFrom } from './semantics/priority';
export {
  readPriorityClass,
  validatePriorityClass,
  systemPriorityClasses,
  systemCriticalPriority,
  highestUserDefinablePriority,
} from './semantics/priority-class';
export type { PriorityClass, PreemptionPolicy } from './semantics/priority-class';
export { computePodQos, stanzaQos } from './semantics/qos';
export type { QosClass } from './semantics/qos';
export { defaultContainer, podRequests, podLevelResources, podMemoryLimit } from './semantics/resources';
export type { EffectiveContainer, PodLevelResources } from './semantics/resources';
export type { Resources } from './semantics/resource-amounts';
export { readLimitRange } from './semantics/limit-range';
export type { LimitRangeDefaults } from './semantics/limit-range';
export { readPodDisruptionBudget, expectedDisruptions, pdbSelectsPod } from './semantics/disruption';
export type { PodDisruptionBudget, DisruptionEstimate } from './semantics/disruption';
export { selectorMatches, isEmptySelector, formatSelector } from './semantics/labels';
export type { EmptySelectorMeaning } from './semantics/labels';
export { explain, explainWorkload } from './explain/explain';
export { escapeMarkdown, codeSpan } from './markdown';
export type { Explanation, WorkloadExplanation, PriorityClassExplanation } from './explain/explain';
export * from './predict/index';
export * from './diagnose/index';
