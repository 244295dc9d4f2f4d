// The predictor's types: a Pod, a Node and a PDB as the simulated scheduler and kubelet see them (SimCluster builds
// them from K8sObjects in predict/sim-read.ts).
import type { K8sObject } from '../model/objects';
import type { LabelSelector, Workload } from '../model/workload';
import type { PreemptionPolicy } from '../semantics/priority-class';
import type { EffectiveContainer, PodLevelResources } from '../semantics/resources';
import type { Resources } from '../semantics/resource-amounts';
import type { PodDisruptionBudget } from '../semantics/disruption';
import type { EvictionTier } from '../semantics/eviction';
export interface Taint {
  key: string;
  value: string;
  effect: string;
}

export interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export interface NodeSelectorTerm {
  matchExpressions: NodeSelectorRequirement[];
  matchFields: NodeSelectorRequirement[];
}

/** A required pod (anti-)affinity term with its namespaces resolved as the scheduler's AffinityTerm. */
export interface AffinityTerm {
  /** undefined: a nil labelSelector, which matches nothing. */
  selector: LabelSelector | undefined;
  namespaces: ReadonlySet<string>;
  /** undefined: no namespaceSelector; an empty one matches every namespace. */
  namespaceSelector: LabelSelector | undefined;
  topologyKey: string;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  /** The labelSelector with matchLabelKeys merged in; undefined matches nothing. */
  selector: LabelSelector | undefined;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

export interface HostPort {
  port: number;
  protocol: string;
  hostIP: string;
}

export interface SimPod {
  /** `namespace/name` */
  id: string;
  namespace: string;
  name: string;
  uid: string | undefined;
  object: K8sObject;
  workload: Workload;
  labels: Record<string, string>;
  priority: number;
  preemptionPolicy: PreemptionPolicy;
  /** The scheduler's request (R-D.3 with overhead always, R-D.6, and a bound pod's resize state, R-D.7), milli-units. */
  requests: Resources;
  /** The kubelet eviction ranking's request (R-F.4): spec requests, pod-level when set, no overhead. */
  kubeletRequests: Resources;
  containers: EffectiveContainer[];
  podLevel: PodLevelResources | undefined;
  nodeName: string | undefined;
  nominatedNodeName: string | undefined;
  phase: string | undefined;
  /** status.startTime in ms since the epoch; undefined means "not started" (treated as now). */
  startTime: number | undefined;
  terminating: boolean;
  /** deletionTimestamp set and a DisruptionTarget=True condition with reason PreemptionByScheduler (R-E.1). */
  terminatingByPreemption: boolean;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
  /** Required node affinity terms (ORed); undefined when absent. */
  requiredNodeAffinity: NodeSelectorTerm[] | undefined;
  affinityTerms: AffinityTerm[];
  antiAffinityTerms: AffinityTerm[];
  /** DoNotSchedule constraints only. */
  spreadConstraints: SpreadConstraint[];
  /** claimName of each persistentVolumeClaim volume. */
  claims: string[];
  /** Names of volumes the kubelet counts as local ephemeral storage (emptyDir on disk, hostPath, configMap, gitRepo). */
  localVolumes: Set<string>;
  staticPod: boolean;
  mirrorPod: boolean;
  evictionTier: EvictionTier;
}

export interface SimNode {
  name: string;
  object: K8sObject;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  /** status.allocatable, milli-units (pods included as milli too). */
  allocatable: Resources;
  allowedPods: number;
  pods: SimPod[];
  requested: Resources;
  podsWithAntiAffinity: SimPod[];
}

export interface SimPdb {
  pdb: PodDisruptionBudget;
  id: string;
  namespace: string;
  /** The PDB's selector; the scheduler reads nil and `{}` as matching nothing (R-E.7), the controller as R-K.2 says. */
  selector: LabelSelector | undefined;
  disruptionsAllowed: number;
  /** "status" when read from status.disruptionsAllowed, else how it was computed. */
  source: string;
  disruptedPods: ReadonlySet<string>;
}

export interface PodMetricsUsage {
  /** container name → working set bytes */
  containers: Map<string, number>;
  total: number;
}

export interface SimClusterOptions {
  /** Kubernetes minor version whose defaulting applies (pod-level resources from 1.34). */
  kubernetesMinor: number;
}
