// The disruption controller's status of a PodDisruptionBudget that has none (a manifest or a scenario, not a live
// object), computed from the simulated cluster's pods and their controllers as getPodsForPdb, getExpectedScale and
// countHealthyPods do (R-K.4). A PDB read back with status.disruptionsAllowed keeps it (R-E.7).
import type { K8sObject } from '../model/objects';
import { get, isMap, isScalar, isSeq, scalarText, stringValue } from '../syntax/tree';
import { controllerHasScale, disruptionStatus, pdbSelectsPod, scaleResourceOf } from '../semantics/disruption';
import type { DisruptionInputs, PodDisruptionBudget } from '../semantics/disruption';
import type { SimPdb, SimPod } from './sim-types';

export interface ControllerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string | undefined;
}

/** A workload object that may be a pod's controller: its replicas (scale) and its own controller. */
export interface ControllerObject {
  object: K8sObject;
  uid: string | undefined;
  /** spec.replicas, defaulted to 1 as the API does for the built-in controllers; undefined when absent on others. */
  replicas: number | undefined;
  controllerRef: ControllerRef | undefined;
}

/** controllerRefOf is metav1.GetControllerOf: the ownerReference with `controller: true`. */
export function controllerRefOf(o: K8sObject): ControllerRef | undefined {
  const refs = get(o.node, 'metadata', 'ownerReferences');
  if (!isSeq(refs)) return undefined;
  for (const r of refs.items) {
    if (scalarText(get(r, 'controller')) !== 'true') continue;
    return {
      apiVersion: stringValue(get(r, 'apiVersion')) ?? '',
      kind: stringValue(get(r, 'kind')) ?? '',
      name: stringValue(get(r, 'name')) ?? '',
      uid: stringValue(get(r, 'uid')),
    };
  }
  return undefined;
}

export function readControllerObject(o: K8sObject): ControllerObject {
  const replicasNode = get(o.node, 'spec', 'replicas');
  const text = isScalar(replicasNode) && replicasNode.value !== null ? scalarText(replicasNode) : undefined;
  const parsed = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  const builtIn = controllerHasScale(o.apiVersion, o.kind) === true;
  return {
    object: o,
    uid: stringValue(get(o.node, 'metadata', 'uid')),
    replicas: parsed ?? (builtIn ? 1 : undefined),
    controllerRef: controllerRefOf(o),
  };
}

/**
 * podIsReady is IsPodReady for a live pod (its Ready condition is True). A pod with no recorded conditions (a
 * manifest or a scenario) counts as Ready once it is bound and not Pending or terminal: what the kubelet reports for
 * a started pod without a failing readiness probe. Not being deleted is checked by the caller.
 */
export function podIsReady(pod: SimPod): boolean {
  const conditions = get(pod.object.node, 'status', 'conditions');
  if (isSeq(conditions) && conditions.items.length > 0) {
    for (const c of conditions.items)
      if (isMap(c) && stringValue(get(c, 'type')) === 'Ready') return scalarText(get(c, 'status')) === 'True';
    return false;
  }
  return pod.nodeName !== undefined && (pod.phase === undefined || pod.phase === 'Running');
}

const sameUid = (ref: ControllerRef, c: ControllerObject): boolean => ref.uid === undefined || c.uid === undefined || ref.uid === c.uid;
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/**
 * expectedScale is getExpectedScale: Σ replicas over the distinct controllers of the pods (a ReplicaSet controlled by
 * a Deployment counts as the Deployment), pods without a controller ignored; a controller that is not in the input,
 * or one without a scale subresource, is an error and the controller fails safe.
 */
export function expectedScale(
  pods: readonly SimPod[],
  controllers: ReadonlyMap<string, ControllerObject>,
): { replicas: number; unmanaged: number } | { error: string } {
  const scaleOf = new Map<string, number>();
  let unmanaged = 0;
  for (const pod of pods) {
    const ref = controllerRefOf(pod.object);
    if (ref === undefined) {
      unmanaged++;
      continue;
    }
    let owner = controllers.get(`${pod.namespace}/${ref.kind}/${ref.name}`);
    if (owner !== undefined && !sameUid(ref, owner)) owner = undefined;
    const group = groupOf(ref.apiVersion);
    if (owner !== undefined && ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
      const up = owner.controllerRef;
      if (up !== undefined && up.kind === 'Deployment') {
        const deployment = controllers.get(`${pod.namespace}/Deployment/${up.name}`);
        if (deployment === undefined || !sameUid(up, deployment))
          return { error: `found no controllers for pod "${pod.name}" (its ReplicaSet's Deployment ${up.name} is not in the input)` };
        scaleOf.set(`Deployment/${up.name}`, deployment.replicas ?? 1);
        continue;
      }
    }
    const hasScale = controllerHasScale(ref.apiVersion, ref.kind);
    if (hasScale === false) return { error: `${scaleResourceOf(ref.kind)} does not implement the scale subresource` };
    if (owner === undefined || owner.replicas === undefined)
      return { error: `found no controllers for pod "${pod.name}" (its ${ref.kind} ${ref.name} is not in the input)` };
    scaleOf.set(`${ref.kind}/${ref.name}`, owner.replicas);
  }
  let replicas = 0;
  for (const r of scaleOf.values()) replicas += r;
  return { replicas, unmanaged };
}

/** simPdb computes a SimPdb: the status the disruption controller would write when the PDB has none (R-K.4). */
export function simPdb(
  pdb: PodDisruptionBudget,
  namespacePods: readonly SimPod[],
  controllers: ReadonlyMap<string, ControllerObject>,
): SimPdb {
  const base = { pdb, id: pdb.id, namespace: pdb.namespace, selector: pdb.selector, disruptedPods: new Set(pdb.disruptedPods) };
  if (pdb.statusDisruptionsAllowed !== undefined)
    return { ...base, disruptionsAllowed: pdb.statusDisruptionsAllowed, source: 'status.disruptionsAllowed' };
  // getPodsForPdb: every pod of the namespace the selector matches, in any phase (the controller's own selector meaning).
  const selected = namespacePods.filter((p) => pdbSelectsPod(pdb, p.namespace, p.labels));
  // countHealthyPods: not being deleted, not listed in status.disruptedPods (an eviction already counted it), Ready.
  const healthy = selected.filter((p) => !p.terminating && !base.disruptedPods.has(p.name) && podIsReady(p)).length;
  const needsScale = pdb.maxUnavailable !== undefined || pdb.minAvailable?.value.kind === 'percent';
  const scale: DisruptionInputs['scale'] = needsScale ? expectedScale(selected, controllers) : { replicas: 0, unmanaged: 0 };
  const estimate = disruptionStatus(pdb, { pods: selected.length, healthy, scale });
  return {
    ...base,
    disruptionsAllowed: estimate.disruptionsAllowed,
    source: `computed: ${estimate.explanation} (${selected.length} selected pod(s), ${healthy} healthy)`,
  };
}
