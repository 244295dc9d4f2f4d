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
  disruptionsAllowed: number;
  /** How the numbers were obtained, for hovers. */
  explanation: string;
}

/** expectedDisruptions computes disruptionsAllowed for `expectedPods` healthy pods, rounding percentages up as upstream does. */
export function expectedDisruptions(pdb: PodDisruptionBudget, expectedPods: number): DisruptionEstimate {
  if (pdb.statusDisruptionsAllowed !== undefined) {
    return {
      expectedPods,
      desiredHealthy: Math.max(0, expectedPods - pdb.statusDisruptionsAllowed),
      disruptionsAllowed: pdb.statusDisruptionsAllowed,
      explanation: `status.disruptionsAllowed is ${pdb.statusDisruptionsAllowed}`,
    };
  }
  let desiredHealthy: number;
  let explanation: string;
  const percentOf = (percent: number): number => Math.ceil((percent * expectedPods) / 100);
  if (pdb.maxUnavailable !== undefined) {
    const max = pdb.maxUnavailable.value;
    const unavailable = max.kind === 'int' ? max.value : percentOf(max.value);
    desiredHealthy = Math.max(0, expectedPods - unavailable);
    explanation = `maxUnavailable ${max.kind === 'int' ? max.value : `${max.value}%`} of ${expectedPods} pods allows ${Math.min(unavailable, expectedPods)} disruption(s)`;
  } else if (pdb.minAvailable !== undefined) {
    const min = pdb.minAvailable.value;
    desiredHealthy = min.kind === 'int' ? min.value : percentOf(min.value);
    explanation = `minAvailable ${min.kind === 'int' ? min.value : `${min.value}%`} of ${expectedPods} pods keeps ${desiredHealthy} healthy`;
  } else {
    desiredHealthy = 0;
    explanation = 'neither minAvailable nor maxUnavailable is set';
  }
  return { expectedPods, desiredHealthy, disruptionsAllowed: Math.max(0, expectedPods - desiredHealthy), explanation };
}
