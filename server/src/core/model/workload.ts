// Pod-template views of workload objects (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
// ReplicationController): the fields that decide priority, QoS, disruption budgets, affinity and Job failure handling.
import type { Span } from '../text';
import { entry, get, isMap, isScalar, isSeq, stringValue } from '../syntax/tree';
import type { YMap, YNode } from '../syntax/tree';
import { FieldReader } from './fields';
import type { Located, ResourceList } from './fields';
import type { K8sObject } from './objects';

export const workloadKinds: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
]);

export type ContainerRole = 'app' | 'init' | 'sidecar';

export interface ContainerSpec {
  name: string;
  role: ContainerRole;
  node: YMap;
  span: Span;
  nameSpan: Span;
  /** The `resources` key when present, else the container's `name` value: where resource findings point. */
  resourcesSpan: Span;
  requests: ResourceList;
  limits: ResourceList;
  hostPorts: Array<{ port: number; protocol: string; hostIP: string }>;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
  span: Span;
}

export interface PodAffinityTerm {
  labelSelector: LabelSelector | undefined;
  namespaces: string[];
  namespaceSelector: LabelSelector | undefined;
  topologyKey: string;
  span: Span;
}

export interface JobSpec {
  node: YMap;
  span: Span;
  backoffLimit: Located<number> | undefined;
  backoffLimitPerIndex: Located<number> | undefined;
  parallelism: number;
  completions: number | undefined;
  podFailurePolicy: YMap | undefined;
  podFailurePolicySpan: Span | undefined;
}

/** Workload is a workload object together with the pod it creates. */
export interface Workload {
  object: K8sObject;
  /** The pod spec map (a Pod's `spec`, or the template's `spec`). */
  podSpec: YMap | undefined;
  /** Where `spec:` of the pod template is, for inserting fields. */
  podSpecSpan: Span;
  /** Pod labels (a Pod's own, or the template's). */
  podLabels: Record<string, string>;
  /** Pod replicas the workload runs; undefined when unknown (DaemonSet: one per node). */
  replicas: number | undefined;
  priorityClassName: Located<string> | undefined;
  priority: Located<number> | undefined;
  preemptionPolicy: Located<string> | undefined;
  containers: ContainerSpec[];
  podResources: { requests: ResourceList; limits: ResourceList; span: Span } | undefined;
  overhead: ResourceList;
  restartPolicy: Located<string> | undefined;
  nodeName: string | undefined;
  nodeSelector: Record<string, string>;
  requiredPodAffinity: PodAffinityTerm[];
  requiredPodAntiAffinity: PodAffinityTerm[];
  schedulerName: string;
  job: JobSpec | undefined;
  /** `status.qosClass` of a pod read back from a cluster. */
  statusQosClass: string | undefined;
  problems: FieldReader['problems'];
}

/** readWorkload builds the pod-template view of a workload object; problems land in `problems`. */
export function readWorkload(object: K8sObject): Workload {
  const reader = new FieldReader();
  const root = object.node;
  const spec = get(root, 'spec');
  let template: YNode | undefined;
  let jobNode: YNode | undefined;
  let replicas: number | undefined = 1;
  switch (object.kind) {
    case 'Pod':
      template = undefined;
      break;
    case 'CronJob':
      jobNode = get(spec, 'jobTemplate', 'spec');
      template = get(jobNode, 'template');
      break;
    case 'Job':
      jobNode = spec;
      template = get(spec, 'template');
      break;
    default:
      template = get(spec, 'template');
  }
  const podSpecNode = object.kind === 'Pod' ? spec : get(template, 'spec');
  const podSpec = isMap(podSpecNode) ? podSpecNode : undefined;
  const podLabels = object.kind === 'Pod' ? object.labels : reader.stringMap(get(template, 'metadata'), 'labels');
  if (object.kind === 'DaemonSet') replicas = undefined;
  else if (object.kind === 'Pod') replicas = 1;
  else if (jobNode !== undefined) replicas = reader.int32(jobNode, 'parallelism', 'spec.parallelism')?.value ?? 1;
  else replicas = reader.int32(spec, 'replicas', 'spec.replicas')?.value ?? 1;

  const containers: ContainerSpec[] = [];
  readContainers(reader, podSpec, 'initContainers', containers);
  readContainers(reader, podSpec, 'containers', containers);
  const podResourcesNode = get(podSpec, 'resources');
  const podResources = isMap(podResourcesNode)
    ? {
        requests: reader.resourceList(podResourcesNode, 'requests'),
        limits: reader.resourceList(podResourcesNode, 'limits'),
        span: entry(podSpec, 'resources')?.keySpan ?? podResourcesNode.span,
      }
    : undefined;
  const affinity = get(podSpec, 'affinity');
  const job = jobNode !== undefined && isMap(jobNode) ? readJob(reader, jobNode) : undefined;
  return {
    object,
    podSpec,
    podSpecSpan: (object.kind === 'Pod' ? entry(root, 'spec')?.keySpan : entry(template, 'spec')?.keySpan) ?? object.nameSpan,
    podLabels,
    replicas,
    priorityClassName: reader.string(podSpec, 'priorityClassName', 'spec.priorityClassName'),
    priority: reader.int32(podSpec, 'priority', 'spec.priority'),
    preemptionPolicy: reader.string(podSpec, 'preemptionPolicy', 'spec.preemptionPolicy'),
    containers,
    podResources,
    overhead: reader.resourceList(podSpec, 'overhead'),
    restartPolicy: reader.string(podSpec, 'restartPolicy', 'spec.restartPolicy'),
    nodeName: stringValue(get(podSpec, 'nodeName')),
    nodeSelector: reader.stringMap(podSpec, 'nodeSelector'),
    requiredPodAffinity: readTerms(reader, get(affinity, 'podAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')),
    requiredPodAntiAffinity: readTerms(reader, get(affinity, 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')),
    schedulerName: stringValue(get(podSpec, 'schedulerName')) ?? 'default-scheduler',
    job,
    statusQosClass: stringValue(get(root, 'status', 'qosClass')),
    problems: reader.problems,
  };
}

function readContainers(reader: FieldReader, podSpec: YMap | undefined, key: 'containers' | 'initContainers', out: ContainerSpec[]): void {
  const list = get(podSpec, key);
  if (list === undefined || (isScalar(list) && list.value === null)) return;
  if (!isSeq(list)) {
    reader.problems.push({ span: list.span, message: `spec.${key} must be a list of containers` });
    return;
  }
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const name = reader.string(item, 'name', 'container name');
    const restartPolicy = stringValue(get(item, 'restartPolicy'));
    const resources = get(item, 'resources');
    const hostPorts: ContainerSpec['hostPorts'] = [];
    const ports = get(item, 'ports');
    if (isSeq(ports)) {
      for (const port of ports.items) {
        const hostPort = reader.int32(port, 'hostPort', 'hostPort');
        if (hostPort !== undefined && hostPort.value > 0) {
          hostPorts.push({
            port: hostPort.value,
            protocol: stringValue(get(port, 'protocol')) ?? 'TCP',
            hostIP: stringValue(get(port, 'hostIP')) ?? '',
          });
        }
      }
    }
    out.push({
      name: name?.value ?? '<unnamed>',
      role: key === 'containers' ? 'app' : restartPolicy === 'Always' ? 'sidecar' : 'init',
      node: item,
      span: item.span,
      nameSpan: name?.span ?? item.span,
      resourcesSpan: entry(item, 'resources')?.keySpan ?? name?.span ?? item.span,
      requests: reader.resourceList(resources, 'requests'),
      limits: reader.resourceList(resources, 'limits'),
      hostPorts,
    });
  }
}

function readJob(reader: FieldReader, jobSpec: YMap): JobSpec {
  const policy = get(jobSpec, 'podFailurePolicy');
  return {
    node: jobSpec,
    span: jobSpec.span,
    backoffLimit: reader.int32(jobSpec, 'backoffLimit', 'spec.backoffLimit'),
    backoffLimitPerIndex: reader.int32(jobSpec, 'backoffLimitPerIndex', 'spec.backoffLimitPerIndex'),
    parallelism: reader.int32(jobSpec, 'parallelism', 'spec.parallelism')?.value ?? 1,
    completions: reader.int32(jobSpec, 'completions', 'spec.completions')?.value,
    podFailurePolicy: isMap(policy) ? policy : undefined,
    podFailurePolicySpan: entry(jobSpec, 'podFailurePolicy')?.keySpan,
  };
}

function readTerms(reader: FieldReader, node: YNode | undefined): PodAffinityTerm[] {
  if (!isSeq(node)) return [];
  const terms: PodAffinityTerm[] = [];
  for (const item of node.items) {
    if (!isMap(item)) continue;
    const namespaces = get(item, 'namespaces');
    terms.push({
      labelSelector: readLabelSelector(reader, get(item, 'labelSelector')),
      namespaces: isSeq(namespaces) ? namespaces.items.map((n) => stringValue(n)).filter((n): n is string => n !== undefined) : [],
      namespaceSelector: readLabelSelector(reader, get(item, 'namespaceSelector')),
      topologyKey: stringValue(get(item, 'topologyKey')) ?? '',
      span: item.span,
    });
  }
  return terms;
}

/** readLabelSelector reads a metav1.LabelSelector; undefined when absent or null. */
export function readLabelSelector(reader: FieldReader, node: YNode | undefined): LabelSelector | undefined {
  if (!isMap(node)) return undefined;
  const expressions: LabelSelectorRequirement[] = [];
  const list = get(node, 'matchExpressions');
  if (isSeq(list)) {
    for (const item of list.items) {
      const values = get(item, 'values');
      expressions.push({
        key: stringValue(get(item, 'key')) ?? '',
        operator: stringValue(get(item, 'operator')) ?? '',
        values: isSeq(values)
          ? values.items.map((v) => (isScalar(v) && v.value !== null ? (typeof v.value === 'string' ? v.value : v.source) : ''))
          : [],
      });
    }
  }
  return { matchLabels: reader.stringMap(node, 'matchLabels'), matchExpressions: expressions, span: node.span };
}
