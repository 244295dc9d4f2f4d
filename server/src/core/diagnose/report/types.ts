// The Diagnose Pod report's shape (structured JSON for the webview, `kpl diagnose --format json`) and its input.
import type { ParsedFile } from '../../model/objects';
import type { CauseKind } from '../classify';
import type { JobFailure } from '../messages';
import type { ApiObject, EventRecord, PodRecord } from '../records';
import type { ReconstructedFact } from '../reconstruct';
import type { NodeEvictionRanking, VictimChoice } from '../victim-choice';
import type { KueueDiagnoseInput, KueueDiagnosis } from '../kueue-types';

export interface DiagnoseInput {
  target: { namespace: string; name: string; uid?: string };
  /** Every pod record known (live pods and the UID cache, including deleted pods). */
  pods: readonly PodRecord[];
  /**
   * The same records by UID, when the caller keeps them indexed (the live UID cache): the report then does not index
   * every pod again (35,000 at 1,000 nodes, a Map and a pair per pod for each Diagnose). Without it, `pods` is indexed.
   */
  podByUid?: (uid: string) => PodRecord | undefined;
  /** Every event known (live and history). */
  events: readonly EventRecord[];
  priorityClasses?: readonly ApiObject[];
  /** Jobs (at least the victim's owner, when it still exists). */
  jobs?: readonly ApiObject[];
  pdbs?: readonly ApiObject[];
  nodes?: readonly ApiObject[];
  /** PodMetrics (metrics.k8s.io) when listed; optional (metrics-server may be absent). */
  podMetrics?: readonly ApiObject[];
  /** Workspace manifests, to link fixes to lines. */
  workspace?: readonly ParsedFile[];
  /**
   * Events of the pod's possible controllers (the Job and ReplicaSet controllers' `SuccessfulCreate` "Created pod:
   * <name>"), read once for a pod the extension never saw, to find its owner.
   */
  controllerEvents?: readonly EventRecord[];
  /** ReplicaSets read for a pod the extension never saw (its possible owner), like `jobs`. */
  replicaSets?: readonly ApiObject[];
  /** Kueue's Workloads (and queues, classes), when the cluster runs Kueue: the Kueue part of the report. */
  kueue?: KueueDiagnoseInput;
  /** When the report is made (ISO): "12 min ago" is relative to it. The core reads no clock. */
  now?: string;
  /** Where the data came from, shown in the report. */
  source?: {
    context?: string;
    state?: string;
    partial?: boolean;
    namespaces?: string[];
    /** Set when the cluster objects (classes, Nodes, PDBs, LimitRanges) were read this long ago, a newer read under way. */
    snapshotAgeMs?: number;
  };
}

export interface ManifestLink {
  file: string;
  /** 0-based line and character (UTF-16). */
  line: number;
  character: number;
  /** The object, `Kind/namespace/name`. */
  object: string;
}

export interface PodSummary {
  namespace: string;
  name: string;
  uid?: string;
  priority?: number;
  priorityClassName?: string;
  /** Value of the class (from the PriorityClass object), when known. */
  classValue?: number;
  /** The class is the cluster's `globalDefault`. */
  classIsGlobalDefault?: boolean;
  /** True when the workload sets no priorityClassName and got the globalDefault class; undefined when unknown. */
  fromGlobalDefault?: boolean;
  preemptionPolicy?: string;
  qosClass?: string;
  owner?: string;
  node?: string;
  startTime?: string;
  deletionTime?: string;
  deleted?: boolean;
  phase?: string;
  manifest?: ManifestLink;
}

export interface PreemptorInfo extends Partial<PodSummary> {
  uid?: string;
  resolved: boolean;
  /** Where the identity came from. */
  via: 'uid-cache' | 'event-related' | 'event-note-name' | 'condition-message' | 'none';
  /** preemptor priority − victim priority. */
  priorityGap?: number;
  classManifest?: ManifestLink;
}

export interface JobConsequence {
  namespace: string;
  name: string;
  found: boolean;
  backoffLimit?: number;
  backoffLimitDefaulted?: boolean;
  failed?: number;
  podFailurePolicy: 'none' | 'ignores-disruptions' | 'counts-disruptions' | 'unknown';
  failure?: JobFailure;
  /** Whether this pod's failure counted toward backoffLimit. */
  counted?: boolean;
  summary: string;
  manifest?: ManifestLink;
}

export interface PdbState {
  name: string;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  note: string;
}

export interface EvictionNodeState {
  name: string;
  pressure: string[];
  allocatable?: Record<string, string>;
}

export interface FixSuggestion {
  id:
    | 'raise-priority-class'
    | 'explicit-priority-class'
    | 'preemptor-preemption-policy-never'
    | 'job-pod-failure-policy'
    | 'job-backoff-limit'
    | 'guaranteed-requests'
    | 'memory-limit'
    | 'capacity'
    | 'pdb'
    | 'tolerations'
    | 'ephemeral-storage'
    | 'kueue-workload-priority-class'
    | 'kueue-queue-preemption-policy';
  title: string;
  detail: string;
  /** `Kind/namespace/name` the fix applies to. */
  target?: string;
  snippet?: string;
  manifest?: ManifestLink;
}

export interface DiagnoseReport {
  target: string;
  found: boolean;
  /** One line: what happened, naming the preemptor and the priority gap when known. */
  headline: string;
  /** When the report was made (ISO), for relative times. */
  generatedAt?: string;
  /**
   * The pod was never seen alive by this tool (deleted before it started): what was rebuilt from the cluster, with the
   * source of each fact, and what could not be known.
   */
  reconstructed?: { facts: ReconstructedFact[]; unknown: string[] };
  happened: { kind: CauseKind; title: string; time?: string; node?: string; evidence: string[]; disruptionReason?: string };
  pod?: PodSummary;
  preemptor?: PreemptorInfo;
  /** Why this victim and not another (scheduler rules). */
  whyVictim?: string[];
  /** Other pods preempted for the same preemptor (from their Preempted events). */
  otherVictims?: { namespace: string; name: string; priority?: number; node?: string }[];
  /** Pods known on the victim's node at preemption time, with lower priority than the preemptor, that were not preempted (reprieved, R-E.6). */
  spared?: { namespace: string; name: string; priority?: number }[];
  /** The preemption re-run by the simulator on the node as it was just before it (which pods, and why the others were spared). */
  victimChoice?: VictimChoice;
  eviction?: {
    resource?: string;
    signals?: string[];
    nodeCondition?: string;
    threshold?: string;
    available?: string;
    containers: { container: string; usage: string; request: string; resource: string }[];
    ranking: string[];
    node?: EvictionNodeState;
    nextVictims?: NodeEvictionRanking;
  };
  job?: JobConsequence;
  /** The pod's or Job's Kueue Workload: mechanism (Kueue eviction vs kube-scheduler preemption), priorities, evictions. */
  kueue?: KueueDiagnosis & { mechanism: 'kueue' | 'scheduler' | 'none' };
  pdbs: PdbState[];
  fixes: FixSuggestion[];
  timeline: { time: string; reason: string; note: string; object: string }[];
  source?: DiagnoseInput['source'];
}
