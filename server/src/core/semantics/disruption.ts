// PodDisruptionBudgets: which pods a PDB covers for the disruption controller and the Eviction API (R-K.2, R-K.3), and
// the disruptionsAllowed the controller would compute when every pod is healthy. The scheduler's view is R-E.7.
import { get, isMap } from '../syntax/tree';
import { FieldReader } from '../model/fields';
import type { Located } from '../model/fields';
import type { K8sObject } from '../model/objects';
import { readLabelSelector } from '../model/workload';
import type { LabelSelector } from '../model/workload';
import { selectorMatches } from './labels';

export interface PodDisruptionBudget {
  object: K8sObject;
  /** `namespace/name` */
  id: string;
  namespace: string;
  /** undefined when `selector` is absent or null: selects nothing. */
  selector: LabelSelector | undefined;
  minAvailable: Located<{ kind: 'int' | 'percent'; value: number }> | undefined;
  maxUnavailable: Located<{ kind: 'int' | 'percent'; value: number }> | undefined;
  /** `status.disruptionsAllowed` when read from a cluster. */
  statusDisruptionsAllowed: number | undefined;
  /** `status.disruptedPods` names, already counted by the apiserver. */
  disruptedPods: string[];
  apiVersion: string;
}

export function readPodDisruptionBudget(object: K8sObject): { pdb: PodDisruptionBudget; problems: FieldReader['problems'] } {
  const reader = new FieldReader();
  const spec = get(object.node, 'spec');
  const status = get(object.node, 'status');
  const disrupted = get(status, 'disruptedPods');
  const namespace = object.namespace ?? 'default';
  return {
    pdb: {
      object,
      id: `${namespace}/${object.name}`,
      namespace,
      selector: readLabelSelector(reader, get(spec, 'selector')),
      minAvailable: reader.intOrPercent(spec, 'minAvailable'),
      maxUnavailable: reader.intOrPercent(spec, 'maxUnavailable'),
      statusDisruptionsAllowed: reader.int32(status, 'disruptionsAllowed', 'status.disruptionsAllowed')?.value,
      disruptedPods: isMap(disrupted) ? disrupted.entries.map((e) => e.key) : [],
      apiVersion: object.apiVersion,
    },
    problems: reader.problems,
  };
}

/**
 * pdbSelectsPod: the PDB covers a pod of `namespace` with `labels` for the disruption controller and the Eviction API
 * (R-K.2, R-K.3): a nil selector covers nothing; `{}` every pod of the namespace in policy/v1, none in policy/v1beta1.
 */
export function pdbSelectsPod(pdb: PodDisruptionBudget, namespace: string, labels: Record<string, string>): boolean {
  return namespace === pdb.namespace && selectorMatches(pdb.selector, labels, pdb.apiVersion === 'policy/v1' ? 'everything' : 'nothing');
}

export interface DisruptionEstimate {
  expectedPods: number;
  desiredHealthy: number;
  /** Pods counted healthy (R-K.4): Ready, not being deleted, not listed in status.disruptedPods. */
  currentHealthy: number;
  disruptionsAllowed: number;
  /** How the numbers were obtained, for hovers. */
  explanation: string;
}

/** What the disruption controller reads about the pods a PDB selects (R-K.4). */
export interface DisruptionInputs {
  /** Pods the PDB selects (getPodsForPdb), whatever their phase: the expected count of an integer minAvailable. */
  pods: number;
  /** Selected pods counted healthy: Ready, not being deleted, not listed in status.disruptedPods (countHealthyPods). */
  healthy: number;
  /**
   * Σ replicas of the distinct controllers of the selected pods (getExpectedScale), with the pods that have no
   * controller (unmanaged, ignored); or why a controller's scale cannot be read (the controller then fails safe).
   */
  scale: { replicas: number; unmanaged: number } | { error: string };
}

const fieldText = (f: { kind: 'int' | 'percent'; value: number }): string => (f.kind === 'int' ? `${f.value}` : `${f.value}%`);

/**
 * disruptionStatus is the disruption controller's getExpectedPodCount + updatePdbStatus (R-K.4): expectedPods from the
 * controllers' scale for maxUnavailable and percentage minAvailable (the pod count for an integer minAvailable),
 * percentages rounded up, disruptionsAllowed = currentHealthy - desiredHealthy, 0 when negative or when no pod is
 * expected; a controller without a scale fails safe to 0. A PDB read back with status.disruptionsAllowed keeps it.
 */
export function disruptionStatus(pdb: PodDisruptionBudget, inputs: DisruptionInputs): DisruptionEstimate {
  const currentHealthy = inputs.healthy;
  if (pdb.statusDisruptionsAllowed !== undefined) {
    return {
      expectedPods: inputs.pods,
      desiredHealthy: Math.max(0, currentHealthy - pdb.statusDisruptionsAllowed),
      currentHealthy,
      disruptionsAllowed: pdb.statusDisruptionsAllowed,
      explanation: `status.disruptionsAllowed is ${pdb.statusDisruptionsAllowed}`,
    };
  }
  const percentOf = (percent: number, total: number): number => Math.ceil((percent * total) / 100);
  const min = pdb.minAvailable?.value;
  const max = pdb.maxUnavailable?.value;
  const needsScale = max !== undefined || min?.kind === 'percent';
  if (needsScale && 'error' in inputs.scale) {
    return {
      expectedPods: 0,
      desiredHealthy: 0,
      currentHealthy,
      disruptionsAllowed: 0,
      explanation: `the disruption controller cannot count the expected pods (${inputs.scale.error}), so it fails safe to 0 disruptions`,
    };
  }
  const scale = 'error' in inputs.scale ? { replicas: 0, unmanaged: 0 } : inputs.scale;
  let expectedPods = 0;
  let desiredHealthy = 0;
  let rule: string;
  if (max !== undefined) {
    expectedPods = scale.replicas;
    const unavailable = max.kind === 'int' ? max.value : percentOf(max.value, expectedPods);
    desiredHealthy = Math.max(0, expectedPods - unavailable);
    rule = `maxUnavailable ${fieldText(max)} of ${expectedPods} expected pod(s) keeps ${desiredHealthy} healthy`;
  } else if (min !== undefined) {
    if (min.kind === 'int') {
      expectedPods = inputs.pods;
      desiredHealthy = min.value;
    } else {
      expectedPods = scale.replicas;
      desiredHealthy = percentOf(min.value, expectedPods);
    }
    rule = `minAvailable ${fieldText(min)} of ${expectedPods} expected pod(s) keeps ${desiredHealthy} healthy`;
  } else {
    rule = 'neither minAvailable nor maxUnavailable is set, so no pod is expected';
  }
  if (needsScale && scale.unmanaged > 0)
    rule += `; ${scale.unmanaged} selected pod(s) have no controller, and the disruption controller expects none of them`;
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  if (expectedPods <= 0) rule += '; with 0 expected pods no disruption is allowed';
  return { expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, explanation: rule };
}

/** expectedDisruptions is disruptionStatus when all `expectedPods` pods exist, have a controller and are healthy. */
export function expectedDisruptions(pdb: PodDisruptionBudget, expectedPods: number): DisruptionEstimate {
  return disruptionStatus(pdb, { pods: expectedPods, healthy: expectedPods, scale: { replicas: expectedPods, unmanaged: 0 } });
}

/** Controller kinds whose scale the disruption controller reads (its finders; apps/extensions groups as upstream). */
export function controllerHasScale(apiVersion: string, kind: string): boolean | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (kind === 'ReplicationController' && group === '') return true;
  if ((kind === 'ReplicaSet' || kind === 'Deployment') && (group === 'apps' || group === 'extensions')) return true;
  if (kind === 'StatefulSet' && group === 'apps') return true;
  // Built-in kinds without a scale subresource: getScaleController fails ("does not implement the scale subresource").
  if (
    (kind === 'DaemonSet' && (group === 'apps' || group === 'extensions')) ||
    (group === 'batch' && (kind === 'Job' || kind === 'CronJob'))
  )
    return false;
  if (group === '' && kind === 'Pod') return false;
  return undefined; // a custom resource: it has a scale if its CRD declares one
}

/** scaleResourceOf names the controller of a pod of a `kind` workload as the controller's error does (`daemonsets.apps`). */
export function scaleResourceOf(kind: string): string {
  // A CronJob's pods are controlled by its Jobs.
  if (kind === 'Job' || kind === 'CronJob') return 'jobs.batch';
  return `${kind.toLowerCase()}s.apps`;
}
