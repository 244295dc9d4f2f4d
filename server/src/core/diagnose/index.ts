// Diagnose Pod: pure parsing, classification and report building over cluster records (the engine's public part of it).
export {
  preemptedNoteRe,
  parsePreemptedNote,
  normalizeDisruptionReason,
  parseSchedulerDisruptionMessage,
  signalsFor,
  parseEvictedMessage,
  parseJobFailure,
} from './messages';
export type {
  PreemptedNote,
  DisruptionReason,
  SchedulerDisruptionMessage,
  EvictionResource,
  EvictedContainerUsage,
  EvictedMessage,
  JobFailure,
} from './messages';
export {
  watchedEventReasons,
  deploymentOfReplicaSet,
  ownerChain,
  topOwner,
  formatOwner,
  podRecordFromObject,
  mergePodRecord,
  eventRecordFromObject,
  effectivePodRequests,
  podsOfWorkload,
} from './records';
export type { WorkloadMatch, ApiObject, OwnerLink, PodCondition, ContainerTermination, PodRecord, EventRecord } from './records';
export { maxTextBytes, capText, capStrings } from './cap';
export { classifyPod, eventsOfPod } from './classify';
export type { CauseKind, Classification } from './classify';
export { buildDiagnoseReport, renderDiagnoseText, renderDiagnoseMarkdown } from './report';
export type {
  DiagnoseInput,
  DiagnoseReport,
  ManifestLink,
  PodSummary,
  PreemptorInfo,
  JobConsequence,
  PdbState,
  EvictionNodeState,
  FixSuggestion,
} from './report';
export {
  explainVictimChoice,
  victimChoiceLines,
  podsOnNodeAt,
  rankNodeForEviction,
  evictionRankingLines,
  nodeConditions,
  evictionSignalFor,
} from './victim-choice';
export type {
  VictimChoice,
  VictimChoicePod,
  VictimVerdict,
  VictimChoiceInput,
  NodeEvictionRanking,
  NextEvictionVictim,
  NodeConditionView,
} from './victim-choice';
