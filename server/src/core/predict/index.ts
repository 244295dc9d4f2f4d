// The predictor: scheduler preemption (R-E.*) and kubelet eviction ranking (R-F.*) from plain Kubernetes objects.
export { SimCluster } from './cluster';
export type {
  SimPod,
  SimNode,
  SimPdb,
  Taint,
  Toleration,
  AffinityTerm,
  SpreadConstraint,
  SimClusterOptions,
  PodMetricsUsage,
} from './cluster';
export {
  PreemptorContext,
  NodeState,
  filterWithNominated,
  reasons as filterReasons,
  untoleratedTaintReason,
  tolerates,
  firstUntoleratedTaint,
  matchesNodeSelectorAndAffinity,
} from './filters';
export type { FilterStatus, StatusCode } from './filters';
export {
  simulate,
  selectVictimsOnNode,
  pickOneNodeForPreemption,
  violatingSplit,
  preemptionIneligibility,
  compareImportance,
  moreImportant,
  earliestStartOfTopVictims,
  fitErrorMessage,
} from './preempt';
export type { SimulationResult, SimulationOutcome, Candidate, NodeVerdict, SimulateOptions } from './preempt';
export {
  rankEviction,
  readSummary,
  evictionSignals,
  signalResource,
  measuredParts,
  exemption,
  evictionMessage,
  thresholdObservation,
  requestText,
  validThreshold,
} from './evict';
export type { EvictionSignal, EvictionResult, EvictOptions, Summary, PodStats, FsLayout, RankedPod, ReclaimResource } from './evict';
export { canonicalQuantity, canonicalText, bytesQuantity, formatOf } from './quantity-text';
