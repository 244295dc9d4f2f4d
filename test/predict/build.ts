// Small object builders for predictor tests: plain Kubernetes objects → JSON text → parseFile → SimCluster.
import { SimCluster, parseFile } from '../../server/src/core/index';
import type { SimPod } from '../../server/src/core/predict/cluster';

export type Obj = Record<string, unknown>;

export function snapshotOf(objects: readonly Obj[]): SimCluster {
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  const parsed = parseFile({ path: 'cluster.json', content: text, origin: 'cluster' });
  return new SimCluster(parsed.objects, { kubernetesMinor: 36 });
}

export function podOf(snapshot: SimCluster, id: string): SimPod {
  const pod = snapshot.podById.get(id);
  if (pod === undefined) throw new Error(`no pod ${id}`);
  return pod;
}

export function priorityClass(name: string, value: number, extra: Obj = {}): Obj {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra };
}

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Obj[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function node(name: string, o: NodeOpts = {}): Obj {
  const spec: Obj = {};
  if (o.taints !== undefined) spec['taints'] = o.taints;
  if (o.unschedulable === true) spec['unschedulable'] = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec,
    status: { allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) } },
  };
}

export interface PodOpts {
  ns?: string;
  node?: string;
  cpu?: string;
  memory?: string;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  start?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: Obj;
  status?: Obj;
  metadata?: Obj;
  containers?: Obj[];
  initContainers?: Obj[];
}

export function pod(name: string, o: PodOpts = {}): Obj {
  const requests: Record<string, string> = {};
  if (o.cpu !== undefined) requests['cpu'] = o.cpu;
  if (o.memory !== undefined) requests['memory'] = o.memory;
  const spec: Obj = { containers: o.containers ?? [{ name: 'main', image: 'app', resources: { requests } }], ...(o.spec ?? {}) };
  if (o.initContainers !== undefined) spec['initContainers'] = o.initContainers;
  if (o.node !== undefined) spec['nodeName'] = o.node;
  if (o.priority !== undefined) spec['priority'] = o.priority;
  if (o.priorityClassName !== undefined) spec['priorityClassName'] = o.priorityClassName;
  if (o.preemptionPolicy !== undefined) spec['preemptionPolicy'] = o.preemptionPolicy;
  const status: Obj = { ...(o.status ?? {}) };
  if (o.node !== undefined) status['phase'] = status['phase'] ?? 'Running';
  if (o.start !== undefined) status['startTime'] = o.start;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', labels: o.labels ?? {}, annotations: o.annotations ?? {}, ...(o.metadata ?? {}) },
    spec,
    status,
  };
}

export function pdb(
  name: string,
  selector: Obj | null,
  o: {
    ns?: string;
    allowed?: number;
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    disrupted?: string[];
    apiVersion?: string;
  } = {},
): Obj {
  const spec: Obj = {};
  if (selector !== null) spec['selector'] = selector;
  if (o.minAvailable !== undefined) spec['minAvailable'] = o.minAvailable;
  if (o.maxUnavailable !== undefined) spec['maxUnavailable'] = o.maxUnavailable;
  const status: Obj = {};
  if (o.allowed !== undefined) status['disruptionsAllowed'] = o.allowed;
  if (o.disrupted !== undefined) status['disruptedPods'] = Object.fromEntries(o.disrupted.map((d) => [d, '2024-01-01T00:00:00Z']));
  return {
    apiVersion: o.apiVersion ?? 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: o.ns ?? 'default' },
    spec,
    status,
  };
}

/** t(minutes) is a start time `minutes` after a fixed epoch, for ordering tests. */
export function t(minutes: number): string {
  return new Date(Date.UTC(2024, 0, 1, 0, minutes)).toISOString().replace('.000Z', 'Z');
}

export const now = Date.UTC(2024, 0, 2);
