// Kueue's own objects (kueue.x-k8s.io v1beta1 and v1beta2, R-Q.1): WorkloadPriorityClass, LocalQueue, ClusterQueue,
// Cohort and ResourceFlavor, read into plain values with spans, and the labels that tie a job to them.
// Both API versions are read: v1beta2 is the storage version since Kueue v0.16, v1beta1 is still served, and the
// field shapes differ only where read here (ClusterQueue `cohort` became `cohortName`).
import type { Span } from '../text';
import { entry, get, isMap, isScalar, isSeq, stringValue } from '../syntax/tree';
import type { YMap, YNode } from '../syntax/tree';
import { describeNode, FieldReader } from '../model/fields';
import type { FieldProblem, Located } from '../model/fields';
import type { K8sObject } from '../model/objects';
import { readLabelSelector } from '../model/workload';
import type { LabelSelector } from '../model/workload';
import { parseQuantity, quantityError, quantityFormatWrong } from '../quantity';

export const kueueGroup = 'kueue.x-k8s.io';
/** The label on a job's own metadata that names its LocalQueue (controller/constants QueueLabel). */
export const queueNameLabel = 'kueue.x-k8s.io/queue-name';
/** The label that names a job's WorkloadPriorityClass (controller/constants WorkloadPriorityClassLabel). */
export const workloadPriorityClassLabel = 'kueue.x-k8s.io/priority-class';
/** The Workload annotation added to its base priority when the PriorityBoost gate is on (alpha, off by default). */
export const priorityBoostAnnotation = 'kueue.x-k8s.io/priority-boost';
/** The WorkloadPriorityClass the WorkloadPriorityClassDefaulting gate writes in when a job names none. */
export const defaultWorkloadPriorityClassName = 'default';

/**
 * kueueJobMetadata: the metadata whose labels Kueue reads for a job (the queue and WorkloadPriorityClass labels): the
 * object's own, but a CronJob's `spec.jobTemplate.metadata`, since Kueue manages the Jobs it creates, not the CronJob.
 */
export function kueueJobMetadata(object: K8sObject): YNode | undefined {
  return object.kind === 'CronJob' ? get(object.node, 'spec', 'jobTemplate', 'metadata') : get(object.node, 'metadata');
}

/** The labels map of kueueJobMetadata, as written (for spans and edits); undefined when it is not a map. */
export function kueueJobLabelsMap(object: K8sObject): YMap | undefined {
  const labels = get(kueueJobMetadata(object), 'labels');
  return isMap(labels) ? labels : undefined;
}

/** The labels of kueueJobMetadata as values (read like every object's labels: `object.labels` but for a CronJob). */
export function kueueJobLabels(object: K8sObject): Record<string, string> {
  if (object.kind !== 'CronJob') return object.labels;
  const metadata = kueueJobMetadata(object);
  return isMap(metadata) ? new FieldReader().stringMap(metadata, 'labels') : {};
}

export const kueueKinds: ReadonlySet<string> = new Set(['WorkloadPriorityClass', 'LocalQueue', 'ClusterQueue', 'Cohort', 'ResourceFlavor']);
export const kueueClusterScopedKinds: ReadonlySet<string> = new Set(['WorkloadPriorityClass', 'ClusterQueue', 'Cohort', 'ResourceFlavor']);

/** isKueueObject: a kind Kueue defines, in Kueue's API group (another group's `ClusterQueue` is not Kueue's). */
export function isKueueObject(kind: string, apiVersion: string): boolean {
  return kueueKinds.has(kind) && apiVersion.startsWith(`${kueueGroup}/`);
}

export type KueuePreemptionPolicy = 'Never' | 'LowerPriority' | 'LowerOrNewerEqualPriority' | 'Any';
export type BorrowWithinCohortPolicy = 'Never' | 'LowerPriority';
export type QueueingStrategy = 'StrictFIFO' | 'BestEffortFIFO';

/** The enum values the CRD schemas accept (`+kubebuilder:validation:Enum`), in the order the apiserver lists them. */
export const withinClusterQueueValues: readonly KueuePreemptionPolicy[] = ['Never', 'LowerPriority', 'LowerOrNewerEqualPriority'];
export const reclaimWithinCohortValues: readonly KueuePreemptionPolicy[] = ['Never', 'LowerPriority', 'Any'];
export const borrowWithinCohortValues: readonly BorrowWithinCohortPolicy[] = ['Never', 'LowerPriority'];
export const queueingStrategyValues: readonly QueueingStrategy[] = ['StrictFIFO', 'BestEffortFIFO'];
export const stopPolicyValues: readonly string[] = ['None', 'Hold', 'HoldAndDrain'];

export interface WorkloadPriorityClass {
  name: string;
  object: K8sObject;
  /** `value` (int32); a missing value reads as 0 (the CRD requires it, the apiserver refuses the object). */
  value: number;
  valueField: Located<number> | undefined;
}

export interface LocalQueue {
  name: string;
  namespace: string;
  object: K8sObject;
  clusterQueue: Located<string> | undefined;
  stopPolicy: Located<string> | undefined;
}

export interface ResourceQuota {
  name: string;
  nameSpan: Span;
  /** milli-units */
  nominalQuota: number;
  /** milli-units; undefined: no limit (only with a cohort) */
  borrowingLimit: number | undefined;
  lendingLimit: number | undefined;
  /** The three quantities as written, for validation messages and spans. */
  written: Partial<Record<QuotaField, { text: string; span: Span }>>;
  span: Span;
}

export type QuotaField = 'nominalQuota' | 'borrowingLimit' | 'lendingLimit';

export interface FlavorQuotas {
  name: string;
  nameSpan: Span;
  resources: ResourceQuota[];
  span: Span;
}

export interface ResourceGroup {
  coveredResources: string[];
  flavors: FlavorQuotas[];
  span: Span;
}

export interface ClusterQueuePreemption {
  withinClusterQueue: KueuePreemptionPolicy;
  reclaimWithinCohort: KueuePreemptionPolicy;
  borrowWithinCohort: { policy: BorrowWithinCohortPolicy; maxPriorityThreshold: number | undefined };
  /** The fields as written (for spans and the enum validation); undefined when absent (defaulted). */
  fields: {
    node: YNode | undefined;
    withinClusterQueue: Located<string> | undefined;
    reclaimWithinCohort: Located<string> | undefined;
    borrowWithinCohortPolicy: Located<string> | undefined;
    maxPriorityThreshold: Located<number> | undefined;
  };
}

export interface ClusterQueue {
  name: string;
  object: K8sObject;
  /** `spec.cohortName` (v1beta2) or `spec.cohort` (v1beta1). */
  cohort: Located<string> | undefined;
  resourceGroups: ResourceGroup[];
  queueingStrategy: QueueingStrategy;
  queueingStrategyField: Located<string> | undefined;
  /** nil selects no namespace, `{}` every namespace (the field's documented meaning). */
  namespaceSelector: LabelSelector | undefined;
  preemption: ClusterQueuePreemption;
  stopPolicy: Located<string> | undefined;
  fairSharingWeight: Located<string> | undefined;
}

export interface Cohort {
  name: string;
  object: K8sObject;
  parentName: Located<string> | undefined;
  resourceGroups: ResourceGroup[];
}

export interface ResourceFlavor {
  name: string;
  object: K8sObject;
  nodeLabels: Record<string, string>;
}

export type KueueObject =
  | { kind: 'WorkloadPriorityClass'; value: WorkloadPriorityClass }
  | { kind: 'LocalQueue'; value: LocalQueue }
  | { kind: 'ClusterQueue'; value: ClusterQueue }
  | { kind: 'Cohort'; value: Cohort }
  | { kind: 'ResourceFlavor'; value: ResourceFlavor };

/** readKueueObject reads one Kueue object; undefined for anything else. Wrong field types become problems, never throws. */
export function readKueueObject(object: K8sObject): { read: KueueObject; problems: FieldProblem[] } | undefined {
  if (!isKueueObject(object.kind, object.apiVersion)) return undefined;
  const reader = new FieldReader();
  const spec = get(object.node, 'spec');
  let read: KueueObject;
  switch (object.kind) {
    case 'WorkloadPriorityClass': {
      const valueField = reader.int32(object.node, 'value', 'value');
      read = { kind: 'WorkloadPriorityClass', value: { name: object.name, object, value: valueField?.value ?? 0, valueField } };
      break;
    }
    case 'LocalQueue':
      read = {
        kind: 'LocalQueue',
        value: {
          name: object.name,
          namespace: object.namespace ?? 'default',
          object,
          clusterQueue: reader.string(spec, 'clusterQueue', 'spec.clusterQueue'),
          stopPolicy: reader.string(spec, 'stopPolicy', 'spec.stopPolicy'),
        },
      };
      break;
    case 'ClusterQueue':
      read = { kind: 'ClusterQueue', value: readClusterQueue(object, spec, reader) };
      break;
    case 'Cohort':
      read = {
        kind: 'Cohort',
        value: {
          name: object.name,
          object,
          parentName: reader.string(spec, 'parentName', 'spec.parentName') ?? reader.string(spec, 'parent', 'spec.parent'),
          resourceGroups: readResourceGroups(spec, reader),
        },
      };
      break;
    default:
      read = { kind: 'ResourceFlavor', value: { name: object.name, object, nodeLabels: reader.stringMap(spec, 'nodeLabels') } };
  }
  return { read, problems: reader.problems };
}

function readClusterQueue(object: K8sObject, spec: YNode | undefined, reader: FieldReader): ClusterQueue {
  // v1beta1 called the field `cohort`; a v1beta2 object with `cohort` is pruned by the apiserver (unknown field).
  const v1beta1 = object.apiVersion === `${kueueGroup}/v1beta1`;
  const cohort = v1beta1 ? reader.string(spec, 'cohort', 'spec.cohort') : reader.string(spec, 'cohortName', 'spec.cohortName');
  const preemptionNode = get(spec, 'preemption');
  const within = reader.string(preemptionNode, 'withinClusterQueue', 'spec.preemption.withinClusterQueue');
  const reclaim = reader.string(preemptionNode, 'reclaimWithinCohort', 'spec.preemption.reclaimWithinCohort');
  const borrowNode = get(preemptionNode, 'borrowWithinCohort');
  const borrowPolicy = reader.string(borrowNode, 'policy', 'spec.preemption.borrowWithinCohort.policy');
  const threshold = reader.int32(borrowNode, 'maxPriorityThreshold', 'spec.preemption.borrowWithinCohort.maxPriorityThreshold');
  const strategy = reader.string(spec, 'queueingStrategy', 'spec.queueingStrategy');
  const selectorNode = get(spec, 'namespaceSelector');
  return {
    name: object.name,
    object,
    cohort,
    resourceGroups: readResourceGroups(spec, reader),
    queueingStrategy: strategy?.value === 'StrictFIFO' ? 'StrictFIFO' : 'BestEffortFIFO',
    queueingStrategyField: strategy,
    namespaceSelector: readLabelSelector(reader, selectorNode),
    preemption: {
      // An enum value the schema refuses reads as the default: the object is not admitted as written.
      withinClusterQueue: oneOf(within?.value, withinClusterQueueValues) ?? 'Never',
      reclaimWithinCohort: oneOf(reclaim?.value, reclaimWithinCohortValues) ?? 'Never',
      borrowWithinCohort: {
        policy: oneOf(borrowPolicy?.value, borrowWithinCohortValues) ?? 'Never',
        maxPriorityThreshold: threshold?.value,
      },
      fields: {
        node: preemptionNode,
        withinClusterQueue: within,
        reclaimWithinCohort: reclaim,
        borrowWithinCohortPolicy: borrowPolicy,
        maxPriorityThreshold: threshold,
      },
    },
    stopPolicy: reader.string(spec, 'stopPolicy', 'spec.stopPolicy'),
    fairSharingWeight: quantityText(get(get(spec, 'fairSharing'), 'weight')),
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

function quantityText(node: YNode | undefined): Located<string> | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  return { value: typeof node.value === 'string' ? node.value : node.source, span: node.span, keySpan: node.span };
}

/** readResourceGroups reads `spec.resourceGroups` of a ClusterQueue or Cohort; quantities in milli-units. */
function readResourceGroups(spec: YNode | undefined, reader: FieldReader): ResourceGroup[] {
  const groups = get(spec, 'resourceGroups');
  if (!isSeq(groups)) return [];
  const out: ResourceGroup[] = [];
  for (const group of groups.items) {
    if (!isMap(group)) continue;
    const covered = get(group, 'coveredResources');
    const flavors = get(group, 'flavors');
    out.push({
      coveredResources: isSeq(covered) ? covered.items.map((c) => stringValue(c)).filter((c): c is string => c !== undefined) : [],
      flavors: isSeq(flavors) ? flavors.items.filter(isMap).map((f) => readFlavorQuotas(f, reader)) : [],
      span: group.span,
    });
  }
  return out;
}

function readFlavorQuotas(flavor: YNode, reader: FieldReader): FlavorQuotas {
  const nameField = entry(flavor, 'name');
  const resources = get(flavor, 'resources');
  const quotas: ResourceQuota[] = [];
  if (isSeq(resources)) {
    for (const r of resources.items) {
      if (!isMap(r)) continue;
      const rName = entry(r, 'name');
      const written: ResourceQuota['written'] = {};
      quotas.push({
        name: stringValue(rName?.value) ?? '',
        nameSpan: rName?.value.span ?? r.span,
        nominalQuota: quantity(r, 'nominalQuota', reader, written) ?? 0,
        borrowingLimit: quantity(r, 'borrowingLimit', reader, written),
        lendingLimit: quantity(r, 'lendingLimit', reader, written),
        written,
        span: r.span,
      });
    }
  }
  return {
    name: stringValue(nameField?.value) ?? '',
    nameSpan: nameField?.value.span ?? flavor.span,
    resources: quotas,
    span: flavor.span,
  };
}

/**
 * quantity reads one resource.Quantity field into milli-units (negative kept: validateKueueObject reports it with its
 * path); a value that is no quantity is a problem here (the CRD's schema refuses it before any webhook).
 */
function quantity(node: YNode, key: QuotaField, reader: FieldReader, written: ResourceQuota['written']): number | undefined {
  const value = get(node, key);
  if (value === undefined || (isScalar(value) && value.value === null)) return undefined;
  const text = isScalar(value) ? (typeof value.value === 'string' ? value.value : value.source) : undefined;
  if (text !== undefined) written[key] = { text, span: value.span };
  const milli = text === undefined ? undefined : parseQuantity(text);
  if (milli === undefined) {
    reader.problems.push({
      span: value.span,
      message: `${key}: "${text ?? describeNode(value)}" is not a valid quantity: ${(text === undefined ? undefined : quantityError(text)) ?? quantityFormatWrong}`,
    });
  }
  return milli;
}
