// The predictor's view of a cluster: Nodes, bound and pending Pods, PDBs and PodMetrics read from K8sObjects once.
// Pure (no IO). Everything the scheduler keeps in its NodeInfo is precomputed per node here, so that later work on
// one node (filters, the preemption dry run, eviction ranking) only touches that node's pods:
//   - node.pods: the pods bound to the node (spec.nodeName), terminal pods left out as the scheduler's informer does;
//   - node.requested: Σ effective requests (R-D.3) of node.pods, per resource, in milli-units;
//   - node.podsWithAntiAffinity: the subset carrying required anti-affinity terms (InterPodAffinity's PodsWithAffinity).
import type { K8sObject } from '../model/objects';
import { readLabelSelector, readWorkload } from '../model/workload';
import type { LabelSelector, Workload } from '../model/workload';
import { FieldReader } from '../model/fields';
import { get, isMap, isScalar, isSeq, scalarText, stringValue } from '../syntax/tree';
import type { YMap, YNode } from '../syntax/tree';
import { parseQuantity } from '../quantity';
import { PriorityClassIndex, resolvePriority } from '../semantics/priority';
import { readPriorityClass } from '../semantics/priority-class';
import type { PreemptionPolicy, PriorityClass } from '../semantics/priority-class';
import { defaultContainer, podLevelResources, podRequests } from '../semantics/resources';
import type { EffectiveContainer, PodLevelResources } from '../semantics/resources';
import type { Resources } from '../semantics/resource-amounts';
import { readLimitRange } from '../semantics/limit-range';
import type { LimitRangeDefaults } from '../semantics/limit-range';
import { expectedDisruptions, pdbSelectsPod, readPodDisruptionBudget } from '../semantics/disruption';
import type { PodDisruptionBudget } from '../semantics/disruption';
import { evictionTier } from '../semantics/eviction';
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
  /** Effective requests (R-D.3), milli-units. */
  requests: Resources;
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

/** SimCluster is the predictor's cluster state; build it once, ask many questions. */
export class SimCluster {
  readonly nodes: SimNode[] = [];
  readonly nodeByName = new Map<string, SimNode>();
  readonly pods: SimPod[] = [];
  readonly podById = new Map<string, SimPod>();
  readonly podsByNamespace = new Map<string, SimPod[]>();
  /** Pods with status.nominatedNodeName and no spec.nodeName, by node. */
  readonly nominatedByNode = new Map<string, SimPod[]>();
  readonly pdbs: SimPdb[] = [];
  readonly pdbsByNamespace = new Map<string, SimPdb[]>();
  readonly namespaceLabels = new Map<string, Record<string, string>>();
  /** PodMetrics (metrics.k8s.io) memory usage by `namespace/name`. */
  readonly podMetrics = new Map<string, PodMetricsUsage>();
  readonly classIndex: PriorityClassIndex;
  /** Pods with a spec.nodeName naming no Node object. */
  readonly orphanPods: SimPod[] = [];

  constructor(
    objects: readonly K8sObject[],
    readonly options: SimClusterOptions = { kubernetesMinor: 36 },
  ) {
    const classes: PriorityClass[] = [];
    const clusterClasses: PriorityClass[] = [];
    const limitRanges = new Map<string, LimitRangeDefaults[]>();
    const podObjects: K8sObject[] = [];
    const nodeObjects: K8sObject[] = [];
    const pdbObjects: K8sObject[] = [];
    for (const o of objects) {
      switch (o.kind) {
        case 'Pod':
          podObjects.push(o);
          break;
        case 'Node':
          nodeObjects.push(o);
          break;
        case 'PriorityClass':
          (o.origin === 'cluster' ? clusterClasses : classes).push(readPriorityClass(o).priorityClass);
          break;
        case 'PodDisruptionBudget':
          pdbObjects.push(o);
          break;
        case 'LimitRange': {
          const { limitRange } = readLimitRange(o);
          const list = limitRanges.get(limitRange.namespace) ?? [];
          list.push(limitRange);
          list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          limitRanges.set(limitRange.namespace, list);
          break;
        }
        case 'Namespace':
          this.namespaceLabels.set(o.name, { ...o.labels, 'kubernetes.io/metadata.name': o.name });
          break;
        case 'PodMetrics':
          this.podMetrics.set(`${o.namespace ?? 'default'}/${o.name}`, readPodMetrics(o.node));
          break;
        default:
          break;
      }
    }
    this.classIndex = new PriorityClassIndex(classes, clusterClasses);
    for (const o of nodeObjects) {
      const node = readNode(o);
      if (this.nodeByName.has(node.name)) continue;
      this.nodes.push(node);
      this.nodeByName.set(node.name, node);
    }
    this.nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const o of podObjects) {
      const pod = readPod(o, this.classIndex, limitRanges.get(o.namespace ?? 'default') ?? [], options.kubernetesMinor);
      if (this.podById.has(pod.id)) continue;
      this.pods.push(pod);
      this.podById.set(pod.id, pod);
      const inNamespace = this.podsByNamespace.get(pod.namespace);
      if (inNamespace === undefined) this.podsByNamespace.set(pod.namespace, [pod]);
      else inNamespace.push(pod);
      // Succeeded/Failed pods hold no resources: the scheduler's informer never sees them.
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      if (pod.nodeName !== undefined) {
        const node = this.nodeByName.get(pod.nodeName);
        if (node === undefined) {
          this.orphanPods.push(pod);
          continue;
        }
        addToNode(node, pod);
      } else if (pod.nominatedNodeName !== undefined) {
        const list = this.nominatedByNode.get(pod.nominatedNodeName) ?? [];
        list.push(pod);
        this.nominatedByNode.set(pod.nominatedNodeName, list);
      }
    }
    for (const o of pdbObjects) {
      const { pdb } = readPodDisruptionBudget(o);
      const sim = this.readPdb(pdb);
      this.pdbs.push(sim);
      const list = this.pdbsByNamespace.get(sim.namespace) ?? [];
      list.push(sim);
      this.pdbsByNamespace.set(sim.namespace, list);
    }
  }

  /**
   * nodeForEviction returns the named Node, or (for the kubelet's view, which needs no Node object) a node made of
   * the pods whose spec.nodeName names it; undefined when neither exists.
   */
  nodeForEviction(name: string): SimNode | undefined {
    const known = this.nodeByName.get(name);
    if (known !== undefined) return known;
    const pods = this.orphanPods.filter((p) => p.nodeName === name);
    if (pods.length === 0) return undefined;
    const node: SimNode = {
      name,
      object: pods[0]?.object,
      labels: {},
      taints: [],
      unschedulable: false,
      allocatable: {},
      allowedPods: 0,
      pods: [],
      requested: {},
      podsWithAntiAffinity: [],
    };
    for (const p of pods) addToNode(node, p);
    return node;
  }

  /** namespaceLabelsOf returns a namespace's labels (Namespace objects, plus the automatic kubernetes.io/metadata.name). */
  namespaceLabelsOf(namespace: string): Record<string, string> {
    return this.namespaceLabels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace };
  }

  private readPdb(pdb: PodDisruptionBudget): SimPdb {
    if (pdb.statusDisruptionsAllowed !== undefined) {
      return {
        pdb,
        id: pdb.id,
        namespace: pdb.namespace,
        selector: pdb.selector,
        disruptionsAllowed: pdb.statusDisruptionsAllowed,
        source: 'status.disruptionsAllowed',
        disruptedPods: new Set(pdb.disruptedPods),
      };
    }
    // No status: the disruption controller's arithmetic with every selected, running, non-terminating pod healthy.
    // The controller's own selector semantics (policy/v1: `{}` selects the whole namespace) decide what is counted.
    let healthy = 0;
    let managed = 0;
    for (const pod of this.podsByNamespace.get(pdb.namespace) ?? []) {
      if (pod.nodeName === undefined || pod.terminating) continue;
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      if (pdbSelectsPod(pdb, pod.namespace, pod.labels)) {
        healthy++;
        if (hasControllerOwner(pod.object)) managed++;
      }
    }
    // maxUnavailable and a percentage minAvailable need the expected count, which the disruption controller takes from
    // the pods' controllers (their scale); pods without a controller ownerReference are "unmanaged" and ignored, and an
    // expected count of 0 allows no disruption (getExpectedScale / updatePdbStatus). Found by the differential check
    // against a real kube-controller-manager (test/scenarios/DIFFERENTIAL.md).
    const needsScale = pdb.maxUnavailable !== undefined || (pdb.minAvailable !== undefined && pdb.minAvailable.value.kind !== 'int');
    if (needsScale && managed === 0 && healthy > 0) {
      return {
        pdb,
        id: pdb.id,
        namespace: pdb.namespace,
        selector: pdb.selector,
        disruptionsAllowed: 0,
        source: `computed: none of the ${healthy} healthy pod(s) has a controller, so the disruption controller expects 0 pods and allows 0 disruptions`,
        disruptedPods: new Set(pdb.disruptedPods),
      };
    }
    const estimate = expectedDisruptions(pdb, healthy);
    return {
      pdb,
      id: pdb.id,
      namespace: pdb.namespace,
      selector: pdb.selector,
      disruptionsAllowed: estimate.disruptionsAllowed,
      source: `computed: ${estimate.explanation} (${healthy} healthy pod(s) found)`,
      disruptedPods: new Set(pdb.disruptedPods),
    };
  }
}

/** hasControllerOwner: metadata.ownerReferences has an entry with controller: true (what the disruption controller scales by). */
function hasControllerOwner(o: K8sObject): boolean {
  const refs = get(o.node, 'metadata', 'ownerReferences');
  if (!isSeq(refs)) return false;
  return refs.items.some((r) => scalarText(get(r, 'controller')) === 'true');
}

function addToNode(node: SimNode, pod: SimPod): void {
  node.pods.push(pod);
  for (const [r, v] of Object.entries(pod.requests)) node.requested[r] = (node.requested[r] ?? 0) + v;
  if (pod.antiAffinityTerms.length > 0) node.podsWithAntiAffinity.push(pod);
}

function readNode(o: K8sObject): SimNode {
  const reader = new FieldReader();
  const allocatable = reader.resourceList(get(o.node, 'status'), 'allocatable').values;
  const taints: Taint[] = [];
  const taintList = get(o.node, 'spec', 'taints');
  if (isSeq(taintList)) {
    for (const t of taintList.items) {
      if (!isMap(t)) continue;
      taints.push({
        key: scalarText(get(t, 'key')) ?? '',
        value: scalarText(get(t, 'value')) ?? '',
        effect: scalarText(get(t, 'effect')) ?? '',
      });
    }
  }
  const unschedulable = get(o.node, 'spec', 'unschedulable');
  return {
    name: o.name,
    object: o,
    labels: o.labels,
    taints,
    unschedulable: isScalar(unschedulable) && unschedulable.value === true,
    allocatable,
    allowedPods: Math.floor((allocatable['pods'] ?? 0) / 1000),
    pods: [],
    requested: {},
    podsWithAntiAffinity: [],
  };
}

function readPod(o: K8sObject, classes: PriorityClassIndex, limitRanges: readonly LimitRangeDefaults[], kubernetesMinor: number): SimPod {
  const workload = readWorkload(o);
  const spec = workload.podSpec;
  const status = get(o.node, 'status');
  const namespace = o.namespace ?? 'default';
  // A pod carrying spec.priority went through admission already (read back from a cluster): the integer is the truth.
  const resolved = resolvePriority(workload, classes);
  const priority = workload.priority?.value ?? resolved.priority;
  const policyText = workload.preemptionPolicy?.value;
  const preemptionPolicy: PreemptionPolicy =
    policyText === 'Never' ? 'Never' : policyText === 'PreemptLowerPriority' ? 'PreemptLowerPriority' : resolved.preemptionPolicy;
  const containers = workload.containers.map((c) => defaultContainer(c, limitRanges));
  const podLevel = podLevelResources(workload, kubernetesMinor);
  const requests = podRequests(containers, workload.overhead.values, podLevel);
  const startText = stringValue(get(status, 'startTime'));
  const startTime = startText === undefined ? undefined : Date.parse(startText);
  const deletion = get(o.node, 'metadata', 'deletionTimestamp');
  const terminating = deletion !== undefined && !(isScalar(deletion) && deletion.value === null);
  let disruptedByScheduler = false;
  const conditions = get(status, 'conditions');
  if (isSeq(conditions)) {
    for (const c of conditions.items) {
      if (
        stringValue(get(c, 'type')) === 'DisruptionTarget' &&
        scalarText(get(c, 'status')) === 'True' &&
        stringValue(get(c, 'reason')) === 'PreemptionByScheduler'
      )
        disruptedByScheduler = true;
    }
  }
  const hostPorts: HostPort[] = [];
  for (const c of workload.containers)
    for (const p of c.hostPorts) hostPorts.push({ port: p.port, protocol: p.protocol, hostIP: p.hostIP });
  const affinity = get(spec, 'affinity');
  const annotations = o.annotations;
  const configSource = annotations['kubernetes.io/config.source'];
  return {
    id: `${namespace}/${o.name}`,
    namespace,
    name: o.name,
    uid: stringValue(get(o.node, 'metadata', 'uid')),
    object: o,
    workload,
    labels: o.labels,
    priority,
    preemptionPolicy,
    requests,
    containers,
    podLevel,
    nodeName: workload.nodeName === '' ? undefined : workload.nodeName,
    nominatedNodeName: stringValue(get(status, 'nominatedNodeName')) || undefined,
    phase: stringValue(get(status, 'phase')),
    startTime: startTime === undefined || Number.isNaN(startTime) ? undefined : startTime,
    terminating,
    terminatingByPreemption: terminating && disruptedByScheduler,
    hostPorts,
    tolerations: readTolerations(get(spec, 'tolerations')),
    nodeSelector: workload.nodeSelector,
    requiredNodeAffinity: readNodeSelectorTerms(get(affinity, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')),
    affinityTerms: readAffinityTerms(get(affinity, 'podAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'), namespace),
    antiAffinityTerms: readAffinityTerms(get(affinity, 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'), namespace),
    spreadConstraints: readSpread(get(spec, 'topologySpreadConstraints'), o.labels),
    localVolumes: readLocalVolumes(get(spec, 'volumes')),
    staticPod: configSource !== undefined && configSource !== 'api',
    mirrorPod: annotations['kubernetes.io/config.mirror'] !== undefined,
    evictionTier: evictionTier(workload, priority, containers, podLevel),
  };
}

function readTolerations(node: YNode | undefined): Toleration[] {
  const result: Toleration[] = [];
  if (!isSeq(node)) return result;
  for (const t of node.items) {
    if (!isMap(t)) continue;
    result.push({
      key: scalarText(get(t, 'key')) ?? '',
      operator: scalarText(get(t, 'operator')) ?? 'Equal',
      value: scalarText(get(t, 'value')) ?? '',
      effect: scalarText(get(t, 'effect')) ?? '',
    });
  }
  return result;
}

function readRequirements(node: YNode | undefined): NodeSelectorRequirement[] {
  if (!isSeq(node)) return [];
  return node.items.filter(isMap).map((r) => {
    const values = get(r, 'values');
    return {
      key: scalarText(get(r, 'key')) ?? '',
      operator: scalarText(get(r, 'operator')) ?? '',
      values: isSeq(values) ? values.items.map((v) => scalarText(v) ?? '') : [],
    };
  });
}

function readNodeSelectorTerms(node: YNode | undefined): NodeSelectorTerm[] | undefined {
  if (!isMap(node)) return undefined;
  const terms = get(node, 'nodeSelectorTerms');
  if (!isSeq(terms)) return [];
  return terms.items.map((t) => ({
    matchExpressions: readRequirements(get(t, 'matchExpressions')),
    matchFields: readRequirements(get(t, 'matchFields')),
  }));
}

function readAffinityTerms(node: YNode | undefined, ownNamespace: string): AffinityTerm[] {
  if (!isSeq(node)) return [];
  const reader = new FieldReader();
  const terms: AffinityTerm[] = [];
  for (const item of node.items) {
    if (!isMap(item)) continue;
    const namespacesNode = get(item, 'namespaces');
    const namespaces = isSeq(namespacesNode) ? namespacesNode.items.map((n) => scalarText(n) ?? '').filter((n) => n !== '') : [];
    const namespaceSelector = readLabelSelector(reader, get(item, 'namespaceSelector'));
    // No namespaces and no namespaceSelector: the pod's own namespace (getNamespacesFromPodAffinityTerm).
    const set = new Set(namespaces.length === 0 && namespaceSelector === undefined ? [ownNamespace] : namespaces);
    terms.push({
      selector: readLabelSelector(reader, get(item, 'labelSelector')),
      namespaces: set,
      namespaceSelector,
      topologyKey: scalarText(get(item, 'topologyKey')) ?? '',
    });
  }
  return terms;
}

function readSpread(node: YNode | undefined, podLabels: Record<string, string>): SpreadConstraint[] {
  if (!isSeq(node)) return [];
  const reader = new FieldReader();
  const result: SpreadConstraint[] = [];
  for (const item of node.items) {
    if (!isMap(item)) continue;
    if ((scalarText(get(item, 'whenUnsatisfiable')) ?? 'DoNotSchedule') !== 'DoNotSchedule') continue;
    let selector = readLabelSelector(reader, get(item, 'labelSelector'));
    const keys = get(item, 'matchLabelKeys');
    if (selector !== undefined && isSeq(keys)) {
      // matchLabelKeys: `key In (value of the incoming pod's label)` for each key the pod carries.
      const extra = keys.items.map((k) => scalarText(k) ?? '').filter((k) => k !== '' && podLabels[k] !== undefined);
      if (extra.length > 0)
        selector = {
          ...selector,
          matchExpressions: [...selector.matchExpressions, ...extra.map((k) => ({ key: k, operator: 'In', values: [podLabels[k] ?? ''] }))],
        };
    }
    const maxSkew = Number(scalarText(get(item, 'maxSkew')) ?? '1');
    const minDomains = Number(scalarText(get(item, 'minDomains')) ?? '1');
    result.push({
      maxSkew: Number.isFinite(maxSkew) ? maxSkew : 1,
      topologyKey: scalarText(get(item, 'topologyKey')) ?? '',
      selector,
      minDomains: Number.isFinite(minDomains) ? minDomains : 1,
      nodeAffinityPolicy: scalarText(get(item, 'nodeAffinityPolicy')) === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: scalarText(get(item, 'nodeTaintsPolicy')) === 'Honor' ? 'Honor' : 'Ignore',
    });
  }
  return result;
}

function readLocalVolumes(node: YNode | undefined): Set<string> {
  const result = new Set<string>();
  if (!isSeq(node)) return result;
  for (const v of node.items) {
    const name = scalarText(get(v, 'name'));
    if (name === undefined) continue;
    const emptyDir = get(v, 'emptyDir');
    const onDisk = emptyDir !== undefined && (scalarText(get(emptyDir, 'medium')) ?? '') === '';
    if (onDisk || get(v, 'hostPath') !== undefined || get(v, 'configMap') !== undefined || get(v, 'gitRepo') !== undefined)
      result.add(name);
  }
  return result;
}

function readPodMetrics(root: YMap): PodMetricsUsage {
  const containers = new Map<string, number>();
  let total = 0;
  const list = get(root, 'containers');
  if (isSeq(list)) {
    for (const c of list.items) {
      const name = scalarText(get(c, 'name'));
      const memory = scalarText(get(c, 'usage', 'memory'));
      const milli = memory === undefined ? undefined : parseQuantity(memory);
      if (name === undefined || milli === undefined) continue;
      const bytes = Math.round(milli / 1000);
      containers.set(name, bytes);
      total += bytes;
    }
  }
  return { containers, total };
}
