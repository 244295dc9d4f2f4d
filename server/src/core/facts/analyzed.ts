// The analysed records the model holds: a workload with every derived fact, a PDB with its coverage. Their own file so
// that what the model builds from them (KueueFacts) can name them without an import cycle.
import type { K8sObject } from '../model/objects';
import type { Workload } from '../model/workload';
import type { ResolvedPriority } from '../semantics/priority';
import type { EffectiveContainer, PodLevelResources } from '../semantics/resources';
import type { Resources } from '../semantics/resource-amounts';
import type { QosClass } from '../semantics/qos';
import type { DisruptionEstimate, PodDisruptionBudget } from '../semantics/disruption';
import type { EvictionTier } from '../semantics/eviction';

/** AnalyzedWorkload is a workload with every derived fact the rules and views need. */
export interface AnalyzedWorkload {
  workload: Workload;
  object: K8sObject;
  priority: ResolvedPriority;
  containers: EffectiveContainer[];
  podLevel: PodLevelResources | undefined;
  requests: Resources;
  qosClass: QosClass;
  qosClassWithoutLimitRange: QosClass;
  /** The LimitRange that changed the QoS class, `namespace/name`. */
  limitRange: string | undefined;
  evictionTier: EvictionTier;
  pdbs: AnalyzedPdb[];
  /** Set when the object is a fragment (R-D.11): the apiserver's cause; it is then not analysed as a workload. */
  partial: string | undefined;
}

export interface AnalyzedPdb {
  pdb: PodDisruptionBudget;
  workloads: AnalyzedWorkload[];
  estimate: DisruptionEstimate;
}
