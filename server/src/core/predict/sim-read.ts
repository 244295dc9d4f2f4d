// Reading Nodes, Pods and PodMetrics into the predictor's types (predict/sim-types.ts): the per-object half of
// SimCluster's constructor, pure and total (missing or malformed fields read as the API defaults them).
import type { K8sObject } from '../model/objects';
import { readLabelSelector, readWorkload } from '../model/workload';
import { FieldReader } from '../model/fields';
import { get, isMap, isScalar, isSeq, scalarText, stringValue } from '../syntax/tree';
import type { YMap, YNode } from '../syntax/tree';
import { parseQuantity } from '../quantity';
import { PriorityClassIndex, resolvePriority } from '../semantics/priority';
import type { PreemptionPolicy } from '../semantics/priority-class';
import { defaultContainer, podLevelResources, podRequests, resizedRequests } from '../semantics/resources';
import type { EffectiveContainer } from '../semantics/resources';
import type { Resources } from '../semantics/resource-amounts';
import type { LabelSelector } from '../model/workload';
import type { LimitRangeDefaults } from '../semantics/limit-range';
import { evictionTier } from '../semantics/eviction';
import type {
  AffinityTerm,
  HostPort,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodMetricsUsage,
  SimNode,
  SimPod,
  SpreadConstraint,
  Taint,
  Toleration,
} from './sim-types';
export function addToNode(node: SimNode, pod: SimPod): void {
  node.pods.push(pod);
  for (const [r, v] of Object.entries(pod.requests)) node.requested[r] = (node.requested[r] ?? 0) + v;
  if (pod.antiAffinityTerms.length > 0) node.podsWithAntiAffinity.push(pod);
}

export function readNode(o: K8sObject): SimNode {
  const reader = new FieldReader();
  const status = get(o.node, 'status');
  // SetDefaults_NodeStatus (R-D.8): a Node without status.allocatable has allocatable = capacity.
  const allocatable = reader.resourceList(status, get(status, 'allocatable') === undefined ? 'capacity' : 'allocatable').values;
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

export function readPod(
  o: K8sObject,
  classes: PriorityClassIndex,
  limitRanges: readonly LimitRangeDefaults[],
  kubernetesMinor: number,
  runtimeOverhead: ReadonlyMap<string, Resources> = new Map(),
): SimPod {
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
  const bound = workload.nodeName !== undefined && workload.nodeName !== '';
  // A bound pod is accounted with its resize state (R-D.7); the incoming pod by its spec, as computePodResourceRequest.
  const scheduled = bound ? withResizeStatus(containers, get(o.node, 'status')) : containers;
  // The scheduler adds spec.overhead always (R-D.6); the kubelet's eviction ranking never (R-F.4).
  // A manifest naming a RuntimeClass gets spec.overhead from it at admission (RuntimeClass plugin, R-D.6).
  const runtimeClass = stringValue(get(spec, 'runtimeClassName'));
  const declared = workload.overhead.values;
  const overhead =
    Object.keys(declared).length === 0 && runtimeClass !== undefined ? (runtimeOverhead.get(runtimeClass) ?? declared) : declared;
  const requests = podRequests(scheduled, overhead, podLevel, 'always');
  const kubeletRequests = podRequests(containers, overhead, podLevel, 'never');
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
  // GetHostPorts (R-E.12): containers and sidecars (restartable init containers); a regular init container has exited
  // before the pod runs, so its host ports are never held.
  const hostPorts: HostPort[] = [];
  for (const c of workload.containers)
    if (c.role !== 'init')
      for (const p of c.hostPorts) if (p.port > 0) hostPorts.push({ port: p.port, protocol: p.protocol || 'TCP', hostIP: p.hostIP });
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
    kubeletRequests,
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
    affinityTerms: readAffinityTerms(get(affinity, 'podAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'), namespace, o.labels),
    antiAffinityTerms: readAffinityTerms(
      get(affinity, 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'),
      namespace,
      o.labels,
    ),
    claims: readClaims(get(spec, 'volumes')),
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

export function readNodeSelectorTerms(node: YNode | undefined): NodeSelectorTerm[] | undefined {
  if (!isMap(node)) return undefined;
  const terms = get(node, 'nodeSelectorTerms');
  if (!isSeq(terms)) return [];
  return terms.items.map((t) => ({
    matchExpressions: readRequirements(get(t, 'matchExpressions')),
    matchFields: readRequirements(get(t, 'matchFields')),
  }));
}

/**
 * mergeLabelKeys is what the apiserver does at pod creation (pod strategy, applyMatchLabelKeysAndMismatchLabelKeys,
 * R-E.13): for each key of matchLabelKeys (mismatchLabelKeys) the pod has as a label, `key In [value]` (`NotIn`) is
 * appended to the term's labelSelector; a term without labelSelector is left alone.
 */
export function mergeLabelKeys(
  selector: LabelSelector | undefined,
  matchKeys: readonly string[],
  mismatchKeys: readonly string[],
  podLabels: Record<string, string>,
): LabelSelector | undefined {
  if (selector === undefined || (matchKeys.length === 0 && mismatchKeys.length === 0)) return selector;
  const expressions = [...selector.matchExpressions];
  for (const key of matchKeys) {
    const value = podLabels[key];
    if (value !== undefined) expressions.push({ key, operator: 'In', values: [value] });
  }
  for (const key of mismatchKeys) {
    const value = podLabels[key];
    if (value !== undefined) expressions.push({ key, operator: 'NotIn', values: [value] });
  }
  return { ...selector, matchExpressions: expressions };
}

const stringList = (node: YNode | undefined): string[] =>
  isSeq(node) ? node.items.map((n) => scalarText(n) ?? '').filter((n) => n !== '') : [];

function readAffinityTerms(node: YNode | undefined, ownNamespace: string, podLabels: Record<string, string>): AffinityTerm[] {
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
      selector: mergeLabelKeys(
        readLabelSelector(reader, get(item, 'labelSelector')),
        stringList(get(item, 'matchLabelKeys')),
        stringList(get(item, 'mismatchLabelKeys')),
        podLabels,
      ),
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

/** readClaims lists the claimName of every persistentVolumeClaim volume (VolumeBinding reads their PVs, R-E.14). */
function readClaims(node: YNode | undefined): string[] {
  if (!isSeq(node)) return [];
  const claims: string[] = [];
  for (const v of node.items) {
    const claim = scalarText(get(v, 'persistentVolumeClaim', 'claimName'));
    if (claim !== undefined && claim !== '') claims.push(claim);
  }
  return claims;
}

/**
 * withResizeStatus applies R-D.7 to the running containers and sidecars of a bound pod whose status reports their
 * resources (status.containerStatuses / initContainerStatuses[].resources, allocatedResources).
 */
function withResizeStatus(containers: EffectiveContainer[], status: YNode | undefined): EffectiveContainer[] {
  const statuses = new Map<string, YNode>();
  for (const key of ['containerStatuses', 'initContainerStatuses']) {
    const list = get(status, key);
    if (!isSeq(list)) continue;
    for (const cs of list.items) {
      const name = scalarText(get(cs, 'name'));
      if (name !== undefined && isMap(get(cs, 'resources'))) statuses.set(name, cs);
    }
  }
  if (statuses.size === 0) return containers;
  let infeasible = false;
  const conditions = get(status, 'conditions');
  if (isSeq(conditions))
    for (const c of conditions.items)
      if (stringValue(get(c, 'type')) === 'PodResizePending') infeasible = stringValue(get(c, 'reason')) === 'Infeasible';
  const reader = new FieldReader();
  return containers.map((c) => {
    const cs = c.container.role === 'init' ? undefined : statuses.get(c.container.name);
    if (cs === undefined) return c;
    const actual = reader.resourceList(get(cs, 'resources'), 'requests').values;
    const allocated = reader.resourceList(cs, 'allocatedResources').values;
    return { ...c, requests: resizedRequests(c.requests, { actual, allocated }, infeasible) };
  });
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

export function readPodMetrics(root: YMap): PodMetricsUsage {
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
