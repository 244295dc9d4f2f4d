// The predictor's view of a cluster: Nodes, bound and pending Pods, PDBs and PodMetrics read from K8sObjects once.
// Pure (no IO). Everything the scheduler keeps in its NodeInfo is precomputed per node here, so that later work on
// one node (filters, the preemption dry run, eviction ranking) only touches that node's pods:
//   - node.pods: the pods bound to the node (spec.nodeName), terminal pods left out as the scheduler's informer does;
//   - node.requested: Σ effective requests (R-D.3) of node.pods, per resource, in milli-units;
//   - node.podsWithAntiAffinity: the subset carrying required anti-affinity terms (InterPodAffinity's PodsWithAffinity).
import type { K8sObject } from '../model/objects';
import { PriorityClassIndex } from '../semantics/priority';
import { removedApiVersion } from '../semantics/api-versions';
import { readPriorityClass } from '../semantics/priority-class';
import type { PriorityClass } from '../semantics/priority-class';
import { readLimitRange } from '../semantics/limit-range';
import type { LimitRangeDefaults } from '../semantics/limit-range';
import { readPodDisruptionBudget } from '../semantics/disruption';
import type { PodDisruptionBudget } from '../semantics/disruption';
import { simPdb, readControllerObject } from './pdb-status';
import type { ControllerObject } from './pdb-status';
import { addToNode, readNode, readNodeSelectorTerms, readPod, readPodMetrics } from './sim-read';
import { get, stringValue } from '../syntax/tree';
import { FieldReader } from '../model/fields';
import type { Resources } from '../semantics/resource-amounts';
import type { NodeSelectorTerm, PodMetricsUsage, SimClusterOptions, SimNode, SimPdb, SimPod } from './sim-types';

export type {
  AffinityTerm,
  HostPort,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodMetricsUsage,
  SimClusterOptions,
  SimNode,
  SimPdb,
  SimPod,
  SpreadConstraint,
  Taint,
  Toleration,
} from './sim-types';

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
  /**
   * Bound claims (`namespace/claimName` of a PersistentVolumeClaim with spec.volumeName) whose PersistentVolume has a
   * required node affinity: the PV's nodeSelectorTerms (R-E.14).
   */
  readonly claimNodeAffinity = new Map<string, NodeSelectorTerm[]>();
  /** Objects that may control pods (`namespace/kind/name`), for the expected count of a PDB without status (R-K.4). */
  readonly controllers = new Map<string, ControllerObject>();

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
    const claimObjects: K8sObject[] = [];
    const volumeAffinity = new Map<string, NodeSelectorTerm[]>();
    const runtimeOverhead = new Map<string, Resources>();
    for (const o of objects) {
      if (removedApiVersion(o.kind, o.apiVersion, options.kubernetesMinor) !== undefined) continue; // never created (R-B.6)
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
        case 'RuntimeClass': {
          const podFixed = new FieldReader().resourceList(get(o.node, 'overhead'), 'podFixed').values;
          if (Object.keys(podFixed).length > 0) runtimeOverhead.set(o.name, podFixed);
          break;
        }
        case 'PersistentVolumeClaim':
          claimObjects.push(o);
          break;
        case 'PersistentVolume': {
          const terms = readNodeSelectorTerms(get(o.node, 'spec', 'nodeAffinity', 'required'));
          if (terms !== undefined) volumeAffinity.set(o.name, terms);
          break;
        }
        case 'PodMetrics':
          this.podMetrics.set(`${o.namespace ?? 'default'}/${o.name}`, readPodMetrics(o.node));
          break;
        default:
          this.controllers.set(`${o.namespace ?? 'default'}/${o.kind}/${o.name}`, readControllerObject(o));
          break;
      }
    }
    this.classIndex = new PriorityClassIndex(classes, clusterClasses);
    for (const o of claimObjects) {
      const volumeName = stringValue(get(o.node, 'spec', 'volumeName'));
      const terms = volumeName === undefined ? undefined : volumeAffinity.get(volumeName);
      if (terms !== undefined) this.claimNodeAffinity.set(`${o.namespace ?? 'default'}/${o.name}`, terms);
    }
    for (const o of nodeObjects) {
      const node = readNode(o);
      if (this.nodeByName.has(node.name)) continue;
      this.nodes.push(node);
      this.nodeByName.set(node.name, node);
    }
    this.nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const o of podObjects) {
      const pod = readPod(o, this.classIndex, limitRanges.get(o.namespace ?? 'default') ?? [], options.kubernetesMinor, runtimeOverhead);
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
    return simPdb(pdb, this.podsByNamespace.get(pdb.namespace) ?? [], this.controllers);
  }
}
